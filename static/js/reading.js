// A commentary's reading modes, enhanced. Without JavaScript the page has a link to each
// (?study=1: translations folded, each a <details> a reader opens one at a time; ?layout=side:
// on a wide screen, each quote beside its translation) that keeps the other. Here a button
// takes each link's place and the choice is remembered in this browser (localStorage: no
// cookie). A phone always shows the stacked layout (the CSS says so), and no layout button.
(function () {
  "use strict";
  var query = new URLSearchParams(location.search);

  function remembered(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  // Two controls with one label confuse: the button replaces the page's link.
  function replaceLinks(selector, button) {
    document.querySelectorAll(selector).forEach(function (link) { link.hidden = true; });
    button.hidden = false;
  }

  // Study mode: one button hides or shows every translation.
  (function () {
    var button = document.querySelector("[data-toggle-translations]");
    if (!button) return;
    var KEY = "blog.translations-hidden";
    var translations = document.querySelectorAll("details.translation");
    function apply(hidden) {
      translations.forEach(function (details) { details.open = !hidden; });
      button.textContent = hidden ? button.dataset.labelShow : button.dataset.labelHide;
      button.setAttribute("aria-pressed", hidden ? "true" : "false");
    }
    var hidden = remembered(KEY) === "1" || query.get("study") === "1";
    apply(hidden);
    replaceLinks("[data-study-link]", button);
    button.addEventListener("click", function () {
      hidden = !hidden;
      remember(KEY, hidden ? "1" : "0");
      apply(hidden);
    });
  })();

  // The layout: a toggle button (aria-pressed), its label the same in both states.
  (function () {
    var button = document.querySelector("[data-toggle-layout]");
    var blocks = document.querySelector(".blocks");
    if (!button || !blocks) return;
    var KEY = "blog.commentary-layout";
    function apply(side) {
      blocks.classList.toggle("blocks--side", side);
      button.setAttribute("aria-pressed", side ? "true" : "false");
    }
    var side = query.get("layout") === "side" || remembered(KEY) === "side";
    apply(side);
    replaceLinks("[data-layout-link]", button);
    button.addEventListener("click", function () {
      side = !side;
      remember(KEY, side ? "side" : "stacked");
      apply(side);
    });
  })();
})();
