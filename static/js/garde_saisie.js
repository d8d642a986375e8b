/* Warns before leaving an entry page whose typed figures are not saved (loaded by rapports/saisie_base.html).

   Guarded forms: those marked data-garde-saisie, and every form[method=post] of the page's <main> that has a
   save button (a submit button marked data-enregistrer, named/valued « enregistrer », or labelled
   « Enregistrer… »), so that the entry pages need no markup of their own. Typing, choosing or pasting in one
   makes the page "modified"; submitting it clears that (the answer says what was saved or refused); submitting
   another form (« Se déconnecter », or a guarded form while another one was typed in) asks first. A page
   answering a refused save (data-garde-modifie on the form, or an error message) shows typed figures that are
   not saved: it starts "modified", and so does the page a form sent by another button than its save brings
   back (« Aperçu »: a flag per page in sessionStorage).
   While modified, leaving by a link asks confirm() in French; leaving otherwise (address bar, back, closing the
   tab) asks the browser's own confirmation. */
(function () {
  "use strict";

  var MESSAGE = "Des valeurs saisies ne sont pas enregistrées. Quitter la page quand même ?";
  var main = document.querySelector("main");
  if (!main) return;

  function isSaveButton(button) {
    if (button.hasAttribute("data-enregistrer")) return true;
    var words = [button.name, button.value, button.textContent].join(" ").trim().toLowerCase();
    return /(^|\s)enregistrer/.test(words);
  }

  function guarded(form) {
    if (form.hasAttribute("data-garde-saisie")) return true;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return false;
    var submits = form.querySelectorAll("button:not([type]), button[type=submit], input[type=submit]");
    return Array.prototype.some.call(submits, isSaveButton);
  }

  var forms = Array.prototype.filter.call(main.querySelectorAll("form"), guarded);
  if (!forms.length) return;

  var modified = false;
  var leaving = false;
  // The forms typed into: saving one form of the page (the explanations of the variations) leaves what was typed
  // in another (the grid) behind, so that save asks first too.
  var typedIn = [];

  function markModified(event) {
    var field = event.target;
    if (field && field.type === "hidden") return;
    modified = true;
    var form = field && field.form;
    if (form && typedIn.indexOf(form) === -1) typedIn.push(form);
  }

  function typedInOther(form) {
    return typedIn.some(function (other) { return other !== form; });
  }

  // A form sent by another button than its save (« Aperçu ») comes back with the typed text still unsaved.
  var KEY = "garde-saisie:" + window.location.pathname;
  try {
    if (window.sessionStorage.getItem(KEY)) modified = true;
    window.sessionStorage.removeItem(KEY);
  } catch (error) { /* storage refused: only that case goes unwarned */ }

  forms.forEach(function (form) {
    if (form.hasAttribute("data-garde-modifie")) modified = true;
    form.addEventListener("input", markModified);
    form.addEventListener("change", markModified);
    form.addEventListener("paste", markModified);
  });
  if (main.querySelector(".messages .alert-danger")) modified = true;
  var startsModified = modified;

  // Submitting any form leaves the page on purpose; the answer tells what was kept. Listened to last (window,
  // bubbling), so that a form another script stopped (a confirmation declined) keeps the page modified.
  window.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    // Another form (« Se déconnecter », a comment's « traité ») would drop what was typed here.
    // A side form (data-garde-annexe: the explanations of the variations) never holds what a refused save sent back.
    var annexe = event.target.hasAttribute("data-garde-annexe") && startsModified;
    var other = forms.indexOf(event.target) === -1 || typedInOther(event.target) || annexe;
    if (modified && other && !window.confirm(MESSAGE)) {
      event.preventDefault();
      return;
    }
    var button = event.submitter;
    if (modified && forms.indexOf(event.target) !== -1 && button && !isSaveButton(button)) {
      try { window.sessionStorage.setItem(KEY, "1"); } catch (error) { /* see above */ }
    }
    leaving = true;
    modified = false;
  });

  function navigatesAway(link) {
    if (link.hasAttribute("download") || (link.target && link.target !== "_self")) return false;
    var here = window.location.href.split("#")[0];
    var there = link.href.split("#")[0];
    // A link to a part of this very page (a finding's cell) keeps what was typed.
    return !(there === here && link.href.indexOf("#") !== -1);
  }

  document.addEventListener("click", function (event) {
    if (!modified || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;  // opens elsewhere
    var link = event.target.closest("a[href]");
    if (!link || !navigatesAway(link)) return;
    // « Annuler les modifications » says it drops the typed figures: no question.
    if (!link.hasAttribute("data-garde-libre") && !window.confirm(MESSAGE)) {
      event.preventDefault();
      return;
    }
    leaving = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!modified || leaving) return;
    event.preventDefault();
    event.returnValue = MESSAGE;  // browsers show their own wording; some still need a value here
    return MESSAGE;
  });

  // Back from the next page (bfcache): the question was answered, the figures were left behind on purpose.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) leaving = false;
  });
})();
