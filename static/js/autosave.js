// Autosave in the browser: while the owner types in an editor, a copy of the form is kept in
// localStorage. If the page is opened again with a copy that differs from what the server
// shows (a crash, a closed tab, a failed save), the banner says so ("이 브라우저에 저장되지 않은
// 글이 있습니다") and offers 되살리기 or 버리기. The copy is dropped only when the page after a
// submit says the save went through ("saved"): no error page (413, 503, an expired login...)
// can ever make it go away.
(function () {
  "use strict";
  var PREFIX = "blog.autosave:";
  var SUBMITTED = "blog.autosave.submitted";
  var SKIP = { csrf_token: true, version: true, website: true, started: true };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var store = storage();
  if (!store) return;

  var form = document.querySelector("form[data-autosave]");
  if (!form) {
    // No editor here: if we just submitted one and this page confirms it, it was saved.
    var submitted = window.sessionStorage && sessionStorage.getItem(SUBMITTED);
    if (submitted && document.querySelector("[data-autosave-saved]")) {
      store.removeItem(PREFIX + submitted);
      sessionStorage.removeItem(SUBMITTED);
    }
    return;
  }
  var key = PREFIX + location.pathname;

  // Not the photo file input: its value is the browser's "C:\fakepath\…" name of the file,
  // which no script may set back (and the files themselves cannot be kept).
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "submit" && el.type !== "button" &&
        el.type !== "file" && !el.closest("template");
    });
  }
  function collect() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values[el.name] = el.value;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function blockCount(values) {
    var most = -1;
    Object.keys(values).forEach(function (name) {
      var match = /^blocks-(\d+)-/.exec(name);
      if (match) most = Math.max(most, parseInt(match[1], 10));
    });
    return most + 1;
  }
  function fill(values) {
    // A commentary copy may have more blocks than the page: add them first (in place).
    var add = form.querySelector("[name='add_block']");
    var blocks = form.querySelectorAll("[data-block]");
    for (var i = blocks.length; add && i < blockCount(values); i++) add.click();
    fields().forEach(function (el) {
      if (!(el.name in values)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values[el.name] === el.value;
      } else {
        el.value = values[el.name];
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  var initial = collect();
  var saved = null;
  try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.values && !same(saved.values, initial)) {
    var banner = document.getElementById("autosave-banner");
    var when = new Date(saved.at);
    // When it was typed, to the minute: "(2026. 12. 2. 오후 9:40)".
    banner.querySelector("[data-autosave-time]").textContent =
      "(" + when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) + ")";
    banner.hidden = false;
    banner.querySelector("[data-autosave-restore]").addEventListener("click", function () {
      fill(saved.values);
      banner.hidden = true;
    });
    banner.querySelector("[data-autosave-discard]").addEventListener("click", function () {
      store.removeItem(key);
      banner.hidden = true;
    });
  }

  var timer = null;
  function keep() {
    var values = collect();
    if (same(values, initial)) return;
    try {
      store.setItem(key, JSON.stringify({ at: Date.now(), values: values }));
    } catch (e) { /* storage full: the server copy is still the safe one */ }
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(keep, 400);
  });
  form.addEventListener("change", keep);
  form.addEventListener("submit", function () {
    keep();
    if (window.sessionStorage) sessionStorage.setItem(SUBMITTED, location.pathname);
  });
})();
