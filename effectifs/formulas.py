"""Part I's formulas and rules as plain functions: the data-entry pages, the report, the national view and the
interchange import all call these, so each figure is computed in one place.

Rates return a Decimal percentage (not rounded: the formatter rounds to one decimal), or None when the
denominator is zero — shown as "non calculable", never an error.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from caisses.limits import AGE
from caisses.numbers import NBSP, NON_CALCULABLE, format_nombre, format_pourcent, format_saisi

AGE_MIN, AGE_MAX = int(AGE.minimum), int(AGE.maximum)
CENT = Decimal(100)


def _dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def taux(numerateur, effectif, jours_theoriques):
    """numerateur / (effectif × jours théoriques) × 100, or None when the denominator is zero."""
    denominateur = _dec(effectif) * _dec(jours_theoriques)
    if denominateur <= 0:
        return None
    return _dec(numerateur) / denominateur * CENT


def taux_formation(jours_formation, etp_assistants_sociaux, jours_theoriques):
    """The plan's "temps passé en formation (%)" (I.3).

    jours de formation / (ETP réel au 31 décembre des catégories « assistant social » × jours théoriques) × 100.
    """
    return taux(jours_formation, etp_assistants_sociaux, jours_theoriques)


def taux_absenteisme(jours_absence, etp_reel, jours_theoriques):
    """Absentéisme (I.1 c): jours d'absence / (effectif réel en ETP au 31 décembre × jours théoriques) × 100."""
    return taux(jours_absence, etp_reel, jours_theoriques)


def _short(value):
    """A number as typed: 526,5 ; 109 ; 34,65 (no trailing zeros, at most 2 decimals)."""
    return format_saisi(_dec(value), 2)


def formule_texte(numerateur, effectif, jours_theoriques):
    """The formula with its values, as shown beside the result: ``526,5 / (109 × 210) × 100 = 2,3 %``."""
    resultat = taux(numerateur, effectif, jours_theoriques)
    shown = format_pourcent(resultat, 1) if resultat is not None else NON_CALCULABLE
    return (
        f"{_short(numerateur)} / ({_short(effectif)}{NBSP}×{NBSP}{_short(jours_theoriques)}){NBSP}×{NBSP}100 = {shown}"
    )


# --- Rules -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regle:
    """One finding of a rule: the field it concerns (for the form), and the French message."""

    champ: str
    message: str


def erreurs_effectif(values):
    """Errors of one category's effectifs (dict of Effectif field → value): counts ≥ 0, ages in 18–70."""
    found = []
    for champ in ("theorique_effectif", "theorique_etp", "reel_effectif", "reel_etp"):
        value = values.get(champ)
        if value is not None and value < 0:
            found.append(Regle(champ, "Ce nombre doit être positif ou nul."))
    age = values.get("age_moyen")
    if age is not None and not AGE_MIN <= age <= AGE_MAX:
        found.append(Regle("age_moyen", f"L'âge moyen doit être compris entre {AGE_MIN} et {AGE_MAX} ans."))
    return found


def erreur_nombre(value, champ):
    """A count or a number of days: ≥ 0."""
    if value is not None and value < 0:
        return [Regle(champ, "Ce nombre doit être positif ou nul.")]
    return []


def avertissements_mouvements(effectifs, mouvements):
    """Warn when réel ≠ théorique + embauches − départs, per category.

    effectifs: [(libellé, code, theorique_effectif, reel_effectif)]; mouvements: [(code, type, nombre)].
    """
    embauches, departs = defaultdict(int), defaultdict(int)
    for code, type_, nombre in mouvements:
        (embauches if type_ == "embauche" else departs)[code] += nombre or 0
    found = []
    for libelle, code, theorique, reel in effectifs:
        attendu = (theorique or 0) + embauches[code] - departs[code]
        if (reel or 0) != attendu:
            found.append(
                Regle(
                    code,
                    f"{libelle} : l'effectif réel au 31 décembre ({reel or 0}) diffère de l'effectif théorique "
                    f"au 1er janvier plus les embauches moins les départs ({theorique or 0} + {embauches[code]} "
                    f"− {departs[code]} = {attendu}).",
                )
            )
    return found


def avertissements_organigramme(effectifs, affectations):
    """Warn when the organigramme's ETP of a category differ from its ETP réel (categories with assignments only).

    effectifs: [(libellé, code, reel_etp)]; affectations: [(code, etp)].
    """
    totals = defaultdict(Decimal)
    for code, etp in affectations:
        totals[code] += _dec(etp)
    found = []
    for libelle, code, reel_etp in effectifs:
        if code in totals and totals[code] != _dec(reel_etp):
            found.append(
                Regle(
                    code,
                    f"{libelle} : l'organigramme affecte {format_nombre(totals[code], 2)} ETP, "
                    f"l'effectif réel au 31 décembre est de {format_nombre(reel_etp, 2)} ETP.",
                )
            )
    categorized = {code for _l, code, _e in effectifs}
    for code in sorted(set(totals) - categorized):
        found.append(Regle(code, f"L'organigramme affecte des ETP à la catégorie « {code} » sans effectif déclaré."))
    return found
