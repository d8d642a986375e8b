"""The Part I workbook round trip (issue 12, item 3): download, fill offline, preview, apply through the section."""

import datetime
import io
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caisses.classeurs import CONTENT_TYPE, ILLISIBLE, MAX_BYTES, MAX_UNZIPPED
from caisses.guard import section_version
from caisses.models import RapportAnnuel
from effectifs import classeur, classeur_examen
from effectifs.models import Affectation, Categorie, Convention, Effectif, Formation, Mouvement, Reunion
from tests.factories import CaisseFactory

NBSP = "\u00a0"


def _url(name, org):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def download(client, org, section="i1"):
    response = client.get(_url(f"classeur_{section}", org))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == CONTENT_TYPE
    assert (
        f'filename="{section.upper()}-{org.region.code}-{org.exercice.annee}.xlsx"' in response["Content-Disposition"]
    )
    return response.content


def book(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def fill(content, feuille, changes):
    """`changes`: {coordinate: value} in sheet `feuille`; the workbook saved back to bytes."""
    wb = book(content)
    for coordinate, value in changes.items():
        wb[feuille][coordinate] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, org, section, content, name="classeur.xlsx"):
    files = {"classeur": SimpleUploadedFile(name, content, content_type=CONTENT_TYPE)}
    return client.post(_url(f"classeur_{section}_envoi", org), files)


def apply(client, org, section, preview):
    """Post the preview's form (its hidden inputs) to the section's own page, as the browser does."""
    return client.post(_url(f"saisie_{section}", org), dict(preview.context["examen"].champs))


def errors(response):
    return [f"{where} : {message}" for where, message in response.context["examen"].erreurs]


def changes(response):
    return [(c.feuille, c.ligne, c.champ, c.ancien, c.nouveau) for c in response.context["examen"].changements]


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


@pytest.fixture
def rapport(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)


def formation(rapport, intitule="Accueil", **values):
    defaults = {"nature": "formation", "organisme": "IRTS", "participants": 12, "jours": D("36.5")}
    return Formation.objects.create(rapport=rapport, intitule=intitule, **{**defaults, **values})


# --- Download ------------------------------------------------------------------------------------------------


