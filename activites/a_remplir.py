"""What is left for one unit in II.1: the agent's home says it (« CPAM de Loire-Atlantique : 12 cases à remplir en
II.1 »), rather than the region's completeness, which is the responsable's business.

The cells counted are the ones the II.1 grid offers that unit: every active indicator of the exercice that people
enter (données; ratios and totals are computed), without a value for the unit in the report.
"""

from caisses.models import Site
from caisses.numbers import format_nombre

from .models import Indicateur, Valeur


def cases_a_remplir(unite, rapport, annee):
    """The number of II.1 cells of `unite` (a caisse primaire or a Site) still empty in `rapport` (None: unsaved).

    Two queries at most.
    """
    donnees = Indicateur.objects.actifs(annee).filter(nature=Indicateur.Nature.DONNEE)
    total = donnees.count()
    if rapport is None or rapport.pk is None:
        return total
    unit_filter = {"site_id": unite.pk} if isinstance(unite, Site) else {"caisse_id": unite.pk, "site__isnull": True}
    remplies = (
        Valeur.objects.filter(rapport_id=rapport.pk, valeur__isnull=False, indicateur__in=donnees, **unit_filter)
        .values("indicateur_id")
        .distinct()
        .count()
    )
    return total - remplies


def phrase(unite, nombre):
    """« CPAM de Loire-Atlantique : 12 cases à remplir en II.1 », with French plural agreement."""
    if nombre == 0:
        return f"{unite.nom} : toutes les cases de II.1 sont remplies"
    pluriel = "s" if nombre > 1 else ""
    return f"{unite.nom} : {format_nombre(nombre)} case{pluriel} à remplir en II.1"
