// Irreversible actions (transmettre, valider, renvoyer, rouvrir): a form marked data-confirmer="message" asks the
// user first; once sent, its button is disabled and says « En cours… » so that a second click sends nothing.
// Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  function requiredFieldEmpty(form) {
    // The server answers a missing motif with its French message: no need to confirm an action it will refuse.
    return Array.prototype.some.call(form.querySelectorAll("[required]"), function (field) {
      return !field.value.trim();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirmer")) {
      return;
    }
    if (form.getAttribute("data-en-cours") === "1") {
      event.preventDefault(); // already sent: a double click must not send it twice
      return;
    }
    if (!requiredFieldEmpty(form) && !window.confirm(form.getAttribute("data-confirmer"))) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-en-cours", "1");
    form.setAttribute("aria-busy", "true");
    var button = event.submitter || form.querySelector("[type=submit]");
    // Disabled after this event: a button disabled now would not be part of the submission.
    window.setTimeout(function () {
      if (button) {
        button.disabled = true;
        button.setAttribute("data-libelle", button.textContent);
        button.textContent = "En cours…";
      }
    }, 0);
  });

  // Back to this page from the browser's cache: the buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-en-cours]").forEach(function (form) {
      form.removeAttribute("data-en-cours");
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[data-libelle]").forEach(function (button) {
        button.disabled = false;
        button.textContent = button.getAttribute("data-libelle");
      });
    });
  });
})();
