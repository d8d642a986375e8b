"""The whole life of a report in a browser, with the demo's users.

An agent fills its unit's figures, the responsable transmits, the relecteur returns it with a motif, the responsable
sees why on the home page, corrects and transmits again, the relecteur validates and downloads the transmitted PDF.
"""

import re

import pytest

from caisses.demo import current_year
from caisses.models import RapportAnnuel
from rapports.models import ArchivePDF, Transition
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ANNEE = current_year()  # the demo's exercice being written
REPORT = f"/rapports/CARSAT-PL/{ANNEE}"
MOTIF = f"Partie III : développez les perspectives pour {ANNEE + 1}."


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def confirmations(page):
    """Accepts each irreversible action's confirmation and returns the questions asked."""
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def explain_variations(page):
    """Each figure past its variation threshold from N−1 is explained before the transmission (issue 12)."""
    page.goto(f"{page.base_url}{REPORT}/variations/")
    boxes = page.locator("#variations textarea")
    for index in range(boxes.count()):
        if not boxes.nth(index).input_value().strip():
            boxes.nth(index).fill("Évolution expliquée par la région.")
    if boxes.count():
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_load_state()


def transmit(page, numero):
    explain_variations(page)
    page.goto(f"{page.base_url}{REPORT}/transmission/")
    form = page.locator("form", has=page.get_by_role("button", name="Transmettre"))
    for checkbox in form.get_by_role("checkbox").all():
        checkbox.check()  # each warning acknowledged
    form.get_by_role("button", name="Transmettre").click(timeout=60_000)  # the transmission freezes the report
    page.wait_for_load_state()
    expected = f"Rapport CARSAT-PL {ANNEE} transmis à la caisse nationale (transmission n° {numero})"
    assert expected in page.locator("main").inner_text()


def test_whole_life_of_a_report(demo, page):
    asked = confirmations(page)
    # The agent of CPAM-44 enters a figure of its own unit.
    login(page, "agent", "demo-agent")
    page.goto(f"{page.base_url}{REPORT}/saisie/II-1/")
    cell = page.locator("#cellule-CPAM-44-publics_precarite")
    cell.fill("321")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#cellule-CPAM-44-publics_precarite").input_value().replace("\u202f", "") in ("321", "321,00")
    page.goto(f"{page.base_url}{REPORT}/transmission/")
    assert page.get_by_role("button", name="Transmettre").count() == 0  # an agent never transmits
    logout(page)

    # The responsable transmits.
    login(page, "responsable", "demo-responsable")
    transmit(page, 1)
    assert asked == [
        f"Transmettre le rapport CARSAT-PL {ANNEE} à la caisse nationale ? Ses données ne seront plus modifiables."
    ]
    assert_accessible(page)
    logout(page)

    # The relecteur returns it with a motif.
    login(page, "relecteur", "demo-relecteur")
    page.goto(f"{page.base_url}{REPORT}/transmission/")
    assert "transmission n° 1" in page.locator("main").inner_text()
    page.get_by_label("Motif (obligatoire)").fill(MOTIF)
    page.get_by_role("button", name="Renvoyer à la région").click()
    page.wait_for_load_state()
    assert f"Rapport CARSAT-PL {ANNEE} renvoyé à la région pour correction" in page.locator("main").inner_text()
    assert asked[-1].startswith(f"Renvoyer le rapport CARSAT-PL {ANNEE} à la région pour correction ?")
    logout(page)

    # The responsable sees why on the home page, corrects Part III and transmits again.
    login(page, "responsable", "demo-responsable")
    a_faire = page.locator("#a-faire")
    assert MOTIF in a_faire.inner_text()
    assert "Renvoyé pour correction" in a_faire.inner_text()
    assert_accessible(page)
    page.goto(f"{page.base_url}{REPORT}/saisie/III/")
    text = page.locator("textarea[name=observations]")
    text.fill(text.input_value() + f"\n\n## Perspectives {ANNEE + 1}\n\nUn nouveau point d'accueil à Saint-Nazaire.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    transmit(page, 2)
    logout(page)

    # The relecteur validates and downloads the PDF that was transmitted.
    login(page, "relecteur", "demo-relecteur")
    page.goto(f"{page.base_url}{REPORT}/transmission/")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert f"Rapport CARSAT-PL {ANNEE} validé (transmission n° 2)." in main.inner_text()
    assert asked[-1].startswith(f"Valider le rapport CARSAT-PL {ANNEE} ?")
    assert_accessible(page)
    with page.expect_download() as download:
        main.get_by_role("link", name=f"rapport-CARSAT-PL-{ANNEE}-transmission-2.pdf").click()
    assert download.value.suggested_filename == f"rapport-CARSAT-PL-{ANNEE}-transmission-2.pdf"
    with open(download.value.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF")

    rapport = RapportAnnuel.objects.get(caisse__code="CARSAT-PL", exercice__annee=ANNEE)
    assert rapport.etat == RapportAnnuel.Etat.VALIDE
    assert list(rapport.transitions.values_list("action", flat=True)) == [
        Transition.Action.TRANSMETTRE,
        Transition.Action.RENVOYER,
        Transition.Action.TRANSMETTRE,
        Transition.Action.VALIDER,
    ]
    assert content == ArchivePDF.objects.get(rapport=rapport, numero=2).fichier.read()
    assert re.search(r"Renvoi pour correction", main.inner_text())
