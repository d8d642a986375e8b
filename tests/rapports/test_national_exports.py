"""The national view's files: XLSX (numbers as numbers, no formula anywhere), CSV for French Excel, synthesis PDF."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from activites.models import GroupeIndicateurs, Indicateur
from caisses.models import Caisse, RapportAnnuel
from rapports.national_export import sheet_title
from rapports.national_tendances import tendances
from tests.factories import CaisseFactory, ExerciceFactory
from tests.rapports.national_data import build_national, effectifs, valeurs
from tests.rapports.test_national import add_regions, count_queries

NBSP = "\u00a0"
# The default catalogue's groups in display order, as sheet titles: cut to Excel's 31 characters.
THEMES = [
    "Personnes aidées",
    "Aide individuelle par domaine p",
    "Aide individuelle par type d'in",
    "Accompagnements terminés",
    "Interventions sociales collecti",
    "Origine des demandes",
    "Réactivité",
    "Publics en situation de précari",
]
SHEETS = ["Synthèse", "Régions entre elles", "Séries", *THEMES]

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


def header_of(ws):
    return [cell.value for cell in ws[1]]


def columns_of(ws):
    return {label: index for index, label in enumerate(header_of(ws))}


# --- XLSX ---------------------------------------------------------------------------------------------------


def test_xlsx_name_sheets_and_synthese_numbers(org, client_for, national):
    response = fetch(client_for, org, "national_xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="synthese-nationale-2025.xlsx"'
    wb = open_xlsx(response)
    assert wb.sheetnames == SHEETS
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


def test_xlsx_one_sheet_per_theme_with_every_indicator_by_region(org, client_for, national):
    wb = open_xlsx(fetch(client_for, org, "national_xlsx"))
    ws = wb["Personnes aidées"]
    header = header_of(ws)
    assert header[:3] == ["Code", "Indicateur", "Unité"]
    assert header[3:] == [
        "CARSAT Test Un (CARSAT-T1)",
        "CARSAT Test Deux (CARSAT-T2)",
        "CARSAT Test Trois (CARSAT-T3)",
        "France entière",
    ]
    rows = rows_by_first_cell(ws)
    assert list(rows) == [
        "personnes_aidees_individuel",
        "personnes_aidees_collectif",
        "personnes_aidees_non_reparties",
        "personnes_aidees_total",
    ]
    individuel = rows["personnes_aidees_individuel"]
    assert individuel[1].value == "Personnes aidées individuellement"
    assert individuel[2].value == "personnes"
    # The region as a whole: the sum over its units (100 + 50 + 10) as the aggregation module totals it.
    assert [cell.value for cell in individuel[3:]] == [160, 300, None, 460]
    assert individuel[3].number_format == "#,##0"
    assert rows["personnes_aidees_total"][6].value == 560
    # Every active indicator sits on its group's sheet, and only there.
    groupes = dict(GroupeIndicateurs.objects.values_list("code", "libelle"))
    placed = {}
    for title in THEMES:
        for code in rows_by_first_cell(wb[title]):
            placed.setdefault(code, []).append(title)
    for indicateur in Indicateur.objects.actifs(2025):
        assert placed.pop(indicateur.code) == [groupes[indicateur.groupe.code][:31]], indicateur.code
    assert placed == {"personnes_aidees_total": ["Personnes aidées"]}


def test_xlsx_theme_ratios_are_percentages(org, client_for, national):
    valeurs(national["t1"], [(None, "accompagnements_termines", 40), (None, "objectifs_atteints", 10)])
    rows = rows_by_first_cell(open_xlsx(fetch(client_for, org, "national_xlsx"))["Accompagnements terminés"])
    taux = rows["taux_objectifs_atteints"]
    assert taux[2].value == "%"
    assert taux[3].value == pytest.approx(0.25)  # 10 / 40
    assert taux[3].number_format == "0.0%"
    assert taux[4].value is None  # CARSAT-T2 entered neither


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
    precarite = wb["Publics en situation de précari"]
    label = rows_by_first_cell(precarite)["publics_precarite"][1]
    assert label.value == "=cmd|' /C calc'!A0"
    assert label.data_type == "s" and label.quotePrefix
    assert '=HYPERLINK("http://x") (CARSAT-Z0)' in header_of(precarite)
    series = [row[0] for row in wb["Séries"].iter_rows(min_row=2) if row[1].value == "CARSAT-Z0"]
    assert [cell.value for cell in series] == ['=HYPERLINK("http://x")'] * 2
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in series)


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
    assert wb.sheetnames == SHEETS
    regions = Caisse.objects.regionales().count()
    # The label columns stay in view: the region; a theme's code, label and unit; a series' region, year, state.
    frozen = {"Synthèse": "B2", "Régions entre elles": "B2", "Séries": "E2"}
    last_row = {
        "Synthèse": regions + 1,  # the national row stays below the filter, out of the sort
        "Régions entre elles": regions + 1,
        "Séries": (regions + 1) * 2 + 1,  # 2 exercices for each region and the nation
        "Personnes aidées": 5,  # 3 données and their computed total
    }
    for ws in wb.worksheets:
        assert ws.freeze_panes == frozen.get(ws.title, "D2"), ws.title
        last_column = get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last_column}{last_row.get(ws.title, ws.max_row)}", ws.title
        assert ws.max_row > 1, ws.title
        assert all(cell.font.bold for cell in ws[1]), ws.title
    assert wb["Synthèse"].cell(row=regions + 2, column=1).value == "France entière"
    for title in THEMES:
        assert header_of(wb[title])[0] == "Code"
        assert header_of(wb[title])[-1] == "France entière"


def test_sheet_titles_are_cut_cleaned_and_unique():
    taken = {"synthèse", "séries", "history"}
    assert sheet_title("Logement / hébergement : accès [urgence]* ?", taken) == "Logement hébergement accès urge"
    assert sheet_title("LOGEMENT hébergement accès urgence bis", taken) == "LOGEMENT hébergement accès (2)"
    assert sheet_title("Logement hébergement accès urgence ter", taken) == "Logement hébergement accès (3)"
    assert sheet_title("Séries", taken) == "Séries (2)"
    assert sheet_title("'Sport'", taken) == "Sport"
    assert sheet_title("History", taken) == "History (2)"
    assert sheet_title(":/?*", taken) == "Thème"
    assert len(taken) == 10


def test_xlsx_theme_sheet_named_by_a_cleaned_label(org, client_for, national):
    """A group whose label Excel would refuse as a title: cut, its forbidden characters removed, kept unique."""
    for index, libelle in enumerate(
        ["Logement / hébergement : accès [urgence]* ?", "logement hébergement accès urgence"]
    ):
        groupe = GroupeIndicateurs.objects.create(code=f"logement_{index}", libelle=libelle, ordre=900 + index)
        Indicateur.objects.create(code=f"logement_{index}", libelle=f"Nuitées {index}", groupe=groupe)
    valeurs(national["t1"], [(None, "logement_1", 12)])
    wb = open_xlsx(fetch(client_for, org, "national_xlsx"))
    assert wb.sheetnames[-2:] == ["Logement hébergement accès urge", "logement hébergement accès (2)"]
    rows = rows_by_first_cell(wb["logement hébergement accès (2)"])
    assert [cell.value for cell in rows["logement_1"]] == ["logement_1", "Nuitées 1", "personnes", 12, None, None, 12]
    assert wb["logement hébergement accès (2)"].freeze_panes == "D2"
    assert wb["logement hébergement accès (2)"].auto_filter.ref == "A1:G2"


def test_xlsx_groups_are_named_by_their_label(org, client_for, national):
    groupe = GroupeIndicateurs.objects.get(code="origine_demandes")
    groupe.libelle = "Demandes : d'où viennent-elles ?"
    groupe.save()
    wb = open_xlsx(fetch(client_for, org, "national_xlsx"))
    assert "Demandes d'où viennent-elles" in wb.sheetnames
    assert "Origine des demandes" not in wb.sheetnames
    assert not set(GroupeIndicateurs.objects.values_list("code", flat=True)) & set(wb.sheetnames)


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


def test_xlsx_series_sheet_over_the_exercices(org, client_for, national):
    # 2025: T1 transmitted (200 people, 10 ETP of social workers, 1,0 % in training), T2 a draft (360);
    # 2024: T1 a draft (160); T3 never reported. The nation counts transmitted and validated reports only.
    ws = open_xlsx(fetch(client_for, org, "national_xlsx"))["Séries"]
    header = header_of(ws)
    assert header[:4] == ["Caisse régionale", "Code", "Exercice", "État du rapport"]
    assert header[4:7] == [
        "Personnes aidées",
        "Personnes aidées par ETP d'assistant social",
        "Temps passé en formation (%)",
    ]
    assert "Taux d'absentéisme (%)" in header
    col = columns_of(ws)
    rows = [[cell.value for cell in row[: col["Temps passé en formation (%)"] + 1]] for row in ws.iter_rows(min_row=2)]
    assert rows == [
        ["CARSAT Test Deux", "CARSAT-T2", 2024, "aucun rapport", None, None, None],
        ["CARSAT Test Deux", "CARSAT-T2", 2025, "provisoire", 360, 24, 2],
        ["CARSAT Test Trois", "CARSAT-T3", 2024, "aucun rapport", None, None, None],
        ["CARSAT Test Trois", "CARSAT-T3", 2025, "aucun rapport", None, None, None],
        ["CARSAT Test Un", "CARSAT-T1", 2024, "provisoire", 160, None, None],
        ["CARSAT Test Un", "CARSAT-T1", 2025, "définitif", 200, 20, 1],
        ["France entière — rapports transmis et validés", None, 2024, "définitif", None, None, None],
        ["France entière — rapports transmis et validés", None, 2025, "définitif", 200, 20, 1],
    ]
    un_2025 = ws[7]
    assert isinstance(un_2025[col["Exercice"]].value, int)
    assert un_2025[col["Personnes aidées"]].number_format == "#,##0"
    assert un_2025[col["Temps passé en formation (%)"]].number_format == "#,##0.0"
    assert ws.freeze_panes == "E2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}9"


def test_xlsx_series_follow_the_trends_page(org, client_for, national):
    """The same figures as the trends page's table, which marks the provisional ones « (p) »."""
    t = tendances(2025)
    ws = open_xlsx(fetch(client_for, org, "national_xlsx"))["Séries"]
    col = columns_of(ws)
    for row in ws.iter_rows(min_row=2):
        if row[col["Code"]].value is None:
            continue
        region = next(r for r, _ in t.regions if r.code == row[col["Code"]].value)
        chiffres = dict(t.regions)[region][row[col["Exercice"]].value]
        assert row[col["Personnes aidées"]].value == chiffres.personnes_aidees
        provisoire = (region.pk, row[col["Exercice"]].value) in t.provisoires
        assert (row[col["État du rapport"]].value == "provisoire") == provisoire


