// Add and remove rows of the entry pages' formsets (Django management form: PREFIX-TOTAL_FORMS).
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var body = box.querySelector("[data-formset-body]");
    var template = box.querySelector("template[data-formset-template]");
    var add = box.querySelector("[data-formset-add]");
    if (add && template && total) {
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var empty = body.querySelector("[data-formset-empty]");
        if (empty) { empty.remove(); }
        body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
        total.value = String(index + 1);
        var rows = body.querySelectorAll("tr");
        var first = rows[rows.length - 1].querySelector("input:not([type=hidden]), select, textarea");
        if (first) { first.focus(); }
      });
    }
    box.addEventListener("change", function (event) {
      if (event.target.matches("[data-formset-delete]")) {
        event.target.closest("tr").classList.toggle("formset-row-deleted", event.target.checked);
      }
    });
  });
})();
