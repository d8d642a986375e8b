from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from caisses.contract import contract_for
from caisses.saisie import saisie_context


@login_required
def saisie(request, code, annee):
    """Overview of the report's entry: the whole plan with each section's state."""
    return render(request, "rapports/saisie.html", saisie_context(contract_for(request, code, annee)))
