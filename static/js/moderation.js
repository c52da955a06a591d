// The moderation queue: a checkbox that ticks every comment on the page, and a question
// before deleting for good. Without JavaScript the queue works the same, one tick at a time.
(function () {
  "use strict";
  var form = document.querySelector("form.moderation");
  if (!form) return;
  var picks = form.querySelectorAll("input[name='ids']");
  var bulk = form.querySelector(".moderation__bulk");

  var label = document.createElement("label");
  label.className = "moderation__all";
  var all = document.createElement("input");
  all.type = "checkbox";
  label.appendChild(all);
  label.appendChild(document.createTextNode(" " + form.dataset.selectAll));
  bulk.insertBefore(label, bulk.firstChild);

  function showState() {
    var ticked = 0;
    picks.forEach(function (pick) { if (pick.checked) ticked += 1; });
    all.checked = ticked === picks.length;
    all.indeterminate = ticked > 0 && ticked < picks.length;
  }
  all.addEventListener("change", function () {
    picks.forEach(function (pick) { pick.checked = all.checked; });
  });
  picks.forEach(function (pick) { pick.addEventListener("change", showState); });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var deleting = button && (button.value === "delete" || button.value.indexOf("delete:") === 0);
    if (deleting && !window.confirm(form.dataset.confirmDelete)) event.preventDefault();
  });
})();
