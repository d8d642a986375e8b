"""Read queries of the caisses app: each returns a QuerySet or plain data for one page."""

from .models import Caisse, Exercice, RapportAnnuel, Site


def reports_by_exercice(region, exercices):
    """[(exercice, rapport or None)] for one region, in one query."""
    rapports = {
        r.exercice_id: r
        for r in RapportAnnuel.objects.filter(caisse=region, exercice__in=exercices).select_related("exercice")
    }
    return [(exercice, rapports.get(exercice.pk)) for exercice in exercices]


def reports_grid(regions, exercices):
    """{region_id: {exercice_id: rapport}} for the national overview, in one query."""
    grid = {region.pk: {} for region in regions}
    for rapport in RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices):
        grid[rapport.caisse_id][rapport.exercice_id] = rapport
    return grid


def recent_exercices(limit=5):
    return list(Exercice.objects.order_by("-annee")[:limit])


def primaires_of(region):
    return Caisse.objects.primaires().of_region(region).order_by("code")


def sites_of(region):
    return Site.objects.of_region(region).select_related("caisse").order_by("caisse__code", "code")
