"""The one place where Part II figures are combined: totals over units, ratios, N−1 and evolution.

The entry grid, the report and the national view all call these functions, so a figure shown in one
place is the figure shown in the others. The core functions are pure (dicts in, dicts out); the
`*_table` functions read the database in a constant number of queries.

Values are passed as {unit key: {indicator code: Decimal}}; the unit key is the code of a caisse
primaire or a site, or None (REGION) for a figure of the region as a whole.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import pandas as pd

from caisses.numbers import format_variation, kind_of, variation

REGION = None
HUNDRED = Decimal(100)

# Figures derived from données but not in the catalogue (DOMAIN.md: total = individuel + collectif + non répartis).
COMPUTED_TOTALS = {
    "personnes_aidees_total": (
        "Personnes aidées (total)",
        "personnes_aidees",
        ("personnes_aidees_individuel", "personnes_aidees_collectif", "personnes_aidees_non_reparties"),
    ),
}


@dataclass(frozen=True)
class Spec:
    """What aggregation needs to know of a catalogue line (built from an Indicateur, or by hand in tests)."""

    code: str
    nature: str = "donnee"
    agregation: str = "somme"
    numerateur: str | None = None
    denominateur: str | None = None
    poids: str | None = None
    libelle: str = ""
    groupe: str = ""
    decimales: int = 0
    unite_mesure: str = ""

    @property
    def is_ratio(self):
        return self.nature == "ratio"

    @property
    def is_computed(self):
        return self.nature != "donnee"


def spec_of(indicateur):
    return Spec(
        code=indicateur.code,
        nature=indicateur.nature,
        agregation=indicateur.agregation,
        numerateur=indicateur.numerateur.code if indicateur.numerateur_id else None,
        denominateur=indicateur.denominateur.code if indicateur.denominateur_id else None,
        poids=indicateur.poids.code if indicateur.poids_id else None,
        libelle=indicateur.libelle,
        groupe=indicateur.groupe.code,
        decimales=indicateur.decimales,
        unite_mesure=indicateur.unite_mesure,
    )


def computed_specs():
    return [
        Spec(code=code, nature="total", libelle=libelle, groupe=groupe, unite_mesure="personnes")
        for code, (libelle, groupe, _terms) in COMPUTED_TOTALS.items()
    ]


def ratio(numerateur, denominateur):
    """numerator / denominator × 100; None ("non calculable") when either is missing or the denominator is 0."""
    if numerateur is None or denominateur is None or denominateur == 0:
        return None
    return Decimal(numerateur) / Decimal(denominateur) * HUNDRED


def _sum_present(values):
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def total_of(spec, values_by_unit):
    """The region's figure for one donnée, from its values per unit (and for the region as a whole)."""
    if spec.agregation == "aucune":
        return values_by_unit.get(REGION, {}).get(spec.code)
    if spec.agregation == "moyenne_ponderee":
        pairs = [
            (unit_values[spec.code], unit_values[spec.poids])
            for unit_values in values_by_unit.values()
            if unit_values.get(spec.code) is not None and unit_values.get(spec.poids) is not None
        ]
        weight = sum((w for _v, w in pairs), Decimal(0))
        return sum((v * w for v, w in pairs), Decimal(0)) / weight if weight else None
    return _sum_present(unit_values.get(spec.code) for unit_values in values_by_unit.values())


def derive(figures, specs):
    """Add the ratios and computed totals to {code: value} (one unit, or the region's totals)."""
    result = dict(figures)
    for code, (_libelle, _groupe, terms) in COMPUTED_TOTALS.items():
        result[code] = _sum_present(figures.get(term) for term in terms)
    for spec in specs:
        if spec.is_ratio:
            result[spec.code] = ratio(figures.get(spec.numerateur), figures.get(spec.denominateur))
    return result


def aggregate(values_by_unit, specs):
    """{code: value} for the region: données totalled by their rule, then ratios and computed totals."""
    totals = {spec.code: total_of(spec, values_by_unit) for spec in specs if not spec.is_computed}
    return derive(totals, specs)