def add_exercice(annee, personnes):
    """An older exercice where every region sent a report with some people helped."""
    exercice = ExerciceFactory(annee=annee)
    for region in Caisse.objects.regionales():
        rapport = RapportAnnuel.objects.create(caisse=region, exercice=exercice, etat=RapportAnnuel.Etat.VALIDE)
        valeurs(rapport, [(None, "personnes_aidees_collectif", personnes)])
        effectifs(rapport, {"as": 2})


def test_xlsx_queries_do_not_grow_with_regions_nor_exercices(org, client_for, national):
    client = client_for(org.user("relecteur"))
    path = reverse("national_xlsx", kwargs={"annee": 2025})

    def measure():
        count_queries(client, path)  # new reports' section states are computed once, then kept
        return count_queries(client, path)

    three_regions_two_exercices = measure()
    add_regions(org, 3)
    assert Caisse.objects.regionales().count() == 6
    assert measure() == three_regions_two_exercices
    add_exercice(2022, 7)
    add_exercice(2023, 9)
    assert tendances(2025).annees == [2022, 2023, 2024, 2025]
    assert measure() == three_regions_two_exercices
    rows = rows_by_first_cell(open_xlsx(client.get(path))["Séries"])
    assert len(rows) == 7  # 6 regions and the nation
    assert open_xlsx(client.get(path))["Séries"].max_row == 1 + 7 * 4
