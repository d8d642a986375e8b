from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from caisses.saisie import saisie_context
from caisses.scoping import get_rapport


@login_required
def saisie(request, code, annee):
    """Overview of the report's entry: the whole plan with each section's state."""
    rapport = get_rapport(request.user, code, annee)
    return render(request, "rapports/saisie.html", saisie_context(request.user, rapport))
