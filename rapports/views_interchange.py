from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from caisses.interchange import dumps
from caisses.scoping import get_rapport

from .interchange import export_document


@login_required
def export_json(request, code, annee):
    """The interchange document of the report (INTERCHANGE.md), for whoever may read the report."""
    rapport = get_rapport(request.user, code, annee)
    response = HttpResponse(dumps(export_document(rapport)), content_type="application/json; charset=utf-8")
    filename = f"rapport-{rapport.caisse.code}-{rapport.exercice.annee}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
