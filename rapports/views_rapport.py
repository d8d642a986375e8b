"""The report itself: the HTML page and its PDF (same template, print CSS)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from caisses.scoping import get_rapport

from .pdf import TEMPLATE, pdf_filename, render_pdf
from .report import RAPPORT_RELATED, build_report


@login_required
def rapport_detail(request, code, annee):
    rapport = get_rapport(request.user, code, annee, select_related=RAPPORT_RELATED)
    return render(request, TEMPLATE, build_report(rapport))


@login_required
def rapport_pdf(request, code, annee):
    rapport = get_rapport(request.user, code, annee, select_related=RAPPORT_RELATED)
    response = HttpResponse(render_pdf(rapport), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(rapport)}"'
    return response
