// The editor's formatting toolbar: bold, italic, heading, quote, list and link insert Markdown
// at the cursor of the Markdown field last focused (textarea[data-markdown]), and Ctrl/⌘+B,
// I and K do the same from the keyboard. Without JavaScript the toolbar stays hidden and the
// fields take Markdown typed by hand. Its 사진 button is photo-upload.js's.
//
// Korean is typed through an input method: while a syllable is being composed the field's text
// belongs to the IME, and changing it then breaks the syllable (doubled or lost jamo). So
// nothing here acts during a composition: a key pressed while composing is left alone
// (isComposing, keyCode 229), and a button pressed while composing waits for compositionend.
//
// The edits go through execCommand("insertText"), which keeps the browser's undo history and
// fires the input event that autosave.js listens to; where it is refused, setRangeText does
// the same edit and the input event is sent by hand.
(function () {
  "use strict";
  var toolbar = document.querySelector("[data-markdown-toolbar]");
  if (!toolbar) return;
  var form = toolbar.closest("form");
  var FIELDS = "textarea[data-markdown]";
  var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-markdown-action]"));
  var field = form.querySelector(FIELDS); // the field the toolbar acts on
  if (!field) return;
  var composing = false;
  var waiting = null; // an action pressed during a composition, run once it ends

  // --- editing the text --------------------------------------------------------------------

  // Replace [start, end) of `target` by `text`, then select [selectStart, selectEnd) (offsets
  // in `text`).
  function replaceIn(target, start, end, text, selectStart, selectEnd) {
    target.focus({ preventScroll: true });
    target.setSelectionRange(start, end);
    var done = false;
    try {
      done = text ? document.execCommand("insertText", false, text)
        : (start === end || document.execCommand("delete", false));
    } catch (e) { done = false; }
    if (!done || target.value.slice(start, start + text.length) !== text) {
      target.setRangeText(text, start, end, "end");
      target.dispatchEvent(new Event("input", { bubbles: true }));
    }
    target.setSelectionRange(start + selectStart, start + selectEnd);
  }

  function replace(start, end, text, selectStart, selectEnd) {
    replaceIn(field, start, end, text, selectStart, selectEnd);
  }

  // photo-upload.js (the 사진 button, drop and paste) inserts its photos the same way.
  window.markdownEditing = { replace: replaceIn };

  function selection() {
    return { value: field.value, start: field.selectionStart, end: field.selectionEnd };
  }

  // **bold** and *italic*: around the selection (its spaces left outside, or the Markdown
  // would not read as emphasis), or an empty pair with the cursor inside; pressed again on
  // text so marked, the marks come off.
  function emphasis(mark) {
    var s = selection();
    var text = s.value.slice(s.start, s.end);
    var core = text.trim();
    var start = s.start + text.indexOf(core);
    var end = start + core.length;
    var n = mark.length;
    var before = s.value.slice(Math.max(0, start - n - 1), start);
    var after = s.value.slice(end, end + n + 1);
    // "*" alone is italic only where it is not half of a bold "**".
    var marked = before.slice(-n) === mark && after.slice(0, n) === mark &&
      (n === 2 || (before.slice(-2) !== "**" && after.slice(0, 2) !== "**"));
    if (marked) {
      replace(start - n, end + n, core, 0, core.length);
    } else if (core.length > n * 2 && core.slice(0, n) === mark && core.slice(-n) === mark) {
      replace(start, end, core.slice(n, -n), 0, core.length - n * 2);
    } else {
      replace(start, end, mark + core + mark, n, n + core.length);
    }
  }

  // ## heading, > quote, - list: at the start of every line the selection touches; when all
  // of them already have it, it comes off.
  function linePrefix(prefix) {
    var s = selection();
    var lineStart = s.value.lastIndexOf("\n", s.start - 1) + 1;
    // A selection ending at the very start of a line does not take that line in.
    var last = s.end > s.start && s.value[s.end - 1] === "\n" ? s.end - 1 : s.end;
    var lineEnd = s.value.indexOf("\n", last);
    if (lineEnd === -1) lineEnd = s.value.length;
    var lines = s.value.slice(lineStart, lineEnd).split("\n");
    var written = lines.filter(function (line) { return line.trim(); });
    var remove = written.length > 0 && written.every(function (line) {
      return line.indexOf(prefix) === 0;
    });
    var changed = lines.map(function (line) {
      if (remove) return line.indexOf(prefix) === 0 ? line.slice(prefix.length) : line;
      return line.trim() || lines.length === 1 ? prefix + line : line;
    }).join("\n");
    if (s.start === s.end && lines.length === 1) {
      var caret = s.start - lineStart + (remove ? -prefix.length : prefix.length);
      caret = Math.max(0, Math.min(caret, changed.length));
      replace(lineStart, lineEnd, changed, caret, caret);
    } else {
      replace(lineStart, lineEnd, changed, 0, changed.length);
    }
  }

  // [text](https://): the selected text becomes the link's text and the address is selected,
  // for the next paste or typing to replace; a selected address becomes the address.
  function link() {
    var s = selection();
    var text = s.value.slice(s.start, s.end).trim();
    var start = s.start + s.value.slice(s.start, s.end).indexOf(text);
    var end = start + text.length;
    if (/^https?:\/\/\S+$/.test(text)) {
      replace(start, end, "[](" + text + ")", 1, 1);
    } else if (text) {
      var address = "https://";
      replace(start, end, "[" + text + "](" + address + ")",
        text.length + 3, text.length + 3 + address.length);
    } else {
      replace(start, end, "[](https://)", 1, 1);
    }
  }

  // One entry per button (data-markdown-action), but "image": photo-upload.js's.
  var ACTIONS = {
    bold: function () { emphasis("**"); },
    italic: function () { emphasis("*"); },
    heading: function () { linePrefix("## "); },
    quote: function () { linePrefix("> "); },
    list: function () { linePrefix("- "); },
    link: link,
  };
  var SHORTCUTS = { b: "bold", i: "italic", k: "link" };
  // The physical key, for layouts whose letter is another (a Korean layout says "ㅠ" for B).
  var KEY_CODES = { KeyB: "b", KeyI: "i", KeyK: "k" };

  function run(name) {
    if (composing) {
      waiting = name;
      return;
    }
    ACTIONS[name]();
  }

  // --- where the toolbar is ----------------------------------------------------------------

  // Just above the field it acts on. Moving it keeps the focused field where it was on the
  // screen: the page scrolls by whatever the move shifted.
  function attach(target) {
    var top = target.getBoundingClientRect().top;
    target.parentNode.insertBefore(toolbar, target);
    var shift = target.getBoundingClientRect().top - top;
    if (shift) window.scrollBy(0, shift);
  }

  form.addEventListener("focusin", function (event) {
    if (!event.target.matches(FIELDS)) return;
    field = event.target;
    if (toolbar.nextElementSibling !== field) attach(field);
  });

  // The composition is the document's, wherever it started.
  document.addEventListener("compositionstart", function () { composing = true; }, true);
  document.addEventListener("compositionend", function () {
    composing = false;
    if (!waiting) return;
    var name = waiting;
    waiting = null;
    // After the input event that commits the syllable (some browsers send it after this one).
    window.setTimeout(function () { run(name); }, 0);
  }, true);

  form.addEventListener("keydown", function (event) {
    if (!event.target.matches(FIELDS)) return;
    if (composing || event.isComposing || event.keyCode === 229) return;
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    var key = /^[a-z]$/i.test(event.key) ? event.key.toLowerCase() : KEY_CODES[event.code];
    var name = SHORTCUTS[key];
    if (!name) return;
    event.preventDefault(); // Ctrl+K would otherwise go to the browser's search box
    field = event.target;
    run(name);
  });

  // A press on a button must not take the focus (and the selection) from the field.
  toolbar.addEventListener("mousedown", function (event) {
    if (event.target.closest("button")) event.preventDefault();
  });
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-markdown-action]");
    if (button && ACTIONS[button.dataset.markdownAction]) run(button.dataset.markdownAction);
  });

  // One Tab stop for the whole toolbar; the arrow keys move between its buttons.
  toolbar.addEventListener("keydown", function (event) {
    var index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    next = (next + buttons.length) % buttons.length;
    buttons[index].tabIndex = -1;
    buttons[next].tabIndex = 0;
    buttons[next].focus();
  });
  buttons.forEach(function (button, index) { button.tabIndex = index ? -1 : 0; });

  attach(field);
  toolbar.hidden = false;
})();
