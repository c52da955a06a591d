// Photos in the editors' Markdown fields (textarea[data-markdown]): chosen with the toolbar's
// 사진 button, dropped on a field or pasted into one. Each file is sent alone to the upload
// address (its progress in a status line under the field); then a panel below it shows the
// photo and asks what it shows (its alt text: never the file name) and an optional caption,
// and inserts ![alt](address "caption") as a paragraph of its own where the cursor was when
// the upload began. Several photos are asked about one after another. A refused file is named
// in the status line with the server's reason, and the text is left as it was.
//
// Everything shown comes from the page's <template data-photo-panel> (templates/_macros/
// toolbar.html), in the page's language. Without JavaScript the form's own file field and its
// 사진 올리기 button do the upload, and they keep working with it.
//
// As in markdown-toolbar.js, nothing touches a field or moves the focus while an IME composes
// a syllable (Hangul would lose or double jamo): the panel opens, and a photo goes in, once
// the composition has ended; Enter and Escape pressed to end a composition are the IME's.
(function () {
  "use strict";
  var template = document.querySelector("template[data-photo-panel]");
  var editing = window.markdownEditing; // markdown-toolbar.js, loaded before this
  if (!template || !editing) return;
  var form = template.closest("form");
  var FIELDS = "textarea[data-markdown]";
  var field = form.querySelector(FIELDS); // the Markdown field last focused
  var csrf = form.querySelector("input[name='csrf_token']");
  var button = form.querySelector("[data-markdown-action='image']");
  if (!field || !csrf || !button) return;
  var settings = template.dataset;
  var maxBytes = parseInt(settings.maxBytes, 10);

  // --- composition ---------------------------------------------------------------------------

  var composing = false;
  var afterComposition = []; // what waits for the composition to end

  function whenNotComposing(action) {
    if (composing) afterComposition.push(action);
    else action();
  }
  document.addEventListener("compositionstart", function () { composing = true; }, true);
  document.addEventListener("compositionend", function () {
    composing = false;
    var waiting = afterComposition;
    afterComposition = [];
    // After the input event that commits the syllable (some browsers send it after this one).
    window.setTimeout(function () { waiting.forEach(whenNotComposing); }, 0);
  }, true);

  // --- where a photo goes ----------------------------------------------------------------------

  // The cursor when the upload began, kept as the text on either side of it: typing after it
  // or before it while the photo uploads does not move the photo's place.
  function spotIn(target) {
    var spot = { field: target };
    mark(spot, target.selectionEnd); // after a selection, which stays as it is
    return spot;
  }
  function mark(spot, index) {
    spot.before = spot.field.value.slice(0, index);
    spot.after = spot.field.value.slice(index);
  }
  function indexOf(spot) {
    var value = spot.field.value;
    if (value.slice(0, spot.before.length) === spot.before) return spot.before.length;
    if (value.slice(value.length - spot.after.length) === spot.after) {
      return value.length - spot.after.length;
    }
    return Math.min(spot.before.length, value.length);
  }

  // One line; the marks that would end the alt text or the caption, or read as formatting,
  // entities or links inside them, escaped.
  function oneLine(text) { return text.replace(/\s+/g, " ").trim(); }
  function altText(text) { return oneLine(text).replace(/[\\`*_[\]<~]|&(?=#?\w+;)/g, "\\$&"); }
  function title(text) { return oneLine(text).replace(/["\\]|&(?=#?\w+;)/g, "\\$&"); }

  // What makes a blank line of `newlines` newlines.
  function blankLine(newlines) { return "\n\n".slice(Math.min(newlines, 2)); }

  function insert(photo, alt, caption) {
    var spot = photo.spot;
    var index = indexOf(spot);
    var before = spot.field.value.slice(0, index);
    var after = spot.field.value.slice(index);
    var image = "![" + altText(alt) + "](" + photo.address +
      (oneLine(caption) ? " \"" + title(caption) + "\"" : "") + ")";
    var text = (before ? blankLine(/\n*$/.exec(before)[0].length) : "") + image +
      (after ? blankLine(/^\n*/.exec(after)[0].length) : "\n\n"); // typing goes on below
    editing.replace(spot.field, index, index, text, text.length, text.length);
    mark(spot, index + text.length); // the next photo of the same upload goes after this one
  }

  // --- the status line -------------------------------------------------------------------------

  var status = document.createElement("div");
  status.className = "photo-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("data-photo-status", "");
  var progress = document.createElement("p");
  var problems = document.createElement("ul");
  status.appendChild(progress);
  status.appendChild(problems);

  // The group of the field's label, hint and errors (.field), in which the toolbar sticks to
  // the top of the screen: the status line at its end, the panel just after it, where the
  // toolbar does not cover it.
  function groupOf(target) { return target.closest(".field") || target.parentNode; }
  function placeStatus(target) {
    var group = groupOf(target);
    if (status.parentNode !== group) group.appendChild(status);
  }

  function showProgress(percent) {
    var line = settings.uploading
      .replace("{number}", batch.started).replace("{count}", batch.count)
      .replace("{percent}", percent);
    if (progress.textContent !== line) progress.textContent = line;
  }

  function refuse(file, reason) {
    var line = document.createElement("li");
    line.textContent = file.name + ": " + reason;
    problems.appendChild(line);
  }

  // --- uploading, one file at a time -----------------------------------------------------------

  var waiting = []; // {file, spot}
  var sending = null;
  var batch = { started: 0, count: 0 }; // the files of the uploads under way, for "2/3"

  function add(files, target) {
    if (!files.length) return;
    if (!sending) problems.textContent = ""; // a new upload: the last one's refusals are old
    placeStatus(target);
    var spot = spotIn(target);
    files.forEach(function (file) {
      if (file.size > maxBytes) {
        refuse(file, settings.tooLarge); // as the server would answer, without the wait
      } else {
        waiting.push({ file: file, spot: spot });
        batch.count += 1;
      }
    });
    if (!sending) sendNext();
  }

  function sendNext() {
    sending = waiting.shift() || null;
    if (!sending) {
      batch.started = batch.count = 0;
      progress.textContent = "";
      return;
    }
    batch.started += 1;
    showProgress(0);
    var item = sending;
    var request = new XMLHttpRequest();
    var data = new FormData();
    data.append("image", item.file, item.file.name);
    request.open("POST", settings.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrf.value);
    request.setRequestHeader("Accept", "application/json");
    request.responseType = "json"; // anything else (a login page, a proxy's error) is null
    // In steps of ten: the line is a live region, and each change of it is read out.
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) showProgress(Math.floor(event.loaded * 10 / event.total) * 10);
    });
    request.addEventListener("load", function () {
      var answer = request.response;
      if (request.status === 201 && answer && answer.address) {
        ready.push({ address: answer.address, preview: answer.preview, width: answer.width,
          height: answer.height, spot: item.spot });
        whenNotComposing(openPanel);
      } else {
        refuse(item.file, (answer && answer.error) || settings.failed);
      }
      sendNext();
    });
    request.addEventListener("error", function () {
      refuse(item.file, settings.failed);
      sendNext();
    });
    request.send(data);
  }

  // --- the panel: what the photo shows ---------------------------------------------------------

  var ready = []; // uploaded photos waiting for their panel
  var panel = null;
  var shown = null; // the photo the panel asks about
  var altHint = ""; // the alt input's own description (its hint)

  function part(name) { return panel.querySelector("[data-photo-" + name + "]"); }

  function openPanel() {
    if ((panel && panel.isConnected) || !ready.length) return; // (a removed block took it)
    shown = ready.shift();
    // A commentary block removed during the upload took its field: the photo goes where the
    // cursor is now.
    if (!shown.spot.field.isConnected) {
      shown.spot = spotIn(field.isConnected ? field : form.querySelector(FIELDS));
    }
    panel = template.content.firstElementChild.cloneNode(true);
    var preview = part("preview");
    preview.src = shown.preview;
    preview.width = shown.width;
    preview.height = shown.height;
    var group = groupOf(shown.spot.field);
    group.parentNode.insertBefore(panel, group.nextSibling);
    altHint = part("alt").getAttribute("aria-describedby");
    part("alt").focus();
  }

  function missingAlt(missing) {
    var alt = part("alt");
    var message = part("alt-missing");
    message.hidden = !missing;
    alt.setAttribute("aria-describedby", (missing ? message.id + " " : "") + altHint);
    if (missing) alt.setAttribute("aria-invalid", "true");
    else alt.removeAttribute("aria-invalid");
  }

  // 넣기 (with the alt text, which it needs), 설명 없이 넣기 (empty brackets, which publishing
  // asks to be filled), 취소 and Escape (the photo is left out; it stays among the uploaded
  // photos until the cleanup). Then the next photo's panel, if one is waiting.
  function answer(choice) {
    if (!panel) return;
    var alt = oneLine(part("alt").value);
    if (choice === "insert" && !alt) {
      missingAlt(true);
      part("alt").focus();
      return;
    }
    var photo = shown;
    var caption = part("caption").value;
    panel.parentNode.removeChild(panel);
    panel = shown = null;
    if (choice === "cancel") {
      var index = indexOf(photo.spot);
      photo.spot.field.focus();
      photo.spot.field.setSelectionRange(index, index);
    } else {
      insert(photo, choice === "insert" ? alt : "", caption);
    }
    openPanel();
  }

  form.addEventListener("click", function (event) {
    if (!panel || !panel.contains(event.target)) return;
    var pressed = event.target.closest("[data-photo-choice]");
    if (!pressed) return;
    var choice = pressed.getAttribute("data-photo-choice");
    whenNotComposing(function () { answer(choice); });
  });
  form.addEventListener("keydown", function (event) {
    if (!panel || !panel.contains(event.target)) return;
    if (composing || event.isComposing || event.keyCode === 229) return;
    if (event.key === "Escape") {
      event.preventDefault();
      answer("cancel");
    } else if (event.key === "Enter" && event.target.matches("input")) {
      event.preventDefault(); // in a form, Enter would send it
      answer("insert");
    }
  });
  form.addEventListener("input", function (event) {
    if (panel && event.target === part("alt") && oneLine(event.target.value)) missingAlt(false);
  });

  // --- choosing, dropping, pasting -------------------------------------------------------------

  form.addEventListener("focusin", function (event) {
    if (event.target.matches(FIELDS)) field = event.target;
  });

  // A file input of the script's own, outside the form: nothing it holds is sent with the post.
  var chooser = document.createElement("input");
  chooser.type = "file";
  chooser.accept = "image/*";
  chooser.multiple = true;
  chooser.hidden = true;
  document.body.appendChild(chooser);
  var chosenFor = field;
  button.addEventListener("click", function () {
    chosenFor = field;
    chooser.value = ""; // the same photo chosen again is a change too
    chooser.click();
  });
  chooser.addEventListener("change", function () {
    add(Array.prototype.slice.call(chooser.files), chosenFor);
    chooser.value = "";
  });

  function carriesFiles(event) {
    var types = event.dataTransfer ? event.dataTransfer.types : [];
    return Array.prototype.indexOf.call(types, "Files") !== -1;
  }
  // Files dropped beside a field would make the browser leave the page to show them; the
  // form's own file input takes its drops as ever.
  document.addEventListener("dragover", function (event) {
    if (!carriesFiles(event) || event.target.matches("input[type='file']")) return;
    event.preventDefault();
    var onField = event.target.matches(FIELDS);
    event.dataTransfer.dropEffect = onField ? "copy" : "none";
    if (onField) event.target.classList.add("photo-drop");
  });
  document.addEventListener("dragleave", function (event) {
    if (event.target.matches(FIELDS)) event.target.classList.remove("photo-drop");
  });
  document.addEventListener("drop", function (event) {
    if (!carriesFiles(event) || event.target.matches("input[type='file']")) return;
    event.preventDefault();
    if (!event.target.matches(FIELDS) || !form.contains(event.target)) return;
    event.target.classList.remove("photo-drop");
    field = event.target;
    add(Array.prototype.slice.call(event.dataTransfer.files), event.target);
  });

  // A pasted photo (a screenshot, "copy image"); a paste that carries text as well (a copy
  // from an office program, which adds a picture of it) is the text's.
  form.addEventListener("paste", function (event) {
    if (!event.target.matches(FIELDS) || !event.clipboardData) return;
    var files = Array.prototype.filter.call(event.clipboardData.files, function (file) {
      return file.type.indexOf("image/") === 0;
    });
    if (!files.length || event.clipboardData.getData("text/plain")) return;
    event.preventDefault();
    add(files, event.target);
  });

  placeStatus(field);
})();
