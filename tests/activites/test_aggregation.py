"""The aggregation module against hand-computed values (the figures of the two example documents)."""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from activites.aggregation import (
    REGION,
    Spec,
    aggregate,
    lignes,
    national_totals,
    ratio,
    total_of,
    totals_by_region,
)
from caisses.numbers import format_evolution

SPEC_DIR = Path(__file__).resolve().parents[1] / "fixtures"

DONNEES = [
    "personnes_aidees_individuel",
    "personnes_aidees_collectif",
    "personnes_aidees_non_reparties",
    "domaine_acces_soins",
    "accompagnements_termines",
    "objectifs_atteints",
    "appels_nouveaux_demandeurs",
    "appels_traites_immediatement",
]
SPECS = [Spec(code) for code in DONNEES] + [
    Spec("taux_objectifs_atteints", "ratio", "aucune", "objectifs_atteints", "accompagnements_termines"),
    Spec("taux_appels_immediats", "ratio", "aucune", "appels_traites_immediatement", "appels_nouveaux_demandeurs"),
]


def example_values(year):
    document = json.loads((SPEC_DIR / f"exemple-rapport-CARSAT-EX-{year}.json").read_text())
    values = {}
    for item in document["partie_2"]["indicateurs"]:
        if item["code"] in DONNEES:
            values.setdefault(item["unite"], {})[item["code"]] = D(str(item["valeur"]))
    return values


@pytest.fixture(scope="module")
def n():
    return example_values(2025)


@pytest.fixture(scope="module")
def n1():
    return example_values(2024)


def test_totals_over_units(n, n1):
    # 2025: 1 895 + 1 473 + 842; 2024: 1 762 + 1 370 + 783.
    assert aggregate(n, SPECS)["domaine_acces_soins"] == D(4210)
    assert aggregate(n1, SPECS)["domaine_acces_soins"] == D(3915)


def test_computed_total_of_people_helped(n, n1):
    # 8 891 + 1 380 + 0 and 8 269 + 1 283 + 0.
    assert aggregate(n, SPECS)["personnes_aidees_total"] == D(10271)
    assert aggregate(n1, SPECS)["personnes_aidees_total"] == D(9552)


def test_ratios(n):
    totals = aggregate(n, SPECS)
    # 950 / 1 210 × 100 = 78,512… ; 3 650 / 3 900 × 100 = 93,589…
    assert round(totals["taux_objectifs_atteints"], 3) == D("78.512")
    assert round(totals["taux_appels_immediats"], 3) == D("93.590")


def test_ratio_edges():
    assert ratio(D(1), D(0)) is None
    assert ratio(None, D(5)) is None
    assert ratio(D(0), D(5)) == D(0)
    assert ratio(D(5), D(5)) == D(100)


def test_evolution_against_n1(n, n1):
    by_code = {ligne.spec.code: ligne for ligne in lignes(SPECS, n, n1)}
    acces = by_code["domaine_acces_soins"]
    assert (acces.n, acces.n1) == (D(4210), D(3915))
    # (4 210 − 3 915) / 3 915 × 100 = 7,5351… %
    assert acces.evolution_texte == "+7,54\u00a0%"
    total = by_code["personnes_aidees_total"]
    # (10 271 − 9 552) / 9 552 × 100 = 7,5272… %
    assert total.evolution_texte == "+7,53\u00a0%"
    assert acces.par_unite == {"CPAM-EX1": D(1895), "CPAM-EX2": D(1473), "CPAM-EX3": D(842), REGION: None}


def test_a_ratio_moves_in_points(n, n1):
    by_code = {ligne.spec.code: ligne for ligne in lignes(SPECS, n, n1)}
    taux = by_code["taux_objectifs_atteints"]
    # 78,512… % in 2025 and 78,6… % in 2024 print as 78,5 % and 78,6 %: the reader's difference, −0,1 point.
    assert (round(taux.n, 1), round(taux.n1, 1)) == (D("78.5"), D("78.6"))
    assert taux.evolution == D("-0.1")
    assert taux.evolution_texte == "\u22120,1\u00a0pt"


def test_evolution_not_computable_when_n1_is_zero_or_missing(n):
    by_code = {ligne.spec.code: ligne for ligne in lignes(SPECS, n, None)}
    assert by_code["domaine_acces_soins"].evolution_texte == "non calculable"
    # personnes_aidees_non_reparties is 0 in 2024 (and 2025).
    by_code = {ligne.spec.code: ligne for ligne in lignes(SPECS, n, example_values(2024))}
    assert by_code["personnes_aidees_non_reparties"].evolution is None
    assert format_evolution(D(10), D(0)) == "non calculable"


def test_aggregation_kinds():
    values = {"A": {"x": D(10), "w": D(1)}, "B": {"x": D(20), "w": D(3)}, REGION: {"x": D(99), "w": D(0)}}
    assert total_of(Spec("x", agregation="somme"), values) == D(129)
    assert total_of(Spec("x", agregation="aucune"), values) == D(99)
    # (10 × 1 + 20 × 3 + 99 × 0) / (1 + 3 + 0) = 17,5
    assert total_of(Spec("x", agregation="moyenne_ponderee", poids="w"), values) == D("17.5")
    assert total_of(Spec("x"), {}) is None


def test_national_totals_from_rows():
    rows = [
        (1, "CPAM-A", "accompagnements_termines", D(100)),
        (1, None, "objectifs_atteints", D(80)),
        (1, "CPAM-A", "objectifs_atteints", D(0)),
        (2, None, "accompagnements_termines", D(300)),
        (2, None, "objectifs_atteints", D(120)),
    ]
    regions = totals_by_region(rows, SPECS)
    assert regions[1]["taux_objectifs_atteints"] == D(80)
    assert regions[2]["taux_objectifs_atteints"] == D(40)
    national = national_totals(regions, SPECS)
    # (80 + 120) / (100 + 300) × 100 = 50 — a ratio of totals, not a mean of ratios (which would be 60).
    assert national["taux_objectifs_atteints"] == D(50)
    assert national["accompagnements_termines"] == D(400)
