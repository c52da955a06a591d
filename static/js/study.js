// Study mode, enhanced: one button hides or shows every translation, and the choice is
// remembered. Without JavaScript the page has a link to the same mode (?study=1) and each
// translation is a <details> a reader opens one at a time.
(function () {
  "use strict";
  var button = document.querySelector("[data-toggle-translations]");
  if (!button) return;
  var KEY = "blog.translations-hidden";
  var translations = document.querySelectorAll("details.translation");

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function remember(hidden) {
    try { window.localStorage.setItem(KEY, hidden ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  function apply(hidden) {
    translations.forEach(function (details) { details.open = !hidden; });
    button.textContent = hidden ? button.dataset.labelShow : button.dataset.labelHide;
    button.setAttribute("aria-pressed", hidden ? "true" : "false");
  }

  var hidden = remembered() || new URLSearchParams(location.search).get("study") === "1";
  apply(hidden);
  button.hidden = false;
  // The button replaces the page's link to the same mode: two controls with one label confuse.
  document.querySelectorAll("[data-study-link]").forEach(function (link) { link.hidden = true; });
  button.addEventListener("click", function () {
    hidden = !hidden;
    remember(hidden);
    apply(hidden);
  });
})();