def test_responsable_workbook_of_i1_has_every_table_locked_labels_and_n1(org, responsable, rapport):
    previous = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
    as_ = Categorie.objects.get(code="as")
    Effectif.objects.create(rapport=previous, categorie=as_, theorique_effectif=30, reel_etp=D("28.5"))
    Effectif.objects.create(rapport=rapport, categorie=as_, theorique_effectif=38, reel_etp=D("34.6"))
    wb = book(download(responsable, org))
    assert wb.sheetnames[:5] == ["I.1 Effectifs", "I.1 Affectations", "I.1 Mouvements", "I.1 Absences", "I.1 Boursiers"]
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert wb[classeur.FEUILLE_CLE].sheet_state == "veryHidden"
    assert wb[classeur.FEUILLE_LISTES].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    ws = wb["I.1 Effectifs"]
    assert ws.protection.sheet
    headers = [c.value for c in ws[classeur.HEADER_ROW]]
    assert headers[:3] == ["Ligne", "Effectif théorique au 1er janvier", "ETP théorique au 1er janvier"]
    assert "Effectif théorique au 1er janvier — 2024 (N−1)" in headers
    row = next(r for r in range(classeur.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value == as_.libelle)
    assert ws.cell(row, 1).protection.locked  # the category label
    assert ws.cell(row, 2).value == 38 and not ws.cell(row, 2).protection.locked
    n1 = headers.index("Effectif théorique au 1er janvier — 2024 (N−1)") + 1
    assert ws.cell(row, n1).value == 30 and ws.cell(row, n1).protection.locked
    assert ws.cell(row, n1 + 3).value == 28.5
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations[f"B{classeur.FIRST_ROW}:B{classeur.FIRST_ROW + 3}"].formula2 == "100000"
    mouvements = wb["I.1 Mouvements"]
    lists = [dv for dv in mouvements.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.formula1.startswith("'_listes'!") for dv in lists)
    assert not mouvements[f"A{classeur.FIRST_ROW}"].protection.locked  # rows offered for new movements
    stamp = dict(wb[classeur.FEUILLE_CLE].iter_rows(values_only=True))
    assert (stamp["region"], stamp["exercice"], stamp["section"], stamp["version"]) == (org.region.code, 2025, "I.1", 0)


def test_agent_workbook_holds_only_its_own_tables_and_rows(org, client_for, rapport):
    as_ = Categorie.objects.get(code="as")
    Affectation.objects.create(rapport=rapport, caisse_primaire=org.cpams[0], categorie=as_, etp=D("3"))
    Affectation.objects.create(rapport=rapport, caisse_primaire=org.cpams[1], categorie=as_, etp=D("7"))
    agent = client_for(org.user("agent"))
    wb = book(download(agent, org, "i1"))
    assert [n for n in wb.sheetnames if not n.startswith("_")] == ["I.1 Affectations"]
    ws = wb["I.1 Affectations"]
    assert ws["A4"].value == org.cpams[0].nom and ws["C4"].value == 3
    assert ws["A5"].value is None  # the other unit's row is not there
    assert [n for n in book(download(agent, org, "i2")).sheetnames if not n.startswith("_")] == ["I.2 Locaux"]


def test_relecteur_downloads_a_locked_workbook_but_cannot_upload(org, client_for, rapport):
    formation(rapport)
    relecteur = client_for(org.user("relecteur"))
    content = download(relecteur, org, "i3")
    ws = book(content)["I.3 Formations"]
    assert ws["B4"].value == "Accueil" and ws["B4"].protection.locked
    assert ws.max_row == 4  # no row offered for a new action
    response = upload(relecteur, org, "i3", content)
    assert response.status_code == 403


def test_the_page_offers_the_workbook_only_to_who_may_edit(org, responsable, client_for):
    html = responsable.get(_url("saisie_i3", org)).content.decode()
    assert "Travailler hors ligne" in html and _url("classeur_i3_envoi", org) in html
    assert 'enctype="multipart/form-data"' in html
    assert "Travailler hors ligne" not in client_for(org.user("relecteur")).get(_url("saisie_i3", org)).content.decode()


# --- Round trips ---------------------------------------------------------------------------------------------


def test_i1_round_trip_changes_a_figure_and_adds_a_movement_by_labels(org, responsable, rapport):
    as_ = Categorie.objects.get(code="as")
    Effectif.objects.create(rapport=rapport, categorie=as_, theorique_effectif=38, reel_etp=D("34.6"))
    content = download(responsable, org)
    ws = book(content)["I.1 Effectifs"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == as_.libelle)
    content = fill(content, "I.1 Effectifs", {f"B{row}": 40})
    content = fill(content, "I.1 Mouvements", {"A4": as_.libelle, "B4": "Départ", "C4": "retraite", "D4": 2})
    preview = upload(responsable, org, "i1", content)
    assert preview.status_code == 200, errors(preview)
    assert changes(preview) == [
        ("I.1 Effectifs", as_.libelle, "Effectif théorique au 1er janvier", "38", "40"),
        ("I.1 Mouvements", "Ligne 4", "Ligne ajoutée", "vide", f"{as_.libelle} ; Départ ; Retraite ; 2"),
    ]
    html = preview.content.decode()
    assert "→ <strong>40</strong>" in html and 'name="mouvements-0-type" value="depart"' in html
    assert Effectif.objects.get(categorie=as_).theorique_effectif == 38  # nothing saved by the preview
    response = apply(responsable, org, "i1", preview)
    assert response.status_code == 302
    assert Effectif.objects.get(categorie=as_).theorique_effectif == 40
    assert list(Mouvement.objects.values_list("categorie__code", "type", "motif", "nombre")) == [
        ("as", "depart", "retraite", 2)
    ]
    assert Effectif.history.filter(categorie=as_, theorique_effectif=40).exists()
    assert Mouvement.history.filter(history_type="+").count() == 1
    assert section_version(rapport, "I.1") == 1


def test_i3_round_trip_adds_a_row(org, responsable, rapport):
    formation(rapport)
    content = fill(
        download(responsable, org, "i3"),
        "I.3 Formations",
        {"A5": "Perfectionnement", "B5": "Écoute", "C5": "CNAM", "D5": 4, "E5": 6.5},
    )
    preview = upload(responsable, org, "i3", content)
    assert preview.status_code == 200
    assert changes(preview) == [
        ("I.3 Formations", "Ligne 5", "Ligne ajoutée", "vide", "Perfectionnement ; Écoute ; CNAM ; 4 ; 6,5")
    ]
    assert apply(responsable, org, "i3", preview).status_code == 302
    assert list(Formation.objects.order_by("pk").values_list("intitule", "jours")) == [
        ("Accueil", D("36.5")),
        ("Écoute", D("6.5")),
    ]


def test_i4_round_trip_removes_a_row(org, responsable, rapport):
    Reunion.objects.create(rapport=rapport, niveau="regional", periodicite="Mensuelle", nombre=12)
    Reunion.objects.create(rapport=rapport, niveau="local", periodicite="Hebdomadaire", nombre=45)
    content = fill(download(responsable, org, "i4"), "I.4 Réunions", dict.fromkeys(("A4", "B4", "C4", "D4")))
    preview = upload(responsable, org, "i4", content)
    assert changes(preview) == [("I.4 Réunions", "Ligne 4", "Ligne supprimée", "Régional ; Mensuelle ; 12", "vide")]
    assert apply(responsable, org, "i4", preview).status_code == 302
    assert list(Reunion.objects.values_list("periodicite", flat=True)) == ["Hebdomadaire"]


def test_i2_round_trip_of_installation_and_premises(org, responsable):
    content = download(responsable, org, "i2")
    content = fill(content, "I.2 Installation", {"B5": 3})
    content = fill(content, "I.2 Locaux", {"B4": "Rampe d'accès."})
    preview = upload(responsable, org, "i2", content)
    assert [c[2:] for c in changes(preview)] == [
        ("Véhicules", "vide", "3"),
        ("État des locaux", "vide", "Rampe d'accès."),
    ]
    assert apply(responsable, org, "i2", preview).status_code == 302
    rapport = RapportAnnuel.objects.get(caisse=org.region, exercice=org.exercice)
    assert rapport.installation.vehicules == 3
    # A convention: the CPAM by its name, the date as a date cell; read back unchanged the next time.
    cpam = org.cpams[1]
    row = {"A4": cpam.nom, "B4": datetime.date(2025, 3, 14), "C4": "Permanences", "D4": 1500}
    preview = upload(responsable, org, "i2", fill(download(responsable, org, "i2"), "I.2 Conventions", row))
    assert changes(preview) == [
        ("I.2 Conventions", "Ligne 4", "Ligne ajoutée", "vide", f"{cpam.nom} ; 14/03/2025 ; Permanences ; 1{NBSP}500")
    ]
    assert apply(responsable, org, "i2", preview).status_code == 302
    convention = Convention.objects.get()
    assert (convention.caisse_primaire, convention.date_signature) == (cpam, datetime.date(2025, 3, 14))
    again = upload(responsable, org, "i2", download(responsable, org, "i2"))
    assert classeur_examen.RIEN_A_MODIFIER in again.content.decode()


def test_unchanged_workbook_has_nothing_to_change(org, responsable, rapport):
    formation(rapport)
    preview = upload(responsable, org, "i3", download(responsable, org, "i3"))
    assert preview.status_code == 200
    assert classeur_examen.RIEN_A_MODIFIER in preview.content.decode()
    assert "Enregistrer ces" not in preview.content.decode()


def test_agent_changes_only_its_own_assignments(org, client_for, rapport):
    as_ = Categorie.objects.get(code="as")
    Affectation.objects.create(rapport=rapport, caisse_primaire=org.cpams[0], categorie=as_, etp=D("3"))
    Affectation.objects.create(rapport=rapport, caisse_primaire=org.cpams[1], categorie=as_, etp=D("7"))
    agent = client_for(org.user("agent"))
    preview = upload(agent, org, "i1", fill(download(agent, org), "I.1 Affectations", {"C4": 4.5}))
    assert changes(preview) == [("I.1 Affectations", "Ligne 4", "ETP", "3", "4,5")]
    # Even posted along, the region's tables are not the agent's: the section ignores them.
    tampered = {
        **dict(preview.context["examen"].champs),
        "effectifs-TOTAL_FORMS": "1",
        "effectifs-INITIAL_FORMS": "1",
        "effectifs-0-categorie": str(as_.pk),
        "effectifs-0-theorique_effectif": "99",
    }
    assert agent.post(_url("saisie_i1", org), tampered).status_code == 302
    assert not Effectif.objects.exists()
    assert dict(Affectation.objects.values_list("caisse_primaire__code", "etp")) == {
        org.cpams[0].code: D("4.5"),
        org.cpams[1].code: D("7"),
    }
    # The responsable's workbook (every table) does not fit the agent's page.
    refused = upload(agent, org, "i1", download(client_for(org.user("responsable")), org))
    assert refused.status_code == 400 and "a changé depuis le téléchargement" in refused.context["refus"]


# --- Errors at their cells -----------------------------------------------------------------------------------


def test_each_wrong_cell_is_named_with_its_sheet_and_cell(org, responsable, rapport):
    formation(rapport)
    content = fill(
        download(responsable, org, "i3"),
        "I.3 Formations",
        {
            "D4": 200_000,  # out of bound
            "E4": "beaucoup",  # text in a number cell
            "A5": "Stage",  # unknown choice label
            "B5": "x" * 251,  # over-long text
            "D5": "=1+1",  # formula
            "E5": 2,
        },
    )
    response = upload(responsable, org, "i3", content)
    assert response.status_code == 400
    assert sorted(errors(response)) == sorted(
        [
            "Feuille I.3 Formations, cellule D4 : Valeur hors limites (effectif) : saisissez un nombre entre 0 et "
            f"100{NBSP}000",
            "Feuille I.3 Formations, cellule E4 : Saisissez un nombre (par exemple 1 234 ou 12,5)",
            "Feuille I.3 Formations, cellule A5 : « Stage » n'est pas dans la liste : choisissez l'une de ses valeurs",
            "Feuille I.3 Formations, cellule B5 : Assurez-vous que cette valeur comporte au plus 250 caractères "
            "(actuellement 251)",
            "Feuille I.3 Formations, cellule D5 : une formule n'est pas acceptée, saisissez un nombre",
        ]
    )
    html = response.content.decode()
    assert "Rien n'a été enregistré" in html and "Enregistrer ces" not in html
    assert Formation.objects.count() == 1


def test_row_errors_of_the_form_point_at_their_cell(org, responsable):
    libelle = Categorie.objects.get(code="as").libelle
    content = fill(download(responsable, org), "I.1 Mouvements", {"A4": libelle, "B4": "Départ", "D4": 1})
    content = fill(content, "I.1 Effectifs", {"C5": "=B5*2"})
    response = upload(responsable, org, "i1", content)
    assert response.status_code == 400
    assert errors(response) == [
        "Feuille I.1 Effectifs, cellule C5 : une formule n'est pas acceptée, saisissez un nombre",
        "Feuille I.1 Mouvements, cellule C4 : Précisez le motif du départ",
    ]
    assert not Effectif.objects.exists() and not Mouvement.objects.exists()


# --- Refusals of the whole workbook --------------------------------------------------------------------------


def _restamp(content, **values):
    wb = book(content)
    ws = wb[classeur.FEUILLE_CLE]
    for row in ws.iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_workbook_of_another_report_exercice_or_section_is_refused(org, responsable, client_for, rapport):
    formation(rapport)
    other_url = reverse("classeur_i3", kwargs={"code": org.other_region.code, "annee": org.exercice.annee})
    other = client_for(org.user("responsable_autre")).get(other_url).content
    content = download(responsable, org, "i3")
    cases = [
        (other, "i3", "Ce classeur est celui du rapport de CARSAT-T2 pour l'exercice 2025"),
        (_restamp(content, exercice=2024), "i3", "Ce classeur est celui du rapport de CARSAT-T1 pour l'exercice 2024"),
        (content, "i4", "Ce classeur est celui de la section I.3, pas de la section I.4"),
        (_restamp(content, structure="autre"), "i3", "la liste des catégories, sites ou caisses a changé"),
    ]
    for data, section, message in cases:
        response = upload(responsable, org, section, data)
        assert response.status_code == 400, message
        assert message in response.context["refus"]
    assert Formation.objects.count() == 1 and section_version(rapport, "I.3") == 0


def test_a_new_caisse_primaire_changes_the_structure(org, responsable):
    content = download(responsable, org, "i2")
    CaisseFactory(code="CPAM-T13", nom="CPAM Test Treize", parent=org.region)
    response = upload(responsable, org, "i2", fill(content, "I.2 Installation", {"B5": 3}))
    assert response.status_code == 400
    assert "la liste des catégories, sites ou caisses a changé depuis le téléchargement" in response.context["refus"]


def test_a_workbook_older_than_the_last_save_is_refused(org, responsable, rapport):
    content = fill(download(responsable, org, "i3"), "I.3 Formations", {"B4": "Écoute"})
    formation(rapport)  # someone saves meanwhile, through the guard
    from caisses.guard import save_section

    save_section(rapport, "I.3", 0, lambda locked: None)
    response = upload(responsable, org, "i3", content)
    assert response.status_code == 409
    assert "la section a été enregistrée depuis le téléchargement de ce classeur" in response.context["refus"]


def test_a_save_between_preview_and_apply_is_a_conflict(org, responsable, rapport):
    formation(rapport)
    preview = upload(responsable, org, "i3", fill(download(responsable, org, "i3"), "I.3 Formations", {"B4": "Écoute"}))
    assert preview.status_code == 200
    from caisses.guard import save_section

    save_section(rapport, "I.3", 0, lambda locked: None)
    assert apply(responsable, org, "i3", preview).status_code == 409
    assert list(Formation.objects.values_list("intitule", flat=True)) == ["Accueil"]


def _zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * (MAX_UNZIPPED + 1))
    return out.getvalue()


