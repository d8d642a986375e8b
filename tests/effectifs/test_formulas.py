"""Part I formulas and rules, without the database."""

from decimal import Decimal

import pytest

from effectifs import formulas

NBSP = "\u00a0"


def test_taux_formation_example_of_the_brief():
    assert round(formulas.taux_formation(Decimal("526.5"), 109, 210), 1) == Decimal("2.3")
    assert (
        formulas.formule_texte(Decimal("526.5"), 109, 210)
        == f"526,5 / (109{NBSP}×{NBSP}210){NBSP}×{NBSP}100 = 2,3{NBSP}%"
    )


@pytest.mark.parametrize(("etp", "jours"), [(0, 208), (Decimal("41.4"), 0), (0, 0)])
def test_zero_denominator_is_non_calculable(etp, jours):
    assert formulas.taux_formation(10, etp, jours) is None
    assert formulas.taux_absenteisme(10, etp, jours) is None
    assert formulas.formule_texte(10, etp, jours).endswith("= non calculable")


def test_zero_numerator_gives_zero():
    assert formulas.taux_absenteisme(0, 10, 208) == 0
    assert formulas.formule_texte(0, 10, 208).endswith(f"= 0,0{NBSP}%")


def test_absenteisme_with_decimal_etp_and_rounding():
    # 933 / (62.3 × 208) × 100 = 7.1997…
    taux = formulas.taux_absenteisme(933, Decimal("62.3"), 208)
    assert Decimal("7.19") < taux < Decimal("7.2")
    assert (
        formulas.formule_texte(933, Decimal("62.30"), 208)
        == f"933 / (62,3{NBSP}×{NBSP}208){NBSP}×{NBSP}100 = 7,2{NBSP}%"
    )


def test_formule_texte_keeps_two_decimals_when_typed():
    assert formulas.formule_texte(Decimal("10"), Decimal("34.65"), 208).startswith(f"10 / (34,65{NBSP}×")


@pytest.mark.parametrize(
    ("age", "ok"),
    [(Decimal("17.9"), False), (18, True), (Decimal("44.5"), True), (70, True), (Decimal("70.1"), False), (None, True)],
)
def test_age_bounds(age, ok):
    found = formulas.erreurs_effectif({"age_moyen": age, "reel_effectif": 3})
    assert (found == []) is ok
    if not ok:
        assert found[0].champ == "age_moyen"
        assert "entre 18 et 70" in found[0].message


@pytest.mark.parametrize("champ", ["theorique_effectif", "theorique_etp", "reel_effectif", "reel_etp"])
def test_counts_must_not_be_negative(champ):
    assert formulas.erreurs_effectif({champ: 0}) == []
    (found,) = formulas.erreurs_effectif({champ: Decimal("-0.01")})
    assert found.champ == champ and "positif ou nul" in found.message
    assert formulas.erreur_nombre(-1, "jours")[0].champ == "jours"
    assert formulas.erreur_nombre(0, "jours") == []


def test_mouvements_warning_only_when_the_balance_is_off():
    effectifs = [("Assistants sociaux", "as", 38, 37), ("Agents de secrétariat", "secretariat", 21, 21)]
    mouvements = [("as", "embauche", 2), ("as", "depart", 2), ("as", "depart", 1)]
    assert formulas.avertissements_mouvements(effectifs, mouvements) == []
    (found,) = formulas.avertissements_mouvements(effectifs, mouvements[:2])
    assert found.champ == "as"
    assert "(37)" in found.message and "38 + 2 − 2 = 38" in found.message


def test_organigramme_warning_per_category_with_assignments():
    effectifs = [("Assistants sociaux", "as", Decimal("34.6")), ("Cadres", "as_cadres", Decimal("6.8"))]
    affectations = [("as", Decimal("15.6")), ("as", Decimal("12")), ("as", Decimal("7"))]
    assert formulas.avertissements_organigramme(effectifs, affectations) == []
    (found,) = formulas.avertissements_organigramme(effectifs, affectations[:2])
    assert found.champ == "as"
    assert "27,60 ETP" in found.message and "34,60 ETP" in found.message
    (unknown,) = formulas.avertissements_organigramme(effectifs[:1], affectations + [("autre", 1)])
    assert unknown.champ == "autre"
