"""The national trends: each region's key figures over the last exercices (up to TENDANCE_ANNEES), and the
nation's over its transmitted and validated reports, as small multiples with one data table.

In a fixed number of queries whatever the number of regions and exercices: exercices, regions, their reports,
Part I's staff, absences and training (3), Part II's people helped summed by the database (1).
"""

from dataclasses import dataclass
from decimal import Decimal

from caisses.models import Caisse, Exercice, RapportAnnuel

from .national import (
    PERSONNES_COLLECTIF,
    PERSONNES_INDIVIDUEL,
    PERSONNES_TOTAL,
    TERMES,
    chiffres_region,
    total_de,
)
from .national_table import cle_naturelle
from .peers import RATIOS, Ratio

TENDANCE_ANNEES = 10
CHIFFRES = (Ratio("personnes", "Personnes aidées", lambda c: c.personnes_aidees, False, 0), *RATIOS)


@dataclass
class Tendances:
    annees: list  # ascending
    regions: list  # [(Caisse, {année: Chiffres})], by name
    nation: dict  # {année: Chiffres} of the transmitted and validated reports
    provisoires: set  # {(région id, année)} whose report is not transmitted


def tendances(annee):
    from activites.aggregation import personnes_par_exercice
    from effectifs.queries import parties_1_resumees

    exercices = list(Exercice.objects.filter(annee__lte=annee).order_by("-annee")[:TENDANCE_ANNEES])
    exercices.reverse()
    annees = [e.annee for e in exercices]
    regions = sorted(Caisse.objects.regionales(), key=lambda r: cle_naturelle(r.nom))
    rapports = list(RapportAnnuel.objects.filter(exercice__in=exercices).select_related("exercice"))
    parties_1 = parties_1_resumees(rapports)
    personnes = personnes_par_exercice(annees, TERMES)
    by_key = {(r.caisse_id, r.exercice.annee): r for r in rapports}
    series, provisoires, transmis = [], set(), {a: [] for a in annees}
    for region in regions:
        par_annee = {}
        for a in annees:
            rapport = by_key.get((region.pk, a))
            figures = personnes.get((a, region.pk), {})
            part_2 = {
                code: figures.get(code)
                for code in (PERSONNES_TOTAL, PERSONNES_INDIVIDUEL, PERSONNES_COLLECTIF, *TERMES)
            }
            chiffres = chiffres_region(part_2, parties_1.get(rapport.pk) if rapport else None)
            par_annee[a] = chiffres
            if rapport is not None and rapport.is_transmitted:
                transmis[a].append(chiffres)
            elif rapport is not None:
                provisoires.add((region.pk, a))
        series.append((region, par_annee))
    jours = {e.annee: e.jours_theoriques_travail for e in exercices}
    nation = {a: total_de(transmis[a], jours[a]) for a in annees}
    return Tendances(annees, series, nation, provisoires)


def chiffre(cle):
    """The figure of the trends page named by ?chiffre= (the first one when unknown)."""
    return next((c for c in CHIFFRES if c.cle == cle), CHIFFRES[0])


@dataclass
class Multiple:
    titre: str
    image: str


def multiples(t, choisi):
    """One small chart per region (its line, the nation's dashed), then the nation's alone."""
    from . import charts

    nation = [choisi.valeur(t.nation[a]) for a in t.annees]
    par_region = [(region, [choisi.valeur(par_annee[a]) for a in t.annees]) for region, par_annee in t.regions]
    present = [v for _r, values in par_region for v in values if v is not None] + [v for v in nation if v is not None]
    ymax = max(present) * Decimal("1.05") if present else None
    result = []
    for region, values in par_region:
        if all(v is None for v in values):
            continue
        result.append(Multiple(region.nom, charts.small_line_chart(t.annees, values, nation, choisi.decimales, ymax)))
    france = charts.small_line_chart(t.annees, nation, None, choisi.decimales, ymax)
    result.append(Multiple("France entière", france))
    return result


def tableau(t, choisi):
    """Regions × exercices of the chosen figure; a value from a report not transmitted is marked « (p) »."""
    from .report import Tableau

    def cell(region, a, chiffres):
        text = choisi.texte(choisi.valeur(chiffres))
        return f"{text} (p)" if (region.pk, a) in t.provisoires and choisi.valeur(chiffres) is not None else text

    return Tableau(
        colonnes=[("Caisse régionale", False), *((str(a), True) for a in t.annees)],
        lignes=[[region.nom, *(cell(region, a, par_annee[a]) for a in t.annees)] for region, par_annee in t.regions],
        total=[
            "France entière (rapports transmis et validés)",
            *(choisi.texte(choisi.valeur(t.nation[a])) for a in t.annees),
        ],
        legende=(
            f"{choisi.libelle} de {t.annees[0]} à {t.annees[-1]} par région ; (p) : chiffre provisoire d'un rapport "
            "non transmis ; — : non renseigné"
        ),
    )