def _without_stamp():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04 tronque", "classeur.xlsx", ILLISIBLE),
        (b"nom;prenom\n", "liste.csv", ILLISIBLE),
        (b"x" * (MAX_BYTES + 1), "gros.xlsx", "Le fichier envoyé dépasse 5 Mo : rien n'a été lu."),
        (None, "", "Le fichier envoyé dépasse 5 Mo"),
        (None, "sans-cle", "n'a pas été téléchargé depuis une page de la partie I"),
    ],
)
def test_unreadable_files_get_a_french_refusal(org, responsable, content, name, message):
    if content is None:
        content = _zip_bomb() if name == "" else _without_stamp()
    response = upload(responsable, org, "i3", content, name=name or "bombe.xlsx")
    assert response.status_code == 400
    assert message in response.context["refus"]
    assert not Formation.objects.exists()


def test_no_file_is_a_400_in_french(org, responsable):
    response = responsable.post(_url("classeur_i3_envoi", org))
    assert response.status_code == 400
    assert "Choisissez le classeur (.xlsx) à envoyer." in response.content.decode()


def test_transmitted_report_refuses_the_upload(org, responsable):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    content = download(responsable, org, "i3")
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat="transmis")
    response = upload(responsable, org, "i3", content)
    assert response.status_code == 403
    assert not Formation.objects.exists()


def test_a_text_typed_like_a_formula_stays_a_text_in_the_workbook(org, responsable, rapport):
    formation(rapport, intitule='=HYPERLINK("http://exemple.invalid","Cliquez")')
    content = download(responsable, org, "i3")
    ws = book(content)["I.3 Formations"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.quotePrefix
    # Sent back unchanged, it reads as the same text: nothing to change, no « formule » refusal.
    response = upload(responsable, org, "i3", content)
    assert response.status_code == 200
    assert "Rien à modifier" in response.content.decode()


def test_the_agent_is_not_promised_the_staff_sheet(org, client_for, responsable):
    agent = client_for(org.user("agent")).get(_url("saisie_i1", org)).content.decode()
    assert "Travailler hors ligne" in agent and "effectifs de l'exercice précédent" not in agent
    assert "effectifs de l'exercice précédent pour mémoire" in responsable.get(_url("saisie_i1", org)).content.decode()
