// The owner's menu is a <details>: it opens and closes without JavaScript. Here it also closes
// as menus do, on a click elsewhere and on Escape (which gives the focus back to its button).
(function () {
  "use strict";
  var menu = document.querySelector("[data-owner-menu]");
  if (!menu) return;
  var toggle = menu.querySelector("summary");

  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      toggle.focus();
    }
  });
})();
