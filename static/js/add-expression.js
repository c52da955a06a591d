// 표현으로 추가: words selected in a block's quote field become a new line of that block's key
// expressions, for the owner to go on with " = meaning". Each block's markup has the button
// (labelled by the server, also in the editor's <template> copy); it stays hidden without
// JavaScript, where the expressions are typed by hand, and here shows while words are selected.
//
// The line is added through execCommand("insertText"), which keeps the field's undo history
// and fires the input event autosave.js listens to; where that is refused, setRangeText does the
// same and the input event is sent by hand. Nothing is changed while an input method composes a
// syllable (Hangul input would break): a press then waits for compositionend, as the toolbar
// does (markdown-toolbar.js).
(function () {
  "use strict";
  var form = document.querySelector("[data-commentary-editor]");
  if (!form) return;
  var QUOTE = "textarea[name$='-quote']";
  var EXPRESSIONS = "textarea[name$='-expressions']";
  var OFFER = "[data-add-expression]";
  // An expression is written before "=" (or a Korean keyboard's full-width "＝").
  var SEPARATOR = /\s*[=＝]\s*/;
  // A selection's spaces and sentence marks at either end are not part of the expression.
  var EDGES = /^[\s.,;:!?"“”()[\]]+|[\s.,;:!?"“”()[\]]+$/g;
  var composing = false;
  var waiting = null; // the block whose button was pressed during a composition

  function blockOf(element) { return element.closest("[data-block]"); }

  function selectedText(quote) {
    return quote.value.slice(quote.selectionStart, quote.selectionEnd)
      .replace(EDGES, "").replace(/\s+/g, " ");
  }

  // As the server tells two expressions apart: case, spaces and quote marks aside.
  function key(text) {
    return text.toLowerCase().replace(/\s+/g, " ").trim()
      .replace(/[‘’‛′]/g, "'").replace(/[“”„″]/g, '"');
  }

  function update(quote) {
    var block = blockOf(quote);
    var offer = block && block.querySelector(OFFER);
    if (offer) offer.hidden = !selectedText(quote);
  }

  // Put `text` at the end of `field` on a line of its own; the cursor after it.
  function appendLine(field, text) {
    var start = field.value.length;
    var line = (field.value && field.value.slice(-1) !== "\n" ? "\n" : "") + text;
    field.focus();
    field.setSelectionRange(start, start);
    var done = false;
    try { done = document.execCommand("insertText", false, line); } catch (e) { done = false; }
    if (!done || field.value.slice(start) !== line) {
      field.setRangeText(line, start, field.value.length, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    field.setSelectionRange(field.value.length, field.value.length);
  }

  function add(block) {
    if (composing) {
      waiting = block;
      return;
    }
    var quote = block.querySelector(QUOTE);
    var field = block.querySelector(EXPRESSIONS);
    var text = quote && selectedText(quote);
    if (!text || !field) return;
    var lines = field.value.split("\n");
    var already = lines.findIndex(function (line) {
      return key(line.split(SEPARATOR)[0]) === key(text);
    });
    if (already === -1) {
      appendLine(field, text);
    } else { // not twice: to the end of the line that has it
      var end = lines.slice(0, already + 1).join("\n").length;
      field.focus();
      field.setSelectionRange(end, end);
    }
    block.querySelector(OFFER).hidden = true;
    field.scrollIntoView({ block: "nearest" });
  }

  ["select", "keyup", "mouseup", "input", "focusin"].forEach(function (type) {
    form.addEventListener(type, function (event) {
      if (event.target.matches && event.target.matches(QUOTE)) update(event.target);
    });
  });
  document.addEventListener("selectionchange", function () {
    var active = document.activeElement;
    if (active && active.matches(QUOTE) && form.contains(active)) update(active);
  });

  // A press must not take the focus (and with it a phone's selection) from the quote.
  form.addEventListener("mousedown", function (event) {
    if (event.target.closest(OFFER + " button")) event.preventDefault();
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest(OFFER + " button");
    if (button) add(blockOf(button));
  });

  document.addEventListener("compositionstart", function () { composing = true; }, true);
  document.addEventListener("compositionend", function () {
    composing = false;
    if (!waiting) return;
    var block = waiting;
    waiting = null;
    // After the input event that commits the syllable (some browsers send it after this one).
    window.setTimeout(function () { add(block); }, 0);
  }, true);
})();
