"""The national view's files: XLSX (numbers as numbers, no formula anywhere), CSV for French Excel, synthesis PDF."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from activites.models import Indicateur
from caisses.models import Caisse
from tests.factories import CaisseFactory
from tests.rapports.national_data import build_national

NBSP = "\u00a0"

# Names a region, or an indicator of the catalogue, could be given — each would be a formula if written as is.
DANGEROUS = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def national(org):
    return build_national(org)


def fetch(client_for, org, name, annee=2025, query=""):
    response = client_for(org.user("relecteur")).get(reverse(name, kwargs={"annee": annee}) + query)
    assert response.status_code == 200
    return response


def open_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_first_cell(ws):
    return {row[0].value: row for row in ws.iter_rows(min_row=2)}


# --- XLSX ---------------------------------------------------------------------------------------------------


def test_xlsx_name_sheets_and_synthese_numbers(org, client_for, national):
    response = fetch(client_for, org, "national_xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="synthese-nationale-2025.xlsx"'
    wb = open_xlsx(response)
    assert wb.sheetnames == ["Synthèse", "Indicateurs", "Régions entre elles"]
    ws = wb["Synthèse"]
    header = [cell.value for cell in ws[1]]
    assert header[:4] == ["Caisse régionale", "Code", "État du rapport", "En retard"]
    col = {label: index for index, label in enumerate(header)}
    rows = rows_by_first_cell(ws)
    un = rows["CARSAT Test Un"]
    assert un[col["Code"]].value == "CARSAT-T1"
    assert un[col["Personnes aidées 2025"]].value == 200
    assert un[col["Personnes aidées 2024"]].value == 160
    assert un[col["Évolution 2024–2025"]].value == pytest.approx(0.25)
    assert un[col["Évolution 2024–2025"]].number_format == "+0.00%;-0.00%;0.00%"
    assert un[col["ETP réel au 31 décembre"]].value == 13.5
    assert un[col["ETP réel au 31 décembre"]].number_format == "#,##0.00"
    assert un[col["Temps passé en formation"]].value == pytest.approx(0.01)
    assert un[col["Temps passé en formation"]].number_format == "0.0%"
    assert un[col["Personnes aidées par ETP d'assistant social"]].value == 20
    assert un[col["Section I.3"]].value == "complet"
    assert rows["CARSAT Test Trois"][col["Personnes aidées 2025"]].value is None
    nation = rows["France entière"]
    assert nation[col["Personnes aidées 2025"]].value == 560
    assert nation[col["Personnes aidées par ETP d'assistant social"]].value == pytest.approx(22.4)
    assert nation[col["Temps passé en formation"]].value == pytest.approx(0.016)


def test_xlsx_indicateurs_sheet_has_every_indicator_by_region(org, client_for, national):
    ws = open_xlsx(fetch(client_for, org, "national_xlsx"))["Indicateurs"]
    header = [cell.value for cell in ws[1]]
    assert header[:4] == ["Code", "Indicateur", "Groupe", "Unité"]
    assert header[-1] == "France entière"
    assert "CARSAT Test Un (CARSAT-T1)" in header
    rows = rows_by_first_cell(ws)
    codes = set(Indicateur.objects.actifs(2025).values_list("code", flat=True))
    assert codes <= set(rows)
    assert "personnes_aidees_total" in rows
    col = {label: index for index, label in enumerate(header)}
    individuel = rows["personnes_aidees_individuel"]
    # The region as a whole: the sum over its units (100 + 50 + 10) as the aggregation module totals it.
    assert individuel[col["CARSAT Test Un (CARSAT-T1)"]].value == 160
    assert individuel[col["CARSAT Test Deux (CARSAT-T2)"]].value == 300
    assert individuel[col["France entière"]].value == 460
    assert rows["personnes_aidees_total"][col["France entière"]].value == 560


@pytest.fixture
def dangerous_names(org, national):
    for index, name in enumerate(DANGEROUS):
        CaisseFactory(code=f"CARSAT-Z{index}", nom=name, type=Caisse.Type.REGIONALE, parent=org.nationale)
    indicateur = Indicateur.objects.get(code="publics_precarite")
    indicateur.libelle = "=cmd|' /C calc'!A0"
    indicateur.save()
    return DANGEROUS


def test_xlsx_has_no_formula_and_dangerous_text_reads_back_as_plain_text(org, client_for, dangerous_names):
    wb = open_xlsx(fetch(client_for, org, "national_xlsx"))
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} est une formule : {cell.value!r}"
    cells = {row[0].value: row[0] for row in wb["Synthèse"].iter_rows(min_row=2)}
    for name in dangerous_names:
        name = name.replace("\r", "\n")  # XML reads every carriage return back as a line feed
        assert name in cells
        assert isinstance(cells[name].value, str) and cells[name].data_type == "s"
        assert cells[name].quotePrefix, f"{name!r} sans préfixe de texte"
    indicateurs = rows_by_first_cell(wb["Indicateurs"])
    assert indicateurs["publics_precarite"][1].value == "=cmd|' /C calc'!A0"
    assert indicateurs["publics_precarite"][1].data_type == "s"
    header = [cell.value for cell in wb["Indicateurs"][1]]
    assert '=HYPERLINK("http://x") (CARSAT-Z0)' in header


def test_xlsx_follows_the_page_filters_and_sort(org, client_for, national):
    ws = open_xlsx(fetch(client_for, org, "national_xlsx", query="?retard=on&tri=personnes&ordre=desc"))["Synthèse"]
    assert [row[0].value for row in ws.iter_rows(min_row=2)] == [
        "CARSAT Test Deux",
        "CARSAT Test Trois",
        "France entière",
    ]


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_for_french_excel(org, client_for, dangerous_names):
    response = fetch(client_for, org, "national_csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="synthese-nationale-2025.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[0] == "Caisse régionale"
    assert "Temps passé en formation (%)" in header
    by_name = {row[0]: row for row in rows[1:]}
    col = {label: index for index, label in enumerate(header)}
    un = by_name["CARSAT Test Un"]
    assert un[col["Personnes aidées 2025"]] == "200"
    assert un[col["ETP réel au 31 décembre"]] == "13,50"
    assert un[col["Temps passé en formation (%)"]] == "1,0"
    assert un[col["Évolution 2024–2025 (%)"]] == "25,00"
    assert by_name["France entière"][col["Personnes aidées par ETP d'assistant social"]] == "22,4"
    # Dangerous names are prefixed with an apostrophe: a spreadsheet shows them as text.
    for name in dangerous_names:
        assert "'" + name in by_name, name
    assert not any(row[0].startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows)


# --- PDF ----------------------------------------------------------------------------------------------------


def test_synthesis_pdf_has_regions_and_totals(org, client_for, national):
    response = fetch(client_for, org, "national_pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="synthese-nationale-2025.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # A4 landscape
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("CARSAT Test Un", "CARSAT Test Deux", "CARSAT Test Trois", "France entière"):
        assert name in text
    assert "560" in text and "22,4" in text and "+250,00" in text
    assert "Synthèse nationale" in text and "Exercice 2025" in text
    assert f"page 1 / {len(reader.pages)}" in text


def test_xlsx_every_sheet_has_an_autofilter_and_frozen_panes(org, client_for, national):
    wb = open_xlsx(fetch(client_for, org, "national_xlsx"))
    regions = Caisse.objects.regionales().count()
    expected_rows = {"Synthèse": regions + 1, "Régions entre elles": regions + 1}
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2", ws.title
        first, last = ws.auto_filter.ref.split(":")
        assert first == "A1", ws.title
        assert last.endswith(str(expected_rows.get(ws.title, ws.max_row))), ws.title
    # The national row stays out of the synthesis sheet's filter, below it.
    assert wb["Synthèse"].cell(row=regions + 2, column=1).value == "France entière"


def test_xlsx_groups_are_named_by_their_label(org, client_for, national):
    from activites.models import GroupeIndicateurs

    rows = rows_by_first_cell(open_xlsx(fetch(client_for, org, "national_xlsx"))["Indicateurs"])
    indicateur = Indicateur.objects.select_related("groupe").get(code="personnes_aidees_individuel")
    assert rows["personnes_aidees_individuel"][2].value == indicateur.groupe.libelle
    assert not set(GroupeIndicateurs.objects.values_list("code", flat=True)) & {row[2].value for row in rows.values()}


def test_xlsx_places_each_region_among_the_others(org, client_for, national):
    ws = open_xlsx(fetch(client_for, org, "national_xlsx"))["Régions entre elles"]
    header = [cell.value for cell in ws[1]]
    col = {label: index for index, label in enumerate(header)}
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    par_etp = col["Personnes aidées par ETP d'assistant social"]
    # T1 is the only transmitted report (20 per ETP); the draft T2 (24) is placed above it, among 2.
    un, deux = rows["CARSAT Test Un"], rows["CARSAT Test Deux"]
    assert un[par_etp].value == 20
    assert [c.value for c in un[par_etp + 1 : par_etp + 5]] == [1, 1, "premier quart", "Non"]
    assert deux[2].value == "Brouillon"
    assert [c.value for c in deux[par_etp + 1 : par_etp + 3]] == [1, 2]
