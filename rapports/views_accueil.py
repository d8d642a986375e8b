"""The home page of each role: what the region still owes (responsable), what the agent's unit still owes (agent),
the reports waiting for review or for their region and every region's reports (reviewers).

It assembles reports, so it lives in the top layer, not in caisses.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from activites import a_remplir
from caisses import queries
from caisses.models import Membership
from caisses.scoping import membership_of, role_of, visible_regions

from . import queries as rapports_queries

Role = Membership.Role


@login_required
def home(request):
    role = role_of(request.user)
    membership = membership_of(request.user)
    exercices = queries.recent_exercices()
    context = {"role": role, "membership": membership, "exercices": exercices}
    if role in (Role.RESPONSABLE, Role.AGENT):
        region = membership.region
        context["region"] = region
        context["rapports"] = queries.reports_by_exercice(region, exercices)
        context["a_faire"] = rapports_queries.a_faire(region, exercices)
        if role == Role.AGENT:
            unite = context["unite"] = membership.site or membership.caisse
            # The agent answers for their unit's cells, not for the region's completeness.
            for item in context["a_faire"]:
                nombre = a_remplir.cases_a_remplir(unite, item.rapport, item.exercice.annee)
                item.unite_a_remplir = (nombre, a_remplir.phrase(unite, nombre))
    elif role in (Role.RELECTEUR, Role.ADMINISTRATEUR):
        regions = list(visible_regions(request.user).order_by("code"))
        context["a_relire"], context["renvoyes"] = rapports_queries.revue(regions)
        grid = queries.reports_grid(regions, exercices)
        # Each cell's "en retard" badge reads its exercice: give it the one already loaded (no query per cell).
        by_pk = {exercice.pk: exercice for exercice in exercices}
        for cells in grid.values():
            for rapport in cells.values():
                rapport.exercice = by_pk[rapport.exercice_id]
        context["rows"] = [
            (region, [(exercice, grid[region.pk].get(exercice.pk)) for exercice in exercices]) for region in regions
        ]
    return render(request, "caisses/home.html", context)
