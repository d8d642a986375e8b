/* Marks, in the II.1 grid's row of the region's totals, each figure whose variation from N−1 needs an explanation,
   with a link to its text in the block « Variation … à expliquer » (rapports/_variations_section.html), and opens
   that block when it is folded and a link leads into it. Without this script the block alone says it all. */
(function () {
  "use strict";
  function openFor(hash) {
    var target = hash && hash.length > 1 ? document.getElementById(hash.slice(1)) : null;
    var details = target ? target.closest("details.variations-details") : null;
    if (details && !details.open) {
      details.open = true;
      return target;
    }
    return null;
  }
  var opened = openFor(window.location.hash);
  if (opened) opened.scrollIntoView();
  // Opened before the browser follows the link, so that it scrolls to a visible target.
  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#variation-"]');
    if (link) openFor(link.getAttribute("href"));
  });
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
