from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from rapports import queries as rapports_queries

from . import queries
from .models import Membership
from .scoping import get_region, membership_of, role_of, visible_regions

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


@login_required
def region_detail(request, code):
    region = get_region(request.user, code)
    exercices = queries.recent_exercices(limit=10)
    return render(
        request,
        "caisses/region_detail.html",
        {
            "region": region,
            "primaires": queries.primaires_of(region),
            "sites": queries.sites_of(region),
            "rapports": queries.reports_by_exercice(region, exercices),
        },
    )
