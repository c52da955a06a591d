// The name a reader signs comments with, remembered in this browser only (localStorage; no
// cookie, nothing sent): kept from the commenter's own page, the page a comment that was sent
// leads to, and filled into the next comment form when its name field is empty.
(function () {
  "use strict";
  var KEY = "comment-name";
  var store;
  try {
    store = window.localStorage;
  } catch (error) {
    return; // storage refused (privacy settings): the form works as it is
  }
  if (!store) return;

  var sent = document.querySelector("[data-comment-name]");
  if (sent && sent.dataset.commentName) {
    try {
      store.setItem(KEY, sent.dataset.commentName);
    } catch (error) {
      // full or refused: nothing to remember, nothing lost
    }
  }

  var remembered = store.getItem(KEY);
  if (!remembered) return;
  document.querySelectorAll("form[data-comment-name-fill]").forEach(function (form) {
    var field = form.elements.namedItem("name");
    if (field && !field.value) field.value = remembered;
  });
})();
