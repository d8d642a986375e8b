"""Upload of an interchange document through the UI, by whoever may edit that region's report.

The upload writes that report only (``import_document(mode="region")``): the document's reference data is
matched, and what differs from the database is listed back as ignored.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from caisses.contract import contract_for

from .forms_cycle import ImportForm
from .interchange import REGION, Errors, import_document, parse_document

# Beyond this many "Ignoré : …" lines the page says how many more: the first ones tell what happened.
MAX_IGNORED_SHOWN = 20


def _document_mismatch(doc, rapport):
    """A clear error when the document is about another report than the page's, else ""."""
    caisse = doc.get("caisse") if isinstance(doc, dict) else None
    code = caisse.get("code") if isinstance(caisse, dict) else None
    annee = doc.get("exercice") if isinstance(doc, dict) else None
    if code == rapport.caisse.code and annee == rapport.exercice.annee:
        return ""
    code = code[:40] if isinstance(code, str) and code else "(caisse non indiquée)"
    annee = annee if isinstance(annee, int) and not isinstance(annee, bool) else "(exercice non indiqué)"
    return (
        f"Ce document est le rapport {code} {annee}, "
        f"pas celui de {rapport.caisse.code} {rapport.exercice.annee} : importez-le depuis la page de son propre "
        "rapport, ou vérifiez le fichier choisi."
    )


def _report_success(request, result):
    messages.success(
        request,
        "Document importé : les données du rapport sont enregistrées."
        if result.changed
        else "Ce document est identique aux données enregistrées : rien n'a changé.",
    )
    if result.ignored:
        messages.warning(
            request,
            "Les données de référence (noms de la caisse et des caisses primaires, sites) ne sont pas modifiées par "
            "un import depuis cette page ; seul un administrateur les modifie. Différences ignorées :",
        )
    for line in result.ignored[:MAX_IGNORED_SHOWN]:
        messages.warning(request, line)
    if len(result.ignored) > MAX_IGNORED_SHOWN:
        messages.warning(request, f"… et {len(result.ignored) - MAX_IGNORED_SHOWN} autres différences ignorées.")


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
                result = import_document(doc, mode=REGION)
                errors = result.errors
                if result.ok:
                    _report_success(request, result)
                    return redirect("saisie", code=rapport.caisse.code, annee=rapport.exercice.annee)
        status = 422
    else:
        status = 200
    return render(
        request, "rapports/import.html", {"rapport": rapport, "form": form, "erreurs": list(errors)}, status=status
    )
