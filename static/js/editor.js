// After a refused save the form comes back with messages at the fields concerned; on a long
// commentary that field may be screens below the top. Bring the first one into view.
(function () {
  "use strict";
  var first = document.querySelector("form[data-autosave] [aria-invalid='true']");
  if (!first) return;
  first.focus({ preventScroll: true });
  first.scrollIntoView({ block: "center" });
})();
