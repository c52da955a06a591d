// After a refused save the form comes back with messages at the fields concerned; on a long
// commentary that field may be screens below the top. Bring the first one into view.
(function () {
  "use strict";
  var first = document.querySelector("form[data-autosave] [aria-invalid='true']");
  if (!first) return;
  first.focus({ preventScroll: true });
  first.scrollIntoView({ block: "center" });
})();

// 발행 says 예약 발행 when the publication time typed is later than now (the server does the same
// when it shows the form). Times are compared as the field writes them, in the site's time
// zone: the page says what time it was there when it was made.
(function () {
  "use strict";
  var button = document.querySelector("form[data-autosave] [data-publish]");
  var field = document.querySelector("form[data-autosave] input[name='published_at']");
  if (!button || !field) return;
  var shownAt = Date.now();
  function asMinutes(value) {
    var parts = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(value);
    if (!parts) return null;
    return Date.UTC(+parts[1], parts[2] - 1, +parts[3], +parts[4], +parts[5]) / 60000;
  }
  var siteNow = asMinutes(button.getAttribute("data-site-now"));
  function relabel() {
    var typed = asMinutes(field.value);
    var now = siteNow + (Date.now() - shownAt) / 60000;
    var later = typed !== null && siteNow !== null && typed > now;
    button.textContent = button.getAttribute(later ? "data-label-later" : "data-label-now");
  }
  field.addEventListener("input", relabel);
  field.addEventListener("change", relabel);
})();
