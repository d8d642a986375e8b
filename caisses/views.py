from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import queries
from .scoping import get_region


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
