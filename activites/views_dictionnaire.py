"""The data dictionary's page. Reference data: readable by every signed-in user, whatever their role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from caisses.models import Exercice

from . import dictionnaire


@login_required
@require_safe
def dictionnaire_page(request):
    status, erreur = 200, ""
    try:
        annee = dictionnaire.exercice_valide(request.GET.get("exercice"))
    except ValueError as error:
        annee, status, erreur = None, 400, str(error)
    context = {
        **dictionnaire.contexte(dictionnaire.groupes(annee)),
        "exercice": annee,
        "exercices": list(Exercice.objects.order_by("-annee").values_list("annee", flat=True)),
        "erreur": erreur,
    }
    return render(request, "activites/dictionnaire.html", context, status=status)
