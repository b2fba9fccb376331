// Progress form: as soon as the percent drops or the status gets worse, say that a
// comment is needed and make the field required. The server enforces the same rule;
// without this script the form still works and the server's message shows instead.
(function () {
  "use strict";
  document.querySelectorAll("form.progress-form").forEach(function (form) {
    var severity = JSON.parse(form.dataset.severity || "{}");
    var oldPercent = Number(form.dataset.percent);
    var oldStatus = form.dataset.status;
    var percent = form.querySelector("input[name$='-percent']");
    var status = form.querySelector("select[name$='-status']");
    var comment = form.querySelector("textarea[name$='-comment']");
    var hint = form.querySelector(".comment-hint");
    if (!percent || !status || !comment || !hint) return;

    function update() {
      var drop = percent.value !== "" && Number(percent.value) < oldPercent;
      var worse = (severity[status.value] || 0) > (severity[oldStatus] || 0);
      var needed = drop || worse;
      comment.required = needed;
      form.classList.toggle("needs-comment", needed);
      hint.textContent = drop ? hint.dataset.drop : worse ? hint.dataset.worse : "";
    }

    status.addEventListener("change", function () {
      if (status.value === "done") percent.value = 100;
      update();
    });
    percent.addEventListener("input", update);
    update();
  });
})();
