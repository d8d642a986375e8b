/* II.1 « Proposition de rédaction »: « Insérer dans le texte » appends its paragraph to the narrative's textarea,
   where the responsable edits it before saving. Nothing is sent: the page's own save writes the text. The
   "input" event tells garde_saisie.js that the page now holds unsaved text. */
(function () {
  "use strict";

  var section = document.querySelector("[data-redaction]");
  if (!section) return;
  var cible = document.getElementById(section.getAttribute("data-cible"));
  var annonce = section.querySelector("[data-redaction-annonce]");
  if (!cible) return;

  section.addEventListener("click", function (event) {
    var button = event.target.closest("[data-inserer-redaction]");
    if (!button) return;
    var paragraphe = document.getElementById(button.getAttribute("data-inserer-redaction"));
    if (!paragraphe) return;
    var texte = paragraphe.textContent.trim();
    var actuel = cible.value.replace(/\s+$/, "");
    cible.value = actuel ? actuel + "\n\n" + texte : texte;
    cible.dispatchEvent(new Event("input", { bubbles: true }));
    cible.focus();
    cible.setSelectionRange(cible.value.length, cible.value.length);
    cible.scrollTop = cible.scrollHeight;
    if (annonce) annonce.textContent = "Paragraphe inséré à la fin du texte.";
  });
})();
