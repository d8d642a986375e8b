"""The II.1 workbook round trip (issue 12, item 3): download, fill offline, preview, apply through the guard."""

import io
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activites import classeur, classeur_examen, queries, views_classeur
from activites.models import Indicateur, Valeur
from caisses.guard import ConflitDeVersion, section_version
from caisses.models import RapportAnnuel
from tests.factories import CaisseFactory

NBSP = "\u00a0"


def _url(name, org, annee=None, code=None):
    return reverse(name, kwargs={"code": code or org.region.code, "annee": annee or org.exercice.annee})


def download(client, org, unite=None, **kwargs):
    response = client.get(_url("classeur_ii1", org, **kwargs), {"unite": unite} if unite else {})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == classeur.CONTENT_TYPE
    return response.content


def sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def coordinate(ws, key, code):
    """The input cell of unit `key` (form key) and indicator `code`, found by the hidden keys."""
    col = next(c.column for c in ws[classeur.KEYS_ROW] if c.value == key)
    row = next(r for r in range(classeur.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value == code)
    return ws.cell(row, col).coordinate


def fill(content, changes):
    """`changes`: {(unit key, code) or coordinate: value}; the workbook saved back to bytes."""
    wb = sheet(content)
    ws = wb[classeur.FEUILLE]
    for where, value in changes.items():
        ws[coordinate(ws, *where) if isinstance(where, tuple) else where] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, org, content, name="II1.xlsx"):
    return client.post(_url("classeur_ii1_envoi", org), {"classeur": _file(content, name)})


def _file(content, name):
    return SimpleUploadedFile(name, content, content_type=classeur.CONTENT_TYPE)


def apply_data(response):
    data = {"version": response.context["version"], "catalogue": response.context["catalogue"]}
    data.update({c.nom: c.valeur for c in response.context["examen"].changements})
    return data


def put(rapport, code, value, caisse=None, site=None):
    return Valeur.objects.create(
        rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, site=site, valeur=D(value)
    )


def valeurs(rapport):
    return {
        (v.caisse.code if v.caisse else v.site.code if v.site else None, v.indicateur.code): v.valeur
        for v in Valeur.objects.filter(rapport=rapport).select_related("caisse", "site", "indicateur")
    }


def errors(response):
    return response.context["examen"].erreurs


# --- The downloaded workbook --------------------------------------------------------------------------------


def test_download_has_labels_n1_locks_validation_and_stamp(org, client_for, rapport, rapport_n1):
    cpam = org.cpams[0]
    put(rapport, "domaine_acces_soins", 1200, caisse=cpam)
    put(rapport_n1, "domaine_acces_soins", 1100, caisse=cpam)
    wb = sheet(download(client_for(org.user("responsable")), org))
    ws = wb[classeur.FEUILLE]
    # Rows: the group « Personnes aidées » (5), its three données (6–8), the group « domaines » (9), then D10.
    assert ws["B5"].value == "Personnes aidées"
    assert (ws["A10"].value, ws["B10"].value, ws["C10"].value) == (
        "domaine_acces_soins",
        "Accès aux soins",
        "personnes",
    )
    assert ws["D3"].value == "CPAM-T11" and ws["F3"].value == "UL-T11" and ws["L3"].value == "region"
    assert ws["D4"].value == "CPAM Test Onze — 2025" and ws["E4"].value == "CPAM Test Onze — 2024 (N−1)"
    assert (ws["D10"].value, ws["E10"].value) == (1200, 1100)
    assert ws.column_dimensions["A"].hidden and ws.row_dimensions[classeur.KEYS_ROW].hidden
    assert not [c for c in ws["A"] if c.value == "taux_acces_soins"]  # ratios are computed, never entered
    assert ws.protection.sheet
    assert ws["B10"].protection.locked and ws["E10"].protection.locked
    assert not ws["D10"].protection.locked and not ws["L6"].protection.locked
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    dv = validations[0]
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "100000000")
    assert "D10" in str(dv.sqref) and "E10" not in str(dv.sqref)
    stamp = wb[classeur.FEUILLE_CLE]
    assert stamp.sheet_state == "veryHidden"
    rows = {row[0]: row[1] for row in stamp.iter_rows(values_only=True)}
    assert rows["region"] == "CARSAT-T1" and rows["exercice"] == 2025 and rows["unite"] == "region"
    assert rows["catalogue"] == classeur.empreinte(queries.etats_inputs())


