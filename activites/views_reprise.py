"""« Reprendre l'exercice précédent » of II.3 (activites.reprise): POST only, then back to the section's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from caisses.contract import contract_for

from . import reprise


@login_required
@require_POST
def reprise_ii3(request, code, annee):
    contract = contract_for(request, code, annee)
    contract.require_region_edit()  # 403 with the reason: another role, a sent report, a closed exercice
    try:
        copie = reprise.reprendre_ii3(contract.rapport, request.POST.get("version"))
    except reprise.RepriseRefusee as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, copie.message)
    return redirect("saisie_ii3", code=code, annee=annee)
