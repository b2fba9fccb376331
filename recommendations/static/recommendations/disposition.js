// Disposition form: show only the fields the chosen disposition needs (tier to retain,
// target to merge, chantier to transfer) and mark the justification as required when
// the workflow requires it. Without JavaScript every field stays visible and the
// server still says what is missing.
(function () {
  "use strict";
  var form = document.getElementById("disposition-form");
  if (!form) return;
  var JUSTIFIED = ["not_retained", "closed_unimplemented"];
  var justification = document.getElementById("field-justification");
  var label = justification && justification.querySelector("label");
  var mark = document.createElement("span");
  mark.className = "required-mark";
  mark.setAttribute("aria-hidden", "true");
  mark.textContent = "*";

  function chosen() {
    var checked = form.querySelector("input[name=disposition]:checked");
    return checked ? checked.value : "";
  }

  function update() {
    var value = chosen();
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      var show = block.getAttribute("data-show-for") === value;
      block.hidden = !show;
      // Keep the value only when it matters, so a hidden field never sends a stale choice.
      block.querySelectorAll("select, input").forEach(function (input) { input.disabled = !show; });
    });
    if (label) {
      if (JUSTIFIED.indexOf(value) >= 0) label.appendChild(mark);
      else if (mark.parentNode) mark.parentNode.removeChild(mark);
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "disposition") update();
  });
  update();
})();
