"""The validation rules of Part II, evaluated from data (the Regle table), not hard-coded per page.

`evaluate` is pure: rules and values in, a list of `Erreur` out, keyed by (unit, indicator code).
The entry grid, the import and the transmission (`check_rapport`) all call it.

Each rule is checked for every unit where its figures are entered, and then on the region's totals.
During entry the totals are incomplete (each agent enters its own unit), so the entry grid downgrades a
totals-only mismatch to a warning; the import and the transmission, which see the whole report, do not.
"""

from dataclasses import dataclass
from decimal import Decimal

from caisses.numbers import format_nombre

REGION = None
TOTAL = "__total__"

SOMME_EGALE = "somme_egale"
INFERIEUR_OU_EGAL = "inferieur_ou_egal"
POSITIF = "positif"

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"
TOTAL_PREFIX = "Total de la région : "


@dataclass(frozen=True)
class RuleSpec:
    nature: str
    code: str | None  # None: a POSITIF rule over every donnée
    termes: tuple = ()
    niveau: str = ERREUR


@dataclass(frozen=True)
class Erreur:
    unite: str | None  # unit code, REGION (None) or TOTAL
    code: str
    message: str
    niveau: str = ERREUR

    @property
    def key(self):
        return (self.unite, self.code)

    @property
    def is_error(self):
        return self.niveau == ERREUR


def _label(labels, code):
    return f"« {labels.get(code, code)} »"


def _num(value):
    return format_nombre(value, 0 if value == value.to_integral_value() else 2)


def _sum_terms(figures, termes):
    present = [figures[t] for t in termes if figures.get(t) is not None]
    return sum(present, Decimal(0)) if present else None


def _compare(rule, figures, labels):
    """The French message when `figures` (one unit, or the totals) break `rule`, else None."""
    left = figures.get(rule.code)
    right = _sum_terms(figures, rule.termes)
    if left is None or right is None:
        return None
    if rule.nature == SOMME_EGALE and left != right:
        terms = ", ".join(labels.get(t, t) for t in rule.termes)
        return f"{_label(labels, rule.code)} ({_num(left)}) doit être égal à la somme de : {terms} ({_num(right)})."
    if rule.nature == INFERIEUR_OU_EGAL and left > right:
        if len(rule.termes) == 1:
            other = _label(labels, rule.termes[0])
        else:
            other = "la somme de " + ", ".join(_label(labels, t) for t in rule.termes)
        return f"{_label(labels, rule.code)} ({_num(left)}) ne peut pas dépasser {other} ({_num(right)})."
    return None


def _totals(values_by_unit):
    totals = {}
    for figures in values_by_unit.values():
        for code, value in figures.items():
            if value is not None:
                totals[code] = totals.get(code, Decimal(0)) + value
    return totals


def evaluate(rules, values_by_unit, *, donnees=(), labels=None, totals_niveau=None, refuses=()):
    """Check `values_by_unit` ({unit key: {code: Decimal}}) against `rules`.

    `donnees` are the codes a POSITIF rule without indicator applies to; `labels` {code: libellé} make
    the messages readable; `totals_niveau` overrides the level of errors found only on the totals.
    `refuses` are the (unit, code) cells whose typed value was refused: a rule over such a cell is not checked
    for that unit nor on the totals, since its figure is unknown (neither the refused text nor the old value).
    """
    labels = labels or {}
    refuses = set(refuses)
    errors = []
    for rule in rules:
        if rule.nature == POSITIF:
            codes = [rule.code] if rule.code else list(donnees)
            for unit, figures in values_by_unit.items():
                for code in codes:
                    value = figures.get(code)
                    if value is not None and value < 0:
                        message = f"{_label(labels, code)} doit être positif ou nul."
                        errors.append(Erreur(unit, code, message, rule.niveau))
            continue
        broken_units = False
        codes = {rule.code, *rule.termes}
        unknown = {unit for unit, code in refuses if code in codes}
        for unit, figures in values_by_unit.items():
            if unit in unknown:
                continue
            message = _compare(rule, figures, labels)
            if message:
                broken_units = True
                errors.append(Erreur(unit, rule.code, message, rule.niveau))
        if unknown:
            continue
        contributing = [
            u for u, figures in values_by_unit.items() if codes & {c for c, v in figures.items() if v is not None}
        ]
        if len(contributing) < 2:
            continue  # the totals are that one unit's figures, already checked
        message = _compare(rule, _totals(values_by_unit), labels)
        if message:
            niveau = rule.niveau if broken_units or totals_niveau is None else totals_niveau
            errors.append(Erreur(TOTAL, rule.code, TOTAL_PREFIX + message, niveau))
    return errors


def errors_by_cell(errors):
    """{(unit, code): [messages]} for showing errors at their cell."""
    cells = {}
    for error in errors:
        cells.setdefault(error.key, []).append(error)
    return cells


def evaluate_rapport_values(values_by_unit, indicateurs, rules, *, totals_niveau=None, refuses=()):
    """`evaluate` with the labels and données of a catalogue (a list of Indicateur)."""
    return evaluate(
        rules,
        values_by_unit,
        donnees=[i.code for i in indicateurs if not i.is_ratio],
        labels={i.code: i.libelle for i in indicateurs},
        totals_niveau=totals_niveau,
        refuses=refuses,
    )


def check_rapport(rapport):
    """Errors and warnings of the report's Part II figures, for the transmission step.

    Returns a list of Erreur; those with `is_error` block the transmission, the others are warnings.
    """
    from . import queries

    values = queries.valeurs_par_unite(rapport)
    indicateurs = queries.catalogue(rapport.exercice.annee)
    errors = evaluate_rapport_values(values, indicateurs, queries.rule_specs())
    if not values:
        errors.append(
            Erreur(REGION, "", "Aucun indicateur des activités spécifiques (II.1) n'est renseigné.", AVERTISSEMENT)
        )
    return errors
