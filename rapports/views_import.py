"""Upload of an interchange document through the UI, by whoever may edit that region's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from caisses.contract import contract_for

from .forms_cycle import ImportForm
from .interchange import Errors, import_document, parse_document


def _document_mismatch(doc, rapport):
    """A clear error when the document is about another report than the page's, else ""."""
    caisse = doc.get("caisse") if isinstance(doc, dict) else None
    code = caisse.get("code") if isinstance(caisse, dict) else None
    annee = doc.get("exercice") if isinstance(doc, dict) else None
    if code == rapport.caisse.code and annee == rapport.exercice.annee:
        return ""
    return (
        f"Ce document est le rapport {code or '(caisse non indiquée)'} {annee or '(exercice non indiqué)'}, "
        f"pas celui de {rapport.caisse.code} {rapport.exercice.annee} : importez-le depuis la page de son propre "
        "rapport, ou vérifiez le fichier choisi."
    )


@login_required
def importer(request, code, annee):
    contract = contract_for(request, code, annee)
    contract.require_region_edit()
    rapport = contract.rapport
    errors = []
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    if posted:
        if form.is_valid():
            errors = Errors()
            doc = parse_document(form.cleaned_data["document"].read(), errors)
            if not errors:
                mismatch = _document_mismatch(doc, rapport)
                if mismatch:
                    errors.add("", mismatch)
            if not errors:
                result = import_document(doc)
                errors = result.errors
                if result.ok:
                    messages.success(
                        request,
                        "Document importé : toutes ses données sont enregistrées."
                        if result.changed
                        else "Ce document est identique aux données enregistrées : rien n'a changé.",
                    )
                    return redirect("saisie", code=rapport.caisse.code, annee=rapport.exercice.annee)
        status = 422
    else:
        status = 200
    return render(
        request, "rapports/import.html", {"rapport": rapport, "form": form, "erreurs": list(errors)}, status=status
    )