def test_unit_workbook_and_a_readers_workbook(org, client_for, rapport):
    ws = sheet(download(client_for(org.user("agent")), org, unite="CPAM-T11"))[classeur.FEUILLE]
    assert [c.value for c in ws[classeur.KEYS_ROW] if c.value] == ["CPAM-T11"]
    assert not ws["D10"].protection.locked
    ws = sheet(download(client_for(org.user("agent")), org))[classeur.FEUILLE]
    assert not ws["D10"].protection.locked  # the agent's CPAM
    assert ws["H10"].protection.locked and ws["L10"].protection.locked  # another CPAM, the region's row
    ws = sheet(download(client_for(org.user("relecteur")), org))[classeur.FEUILLE]
    assert ws["D10"].protection.locked and not ws.data_validations.dataValidation
    response = client_for(org.user("relecteur")).get(_url("classeur_ii1", org), {"unite": "CPAM-T21"})
    assert response.status_code == 404  # another region's unit


def test_download_query_count_does_not_grow_with_units(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    download(client, org)
    with CaptureQueriesContext(connection) as small:
        download(client, org)
    for index in range(4):
        CaisseFactory(code=f"CPAM-T1{index + 3}", nom=f"CPAM {index}", parent=org.region)
    with CaptureQueriesContext(connection) as large:
        content = download(client, org)
    assert len([c for c in sheet(content)[classeur.FEUILLE][classeur.KEYS_ROW] if c.value]) == 9
    assert len(large) == len(small)


# --- The round trip ---------------------------------------------------------------------------------------------


def test_round_trip_previews_each_change_then_writes_them_through_the_guard(org, client_for, rapport):
    cpam = org.cpams[0]
    put(rapport, "domaine_acces_soins", 1200, caisse=cpam)
    put(rapport, "type_conseil", 40, caisse=cpam)
    client = client_for(org.user("responsable"))
    content = fill(
        download(client, org),
        {
            ("CPAM-T11", "domaine_acces_soins"): 1250,
            ("CPAM-T11", "type_conseil"): None,  # emptied: erased
            ("UL-T11", "domaine_acces_soins"): "1 234",  # French text is read as the grid reads it
            ("region", "personnes_aidees_collectif"): 12.0,
        },
    )
    response = upload(client, org, content)
    assert response.status_code == 200
    assert not errors(response)
    shown = {(c.unite, c.libelle, c.cellule, c.ancien, c.nouveau) for c in response.context["examen"].changements}
    assert shown == {
        ("CPAM Test Onze", "Accès aux soins", "D10", f"1{NBSP}200", f"1{NBSP}250"),
        ("CPAM Test Onze", "Conseil social", "D17", "40", "vide"),
        (org.sites[0].nom, "Accès aux soins", "F10", "vide", f"1{NBSP}234"),
        ("Région (ensemble)", "Personnes aidées collectivement", "L7", "vide", "12"),
    }
    html = response.content.decode()
    assert "Enregistrer ces 4 changements" in html and "→ 1\u00a0250" in html
    assert valeurs(rapport)[("CPAM-T11", "domaine_acces_soins")] == D(1200)  # the preview wrote nothing
    version = section_version(rapport, "II.1")
    applied = client.post(_url("classeur_ii1_application", org), apply_data(response))
    assert applied.status_code == 302 and applied["Location"] == _url("saisie_ii1", org)
    assert valeurs(rapport) == {
        ("CPAM-T11", "domaine_acces_soins"): D(1250),
        ("UL-T11", "domaine_acces_soins"): D(1234),
        (None, "personnes_aidees_collectif"): D(12),
    }
    assert section_version(rapport, "II.1") == version + 1


def test_unchanged_workbook_has_nothing_to_change(org, client_for, rapport):
    put(rapport, "domaine_acces_soins", 1200, caisse=org.cpams[0])
    client = client_for(org.user("responsable"))
    response = upload(client, org, download(client, org))
    assert response.status_code == 200
    assert classeur_examen.RIEN_A_MODIFIER in response.content.decode()
    assert "classeur/application" not in response.content.decode()


# --- Each error at its sheet and cell; all or nothing --------------------------------------------------------


def test_each_bad_cell_is_refused_at_its_cell_and_nothing_is_written(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    content = fill(
        download(client, org),
        {
            "D10": "=1+2",
            "D11": "beaucoup",
            "D12": -3,
            "D13": 200_000_000,
            "D14": 12.5,
            "D15": True,
            "F10": 30,  # a good cell: not written either
        },
    )
    response = upload(client, org, content)
    assert response.status_code == 400
    limite = f"Valeur hors limites : saisissez un nombre entre 0 et 100{NBSP}000{NBSP}000"
    assert sorted(errors(response)) == [
        ("Feuille II.1, cellule D10", "une formule n'est pas acceptée, saisissez un nombre"),
        ("Feuille II.1, cellule D11", "Saisissez un nombre (par exemple 1 234 ou 12,5)"),
        ("Feuille II.1, cellule D12", limite),
        ("Feuille II.1, cellule D13", limite),
        ("Feuille II.1, cellule D14", "Saisissez un nombre entier"),
        ("Feuille II.1, cellule D15", "saisissez un nombre (par exemple 1 234 ou 12,5)"),
    ]
    html = response.content.decode()
    assert "Feuille II.1, cellule D10 : une formule n&#x27;est pas acceptée" in html
    assert "classeur/application" not in html  # no way to apply a part of it
    assert not Valeur.objects.exists()


def test_a_rule_the_workbook_breaks_is_refused_at_its_cell(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    ws = sheet(download(client, org))[classeur.FEUILLE]
    termines, atteints = (
        coordinate(ws, "CPAM-T11", "accompagnements_termines"),
        coordinate(ws, "CPAM-T11", "objectifs_atteints"),
    )
    response = upload(client, org, fill(download(client, org), {termines: 5, atteints: 10}))
    assert response.status_code == 400
    [(where, message)] = errors(response)
    assert where == f"Feuille II.1, cellule {atteints}"
    assert "objectifs totalement atteints" in message
    assert not Valeur.objects.exists()


# --- Workbooks of another report, unit or catalogue; files that are not workbooks ---------------------------


def test_workbook_of_another_report_is_refused(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    older = fill(download(client, org, annee=org.previous_exercice.annee), {"D10": 5})
    response = upload(client, org, older)
    assert response.status_code == 400
    assert response.context["refus"] == (
        "Ce classeur est celui du rapport de CARSAT-T1 pour l'exercice 2024, pas de celui-ci (CARSAT-T1, "
        "exercice 2025) : rien n'a été lu."
    )
    other = download(client_for(org.user("responsable_autre")), org, code=org.other_region.code)
    response = upload(client, org, other)
    assert response.status_code == 400 and "CARSAT-T2" in response.context["refus"]
    assert not Valeur.objects.exists()


def test_workbook_of_another_catalogue_version_is_refused(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    content = fill(download(client, org), {"D10": 5})
    Indicateur.objects.filter(code="type_conseil").update(libelle="Conseil social (renommé)")
    response = upload(client, org, content)
    assert response.status_code == 400
    assert response.context["refus"] == classeur_examen.AUTRE_CATALOGUE
    assert not Valeur.objects.exists()


def test_workbook_of_a_unit_the_agent_may_not_change(org, client_for, rapport):
    client = client_for(org.user("agent"))
    content = fill(download(client, org, unite="CPAM-T12"), {"D10": 5})
    response = upload(client, org, content)
    assert response.status_code == 403
    assert response.context["refus"] == (
        "Ce classeur est celui de « CPAM Test Douze », dont vous ne pouvez pas modifier les chiffres : rien n'a été lu."
    )
    assert not Valeur.objects.exists()


def test_agent_region_workbook_other_units_cells_are_errors(org, client_for, rapport):
    put(rapport, "domaine_acces_soins", 7, caisse=org.cpams[1])
    client = client_for(org.user("agent"))
    content = fill(download(client, org), {"D10": 15, "H10": 8, "L10": 3})
    response = upload(client, org, content)
    assert response.status_code == 400
    assert errors(response) == [
        (
            "Feuille II.1, cellule H10",
            "vous ne pouvez pas modifier les chiffres de « CPAM Test Douze » ; remettez la valeur enregistrée (7)",
        ),
        (
            "Feuille II.1, cellule L10",
            "vous ne pouvez pas modifier les chiffres de « Région (ensemble) » ; remettez la valeur enregistrée (vide)",
        ),
    ]
    # Without them, the agent's own cell goes through.
    response = upload(client, org, fill(download(client, org), {"D10": 15}))
    assert response.status_code == 200
    assert client.post(_url("classeur_ii1_application", org), apply_data(response)).status_code == 302
    assert valeurs(rapport) == {("CPAM-T11", "domaine_acces_soins"): D(15), ("CPAM-T12", "domaine_acces_soins"): D(7)}


def test_tampered_unit_column_is_refused(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    content = fill(download(client, org, unite="CPAM-T11"), {"D3": "CPAM-T12", "D10": 5})
    response = upload(client, org, content)
    assert response.status_code == 400
    assert errors(response) == [("Feuille II.1, cellule D6", classeur_examen.COLONNE_INCONNUE)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ceci n'est pas un classeur", classeur.ILLISIBLE),
        (b"PK\x03\x04 tronque", classeur.ILLISIBLE),
        (b"", classeur.ILLISIBLE),
        (b"x" * (classeur.MAX_BYTES + 1), "Le fichier envoyé dépasse 5 Mo : rien n'a été lu."),
    ],
)
def test_corrupt_or_huge_files_are_refused(org, client_for, rapport, content, message):
    response = upload(client_for(org.user("responsable")), org, content)
    assert response.status_code == 400
    assert response.context["refus"].startswith(message.split(" Envoyez")[0])


def test_zip_that_is_not_a_workbook_and_a_workbook_without_stamp(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bonjour.txt", "bonjour")
    assert upload(client, org, out.getvalue()).context["refus"] == classeur.ILLISIBLE
    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.title = "II.1"
    wb.save(plain)
    assert upload(client, org, plain.getvalue()).context["refus"] == classeur.SANS_CLE
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * (classeur.MAX_UNZIPPED + 1))
    response = upload(client, org, bomb.getvalue())
    assert response.status_code == 400 and "dépasse" in response.context["refus"]


def test_upload_without_a_file(org, client_for, rapport):
    response = client_for(org.user("responsable")).post(_url("classeur_ii1_envoi", org), {})
    assert response.status_code == 400
    assert "Choisissez le classeur" in response.content.decode()


# --- Rights and states ---------------------------------------------------------------------------------------------


def test_relecteur_cannot_upload_nor_apply(org, client_for, rapport):
    client = client_for(org.user("relecteur"))
    content = fill(download(client_for(org.user("responsable")), org), {"D10": 5})
    assert upload(client, org, content).status_code == 403
    data = {"version": 0, "catalogue": "x", "v-CPAM-T11-domaine_acces_soins": "5"}
    assert client.post(_url("classeur_ii1_application", org), data).status_code == 403
    assert not Valeur.objects.exists()


def test_transmitted_report_refuses_upload_with_the_reason(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    content = fill(download(client, org), {"D10": 5})
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat="transmis")
    response = upload(client, org, content)
    assert response.status_code == 403
    assert "ses données ne sont plus modifiables" in response.content.decode()
    assert not Valeur.objects.exists()


def test_apply_rechecks_the_posted_values(org, client_for, rapport):
    client = client_for(org.user("agent"))
    response = upload(client, org, fill(download(client, org), {"D10": 15}))
    data = apply_data(response)
    forbidden = {**data, "v-CPAM-T12-domaine_acces_soins": "9"}  # a unit not the agent's, added by hand
    assert client.post(_url("classeur_ii1_application", org), forbidden).status_code == 403
    negative = {**data, "v-CPAM-T11-domaine_acces_soins": "-4"}
    refused = client.post(_url("classeur_ii1_application", org), negative)
    assert refused.status_code == 400 and "Rien n'a été enregistré" in refused.context["refus"]
    assert not Valeur.objects.exists()


def test_stale_preview_is_refused_on_apply_and_nothing_is_written(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    response = upload(client, org, fill(download(client, org), {"D10": 15}))
    # Someone saves the grid between the preview and its apply.
    saved = client_for(org.user("agent")).post(
        _url("saisie_ii1", org), {"version": section_version(rapport, "II.1"), "v-CPAM-T11-type_conseil": "4"}
    )
    assert saved.status_code == 302
    applied = client.post(_url("classeur_ii1_application", org), apply_data(response))
    assert applied.status_code == 409
    assert applied.context["refus"] == ConflitDeVersion.message
    assert valeurs(rapport) == {("CPAM-T11", "type_conseil"): D(4)}
    # As on the grid: the changes again, against what is saved now, to apply from the current version.
    assert applied.context["version"] == section_version(rapport, "II.1")
    [change] = applied.context["examen"].changements
    assert (change.ancien, change.nouveau) == ("vide", "15")
    again = client.post(_url("classeur_ii1_application", org), apply_data(applied))
    assert again.status_code == 302
    assert valeurs(rapport) == {("CPAM-T11", "type_conseil"): D(4), ("CPAM-T11", "domaine_acces_soins"): D(15)}


def test_apply_without_version_is_refused(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    response = upload(client, org, fill(download(client, org), {"D10": 15}))
    data = {**apply_data(response), "version": "abc"}
    assert client.post(_url("classeur_ii1_application", org), data).status_code == 400
    assert not Valeur.objects.exists()


def test_workbook_older_than_the_last_save_warns_in_the_preview(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    content = fill(download(client, org), {"D10": 15})
    saved = client.post(_url("saisie_ii1", org), {"version": 0, "v-CPAM-T11-type_conseil": "4"})
    assert saved.status_code == 302
    response = upload(client, org, content)
    assert response.status_code == 200
    assert response.context["avertissement"] == views_classeur.VERSION_ANCIENNE
    # D17 is still empty as downloaded: it is not read, so the save made since the download stays.
    shown = {(c.cellule, c.ancien, c.nouveau) for c in response.context["examen"].changements}
    assert shown == {("D10", "vide", "15")}
    assert client.post(_url("classeur_ii1_application", org), apply_data(response)).status_code == 302
    assert valeurs(rapport) == {("CPAM-T11", "type_conseil"): D(4), ("CPAM-T11", "domaine_acces_soins"): D(15)}


def test_ii1_page_offers_the_workbook_box_by_role(org, client_for, rapport):
    envoi = _url("classeur_ii1_envoi", org)
    page = client_for(org.user("agent")).get(_url("saisie_ii1", org)).content.decode()
    assert "Travailler hors ligne (tableur)" in page and envoi in page
    assert 'value="CPAM-T12"' in page  # any unit's workbook may be read
    page = client_for(org.user("relecteur")).get(_url("saisie_ii1", org)).content.decode()
    assert _url("classeur_ii1", org) in page and envoi not in page
