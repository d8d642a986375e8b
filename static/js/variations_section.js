/* Marks, in the II.1 grid's row of the region's totals, each figure whose variation from N−1 needs an explanation,
   with a link to its text in the block « Variation … à expliquer » (rapports/_variations_section.html). Without
   this script the block alone says it all. */
(function () {
  "use strict";
  var PREFIX = "indicateur:";
  var items = document.querySelectorAll("[data-variation-cle]");
  Array.prototype.forEach.call(items, function (item) {
    var cle = item.getAttribute("data-variation-cle");
    if (cle.indexOf(PREFIX) !== 0) return;
    var code = cle.slice(PREFIX.length);
    var cell = document.querySelector('td[data-total-col="' + window.CSS.escape(code) + '"]');
    if (!cell) return;
    var link = document.createElement("a");
    var explained = item.getAttribute("data-variation-expliquee") === "oui";
    link.href = "#" + item.id;
    link.className = "marque-variation d-block small" + (explained ? " expliquee" : "");
    link.textContent = explained ? "Variation expliquée" : "Variation à expliquer";
    cell.appendChild(link);
  });
})();
