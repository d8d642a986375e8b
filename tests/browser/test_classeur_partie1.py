"""Issue 12, item 3 on Part I in a browser: the responsable downloads the I.3 workbook, fills it offline, sends it,
reads the preview and saves it; the section shows the new rows."""

from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from caisses.models import RapportAnnuel
from effectifs.models import Formation
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"
FEUILLE = "I.3 Formations"


def test_the_i3_workbook_round_trip(db, page, tmp_path):
    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    Formation.objects.create(
        rapport=rapport, nature="formation", intitule="Accueil", organisme="IRTS", participants=4, jours=D(8)
    )
    login(page, "t-responsable", PASSWORD)
    page.goto(page.base_url + reverse("saisie_i3", kwargs={"code": org.region.code, "annee": 2025}))
    page.locator("#hors-ligne summary").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le classeur I.3").click()
    path = tmp_path / "I3.xlsx"
    download.value.save_as(path)

    workbook = openpyxl.load_workbook(path)
    sheet = workbook[FEUILLE]
    header = [cell.value for cell in sheet[3]]
    assert header == ["Nature", "Intitulé", "Organisme", "Participants", "Jours de formation"]
    assert [cell.value for cell in sheet[4]] == ["Formation", "Accueil", "IRTS", 4, 8]
    sheet["E4"] = 9.5
    for column, value in zip("ABCDE", ["Formation", "Écoute active", "CNFPT", 6, 3], strict=True):
        sheet[f"{column}5"] = value
    workbook.save(path)

    page.locator("#classeur-fichier").set_input_files(path)
    page.get_by_role("button", name="Envoyer pour aperçu").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Changements lus dans le classeur" in main
    assert "Jours de formation : 8 → 9,5" in main
    assert "Écoute active" in main
    assert Formation.objects.count() == 1  # the preview saves nothing
    assert_accessible(page)

    page.get_by_role("button", name="Enregistrer ces").click()
    page.wait_for_load_state()
    assert "Section I.3 enregistrée." in page.locator("main").inner_text()
    saved = sorted(Formation.objects.values_list("intitule", "organisme", "participants", "jours"))
    assert saved == [("Accueil", "IRTS", 4, D("9.5")), ("Écoute active", "CNFPT", 6, D(3))]
