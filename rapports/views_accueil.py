"""The home page of each role: what the region still owes (responsable, agent), every region's reports (reviewers).

It assembles reports, so it lives in the top layer, not in caisses.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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
            context["unite"] = membership.site or membership.caisse
    elif role in (Role.RELECTEUR, Role.ADMINISTRATEUR):
        regions = list(visible_regions(request.user).order_by("code"))
        grid = queries.reports_grid(regions, exercices)
        context["rows"] = [
            (region, [(exercice, grid[region.pk].get(exercice.pk)) for exercice in exercices]) for region in regions
        ]
    return render(request, "caisses/home.html", context)