def unit_figures(values_by_unit, specs):
    """{unit key: {code: value}} with each unit's own ratios and computed totals."""
    return {unit: derive(figures, specs) for unit, figures in values_by_unit.items()}


@dataclass
class Ligne:
    """One indicator of a region's table: N, N−1, evolution, and the breakdown per unit."""

    spec: Spec
    n: Decimal | None
    n1: Decimal | None
    par_unite: dict = field(default_factory=dict)

    @property
    def kind(self):
        return kind_of(self.spec.unite_mesure, self.spec.is_ratio)

    @property
    def evolution(self):
        """Points for a ratio or a figure in %, a relative % otherwise (caisses.numbers.variation)."""
        return variation(self.n, self.n1, self.kind)

    @property
    def evolution_texte(self):
        return format_variation(self.n, self.n1, self.kind)


def lignes(specs, values_n, values_n1):
    """Every indicator (données, ratios, computed totals) of one region with N, N−1 and per unit figures."""
    specs = list(specs)
    all_specs = specs + computed_specs()
    totals_n = aggregate(values_n, specs)
    totals_n1 = aggregate(values_n1, specs) if values_n1 is not None else {}
    per_unit = unit_figures(values_n, specs)
    return [
        Ligne(
            spec=spec,
            n=totals_n.get(spec.code),
            n1=totals_n1.get(spec.code),
            par_unite={unit: figures.get(spec.code) for unit, figures in per_unit.items()},
        )
        for spec in all_specs
    ]


class TableauRegion:
    """One region's Part II table; its units and N−1 report are read only if asked for (the report does not)."""

    def __init__(self, rapport, lignes):
        self.rapport = rapport
        self.lignes = lignes

    @cached_property
    def rapport_n1(self):
        from . import queries

        return queries.rapport_precedent(self.rapport)

    @cached_property
    def unites(self):
        from . import queries

        return queries.unites_de(self.rapport.caisse)

    def by_code(self):
        return {ligne.spec.code: ligne for ligne in self.lignes}

    def groupes(self):
        """[(groupe code, [lignes])] in catalogue order (computed totals with their group)."""
        order, grouped = [], {}
        for ligne in self.lignes:
            if ligne.spec.groupe not in grouped:
                order.append(ligne.spec.groupe)
                grouped[ligne.spec.groupe] = []
            grouped[ligne.spec.groupe].append(ligne)
        return [(code, grouped[code]) for code in order]


def values_by_year(rows):
    """{annee: {unit key: {code: value}}} from rows (annee, unit key, code, value), e.g. a region's last years."""
    result = {}
    for annee, unit, code, value in rows:
        result.setdefault(annee, {}).setdefault(unit, {})[code] = value
    return result


def tableau_region(rapport, indicateurs=None, valeurs=None):
    """One region's Part II figures for the report: N, N−1, evolution, per unit. Constant query count.

    A caller that already read them passes `indicateurs` (the catalogue of the exercice) and `valeurs`
    ({annee: values by unit}, see values_by_year, covering N and N−1): their queries are saved. A year
    missing from `valeurs` is a year without figures, as is a missing N−1 report.
    """
    from . import queries

    annee = rapport.exercice.annee
    if indicateurs is None:
        indicateurs = queries.catalogue(annee)
    if valeurs is None:
        rapport_n1 = queries.rapport_precedent(rapport)
        values_n = queries.valeurs_par_unite(rapport)
        values_n1 = queries.valeurs_par_unite(rapport_n1) if rapport_n1 else None
    else:
        values_n, values_n1 = valeurs.get(annee, {}), valeurs.get(annee - 1)
    return TableauRegion(rapport=rapport, lignes=lignes([spec_of(i) for i in indicateurs], values_n, values_n1))


