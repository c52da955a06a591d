// The block buttons (add, insert, remove, move) work without JavaScript: each submits the
// form and the server shows it again with the change. Here the same buttons act in place,
// and the fields are renumbered so the form posts exactly what the server would have shown.
(function () {
  "use strict";
  var form = document.querySelector("[data-commentary-editor]");
  if (!form) return;
  var list = form.querySelector("[data-blocks]");
  var template = form.querySelector("template[data-block-template]");
  var jump = form.querySelector("[data-block-jump]");
  var ACTIONS = ["add_block", "insert_block", "remove_block", "move_up", "move_down"];
  var INDEXED = /^(blocks-|edit-block-)(\d+|__index__)/;

  function blocks() { return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-block]")); }

  function newBlock() {
    return template.content.firstElementChild.cloneNode(true);
  }

  function renumber() {
    var all = blocks();
    all.forEach(function (block, index) {
      block.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) {
            el.setAttribute(attr, value.split(" ").map(function (part) {
              return part.replace(INDEXED, "$1" + index);
            }).join(" "));
          }
        });
      });
      block.id = "edit-block-" + index;
      block.querySelectorAll("button[value]").forEach(function (button) {
        button.value = String(index);
        if (button.name === "move_up") button.disabled = index === 0;
        if (button.name === "move_down") button.disabled = index === all.length - 1;
      });
      var title = block.querySelector("[data-block-title]");
      // A copied block's title ends without a number ("인용 "): keep one space before it.
      title.textContent = title.textContent.replace(/\s*\d*\s*$/, " " + (index + 1));
    });
    renumberJumps(all.length);
  }

  function renumberJumps(count) {
    if (!jump) return;
    jump.textContent = "";
    for (var index = 0; index < count; index += 1) {
      var link = document.createElement("a");
      link.href = "#edit-block-" + index;
      link.textContent = String(index + 1);
      jump.appendChild(link);
    }
    jump.hidden = count < 2;
  }

  function focusQuote(block) {
    var quote = block && block.querySelector("textarea[name$='-quote']");
    if (quote) {
      quote.focus();
      block.scrollIntoView({ block: "center" });
    }
  }

  form.addEventListener("click", function (event) {
    // "Add a block" is an <input type="submit">, the block buttons are <button>s.
    var button = event.target.closest("button[name], input[type='submit'][name]");
    if (!button || ACTIONS.indexOf(button.name) === -1) return;
    var all = blocks();
    var index = parseInt(button.value, 10);
    var block = all[index];
    var target = null;
    if (button.name === "add_block") {
      target = list.appendChild(newBlock());
    } else if (!block) {
      return; // let the server handle what this script does not recognise
    } else if (button.name === "insert_block") {
      target = list.insertBefore(newBlock(), block.nextElementSibling);
    } else if (button.name === "remove_block") {
      target = block.nextElementSibling || block.previousElementSibling;
      block.remove();
      if (!target) target = list.appendChild(newBlock());
    } else if (button.name === "move_up" && block.previousElementSibling) {
      list.insertBefore(block, block.previousElementSibling);
      target = block;
    } else if (button.name === "move_down" && block.nextElementSibling) {
      list.insertBefore(block.nextElementSibling, block);
      target = block;
    }
    event.preventDefault();
    renumber();
    // Moving keeps the focus on the button, so pressing it again moves the block further.
    var moved = button.name === "move_up" || button.name === "move_down";
    if (moved && !button.disabled) {
      button.focus();
    } else {
      focusQuote(target);
    }
  });
})();
