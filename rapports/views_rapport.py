"""The report itself: the HTML page and its PDF (same template, print CSS); frozen while transmis or validé."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from caisses.scoping import get_rapport

from . import peers
from .chiffres_cles import couverture
from .freeze import PdfEnPreparation, frozen_copy, served_pdf
from .pdf import TEMPLATE, corps_brouillon, pdf_filename
from .report import RAPPORT_RELATED

# How long a browser or a script waits before asking again for a PDF being printed (a few seconds of work).
RETRY_AFTER_SECONDS = 10


@login_required
def rapport_detail(request, code, annee):
    rapport = get_rapport(request.user, code, annee, select_related=RAPPORT_RELATED)
    copie = frozen_copy(rapport)
    # Where the region stands among the others is said around the report, never in it: it moves as regions
    # transmit, while the report's body is a record.
    autour = {"couverture": couverture(rapport), "parmi_les_regions": peers.de_la_region(rapport)}
    if copie is None:
        context = {"rapport": rapport, "region": rapport.caisse, "exercice": rapport.exercice, **autour}
        return render(request, TEMPLATE, {**context, "corps_fige": corps_brouillon(rapport)})
    context = {
        "rapport": rapport,
        "region": rapport.caisse,
        "exercice": rapport.exercice,
        "copie": copie,
        # The state now (validé le …) is said above the frozen body, which shows the report as transmitted.
        **autour,
        # Our own template's output at the transmission, stored unchanged: escaped when it was rendered.
        "corps_fige": mark_safe(copie.corps_html),  # noqa: S308
    }
    return render(request, TEMPLATE, context)


@login_required
def rapport_pdf(request, code, annee):
    rapport = get_rapport(request.user, code, annee, select_related=RAPPORT_RELATED)
    try:
        pdf = served_pdf(rapport)
    except PdfEnPreparation as pending:
        return pdf_en_preparation(request, rapport, pending)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(rapport)}"'
    return response


def pdf_en_preparation(request, rapport, pending):
    """503 while a transmitted report's PDF is being printed: said in French, never another PDF in its place."""
    context = {"rapport": rapport, "message": str(pending), "delai": RETRY_AFTER_SECONDS}
    response = render(request, "rapports/pdf_en_preparation.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
