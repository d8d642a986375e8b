"""Entered precision and evolutions: a rate's evolution in points, a count's in %, the same in the report page,
the national view, its CSV and (as a raw number) its XLSX."""

import csv
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from activites.models import EnqueteSatisfaction, ItemSatisfaction
from caisses.models import RapportAnnuel
from tests.rapports.national_data import build_national, effectifs, formations

from .test_report import url, visible_text

NBSP = "\u00a0"


def test_an_entered_rate_prints_with_its_own_decimals(org, client_for):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    enquete = EnqueteSatisfaction.objects.create(
        rapport=rapport, periode="novembre", echantillon=1200, taux_reponse=D("31.47")
    )
    ItemSatisfaction.objects.create(enquete=enquete, dimension="Accueil", satisfaits_pct=D("93.5"))
    ItemSatisfaction.objects.create(
        enquete=enquete, dimension="Écoute", satisfaits_pct=D("90"), tres_satisfaits_pct=D("48.25"), ordre=1
    )
    text = visible_text(client_for(org.user("relecteur")).get(url(rapport)).content.decode())
    assert f"Taux de réponse 31,47{NBSP}%" in text
    assert f"Taille de l'échantillon 1{NBSP}200" in text
    assert f"Accueil 93,5{NBSP}% —" in text
    assert f"Écoute 90{NBSP}% 48,25{NBSP}%" in text


def test_report_rate_evolution_in_points_count_evolution_in_percent(org, client_for, exemple):
    text = visible_text(client_for(org.user("relecteur")).get(url(exemple)).content.decode())
    # A ratio of the catalogue: 950 / 1 210 = 78,5 % ; 884 / 1 125 = 78,6 % → -0,1 point, not -0,07 %.
    assert f"Taux d'objectifs totalement atteints 78,5{NBSP}% 78,6{NBSP}% \u22120,1{NBSP}pt" in text
    # A count: 4 210 people in 2025, 3 915 in 2024 → +7,54 %.
    assert f"Accès aux soins 4{NBSP}210 3{NBSP}915 +7,54{NBSP}%" in text
    # ETP as entered: 35,1 → 34,6 (never 35,10), relative evolution.
    assert f"Assistants sociaux 35,1 34,6 \u22121,42{NBSP}%" in text


@pytest.fixture
def national(org):
    """The national dataset, with CARSAT-T1's 2024 staff and training: 62,7 / (10 × 209) × 100 = 3,0 %."""
    built = build_national(org)
    n1 = RapportAnnuel.objects.get(caisse=org.region, exercice=org.previous_exercice)
    effectifs(n1, {"as": 10})
    formations(n1, ["62.7"])
    return built


def fetch(client_for, org, name, query=""):
    response = client_for(org.user("relecteur")).get(reverse(name, kwargs={"annee": 2025}) + query)
    assert response.status_code == 200
    return response


def test_national_page_prints_rate_evolutions_in_points(org, client_for, national):
    text = visible_text(fetch(client_for, org, "national").content.decode())
    # The transmitted report (T1): 1,0 % in 2025, 3,0 % in 2024 → −2,0 pts; people helped 200 vs 160 → +25 %;
    # beside it every region: 1,6 % (83,2 / (25 × 208)) and 560 people.
    assert f"Temps passé en formation 1,0{NBSP}% 3,0{NBSP}% \u22122,0{NBSP}pts 1,6{NBSP}%" in text
    assert f"Personnes aidées 200 160 +25,00{NBSP}% 560" in text
    # The main table's all-regions row: 1,6 % vs 3,0 % → −1,4 pt.
    assert f"\u22121,4{NBSP}pt" in text
    # CARSAT-T1's row: 1,0 % vs 3,0 % → -2,0 pts.
    assert f"\u22122,0{NBSP}pts" in text


def test_national_csv_prints_points_for_a_rate_column(org, client_for, national):
    content = fetch(client_for, org, "national_csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    col = {label: index for index, label in enumerate(rows[0])}
    by_name = {row[0]: row for row in rows[1:]}
    points = "Évolution du temps passé en formation 2024–2025 (pts)"
    assert by_name["CARSAT Test Un"][col[points]] == "-2,0"
    assert by_name["CARSAT Test Un"][col["Temps passé en formation 2024 (%)"]] == "3,0"
    assert by_name["France entière"][col[points]] == "-1,4"
    assert by_name["CARSAT Test Deux"][col[points]] == ""  # no 2024 report: not computable
    # A count's evolution stays relative.
    assert by_name["CARSAT Test Un"][col["Évolution 2024–2025 (%)"]] == "25,00"


def test_national_xlsx_keeps_raw_numbers(org, client_for, national):
    workbook = openpyxl.load_workbook(io.BytesIO(fetch(client_for, org, "national_xlsx").content))
    ws = workbook["Synthèse"]
    header = [cell.value for cell in ws[1]]
    col = header.index("Évolution du temps passé en formation 2024–2025 (pts)")
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    cell = rows["CARSAT Test Un"][col]
    assert cell.value == pytest.approx(-2.0) and cell.data_type == "n"
    assert rows["France entière"][col].value == pytest.approx(-1.4)
    assert rows["CARSAT Test Un"][header.index("Temps passé en formation")].value == pytest.approx(0.01)
