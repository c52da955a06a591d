// 공감 in place: the form works without JavaScript (a POST, then back to the post); here it is
// sent with fetch and the count and the status text change where they are. No cookie either way.
(function () {
  "use strict";
  document.querySelectorAll("form[data-like]").forEach(function (form) {
    if (form.dataset.likeReady) return;  // the script is included once per form
    form.dataset.likeReady = "1";
    var button = form.querySelector("button");
    var count = form.querySelector("[data-like-count]");
    var status = form.querySelector("[data-like-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        count.textContent = String(answer.count);
        status.textContent = answer.message;
        if (answer.liked) button.classList.add("likes__button--given");
      }).catch(function () {
        form.submit();  // the page's own way, which says what happened
      }).finally(function () {
        button.disabled = false;
      });
    });
  });
})();
