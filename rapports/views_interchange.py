from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from caisses.scoping import get_rapport

from .freeze import attachment_name, served_document


@login_required
def export_json(request, code, annee):
    """The interchange document of the report (INTERCHANGE.md), for whoever may read the report.

    While the report is transmis or validé, the document frozen at its transmission (rapports.freeze).
    """
    rapport = get_rapport(request.user, code, annee)
    response = HttpResponse(served_document(rapport), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{attachment_name(rapport)}"'
    return response