def totals_by_region(rows, specs):
    """{region: {code: value}} with ratios and computed totals, from rows (region, unit, code, valeur)."""
    by_region = {}
    for region, unit, code, value in rows:
        by_region.setdefault(region, {}).setdefault(unit, {})[code] = value
    return {region: aggregate(values, specs) for region, values in by_region.items()}


def totals_by_region_from_sums(sums, weighted_rows, specs):
    """{region: {code: value}} as `totals_by_region`, from the database's sums per region and indicator
    (sommes_nationales) and, for the weighted means only, their values per unit (weights included)."""
    sums_by_region = {}
    for region, code, total, region_value in sums:
        sums_by_region.setdefault(region, {})[code] = (total, region_value)
    weighted = {}
    for region, unit, code, value in weighted_rows:
        weighted.setdefault(region, {}).setdefault(unit, {})[code] = value
    result = {}
    for region in sums_by_region.keys() | weighted.keys():
        sums_of_region, units = sums_by_region.get(region, {}), weighted.get(region, {})
        figures = {}
        for spec in specs:
            if spec.is_computed:
                continue
            if spec.agregation == "moyenne_ponderee":
                figures[spec.code] = total_of(spec, units)
            else:
                total, region_value = sums_of_region.get(spec.code, (None, None))
                figures[spec.code] = region_value if spec.agregation == "aucune" else total
        result[region] = derive(figures, specs)
    return result


def national_totals(region_totals, specs):
    """The nation's figures: données summed over regions (weighted means re-weighted), then ratios."""
    totals = {}
    for spec in specs:
        if spec.is_computed:
            continue
        if spec.agregation == "aucune":
            totals[spec.code] = None
        else:
            totals[spec.code] = total_of(spec, region_totals)
    return derive(totals, specs)


@dataclass
class TableauNational:
    annee: int
    specs: list
    par_region: dict  # {caisse régionale id: {code: value}}
    national: dict  # {code: value}

    def frame(self):
        """DataFrame regions × codes (plus a "national" row) for spreadsheets and charts."""
        codes = [spec.code for spec in self.specs]
        rows = {**self.par_region, "national": self.national}
        return pd.DataFrame.from_dict(
            {region: [figures.get(code) for code in codes] for region, figures in rows.items()},
            orient="index",
            columns=codes,
        )


def tableau_national(annee):
    """Every region's Part II totals for one exercice, and the national totals, in a constant number of queries."""
    from . import queries

    specs = [spec_of(i) for i in queries.catalogue(annee)]
    # Summed by the database, one row per region and indicator; only weighted means need their units' values.
    donnees = [spec for spec in specs if not spec.is_computed]
    weighted = [spec for spec in donnees if spec.agregation == "moyenne_ponderee"]
    weighted_codes = {spec.code for spec in weighted} | {spec.poids for spec in weighted if spec.poids}
    region_totals = totals_by_region_from_sums(
        queries.sommes_nationales(annee, [spec.code for spec in donnees if spec.agregation != "moyenne_ponderee"]),
        queries.valeurs_nationales(annee, weighted_codes) if weighted else [],
        specs,
    )
    return TableauNational(
        annee=annee,
        specs=specs + computed_specs(),
        par_region=region_totals,
        national=national_totals(region_totals, specs),
    )


def personnes_par_exercice(annees, autres=()):
    """{(année, caisse régionale id): {code: value}} of the people helped (individually, collectively, not split,
    and their computed total), and of the données `autres` (summed), over several exercices, in one query: the
    national trends."""
    from . import queries

    codes = {code for _l, _g, terms in COMPUTED_TOTALS.values() for code in terms} | set(autres)
    result = {}
    for annee, region, code, total in queries.sommes_par_exercice(annees, codes):
        result.setdefault((annee, region), {})[code] = total
    for figures in result.values():
        for code, (_libelle, _groupe, terms) in COMPUTED_TOTALS.items():
            figures[code] = _sum_present(figures.get(term) for term in terms)
    return result
