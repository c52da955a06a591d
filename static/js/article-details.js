// 기사 정보 가져오기 without JavaScript sends the whole form, and the server shows it again with
// the article's empty fields filled in from its page. Here the button asks the editor's
// endpoint instead (the address and the article's fields as they are) and fills the fields in
// place, saying in its status line what it filled or what went wrong. Its own words come
// from the page (data-fetching, data-failed), in the page's language.
(function () {
  "use strict";
  var button = document.querySelector("[data-article-fetch]");
  if (!button || !window.fetch) return;
  var form = button.form;
  var fieldset = button.closest("[data-article-fields]");
  var status = fieldset.querySelector("[data-article-status]");

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("article-address__status--error", Boolean(failed));
  }

  function articleFields() {
    var body = new URLSearchParams();
    fieldset.querySelectorAll("input[name], textarea[name]").forEach(function (field) {
      if (field.type !== "submit") body.append(field.name, field.value);
    });
    return body;
  }

  function fill(fields) {
    Object.keys(fields).forEach(function (name) {
      var field = form.elements[name];
      // Only a field still empty: what the owner typed while the page was read stays.
      if (!field || field.value.trim() !== "") return;
      field.value = fields[name];
      // As if typed: the autosave copy and the editor's own scripts follow.
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    say(button.getAttribute("data-fetching"), false);
    fetch(button.getAttribute("data-endpoint"), {
      method: "POST",
      body: articleFields(),
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": form.elements.csrf_token ? form.elements.csrf_token.value : "",
        Accept: "application/json"
      }
    }).then(function (response) {
      // A refusal is JSON with `error`; anything else (an expired login's or form's page)
      // is not, and says only that it failed.
      return response.json().then(function (answer) {
        if (response.ok && answer.fields) {
          fill(answer.fields);
          say(answer.message, false);
        } else {
          say(answer.error || button.getAttribute("data-failed"), true);
        }
      });
    }).catch(function () {
      say(button.getAttribute("data-failed"), true);
    }).then(function () {
      button.disabled = false;
    });
  });
})();
