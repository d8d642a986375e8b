"""Variations explained (issue 12) in a browser, with the demo's data: the transmission is refused while a figure that
moved past its threshold from N−1 is unexplained; the responsable explains each one on its page, then transmits, and
the relecteur reads the explanations beside their figures."""

import pytest

from caisses.demo import current_year
from caisses.models import RapportAnnuel
from rapports import variations
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ANNEE = current_year()
REPORT = f"/rapports/CARSAT-PL/{ANNEE}"


def explain_every_variation(page):
    """What the responsable does before transmitting: one explanation per figure, then « Enregistrer »."""
    page.goto(f"{page.base_url}{REPORT}/variations/")
    boxes = page.locator("#variations textarea")
    for index in range(boxes.count()):
        boxes.nth(index).fill(f"Explication n° {index + 1} de la région.")
    if boxes.count():
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_load_state()
    return boxes.count()


def test_explain_then_transmit(demo, page):
    page.on("dialog", lambda dialog: dialog.accept())
    rapport = RapportAnnuel.objects.get(caisse__code="CARSAT-PL", exercice__annee=ANNEE)
    expected = len(variations.variations_du_rapport(rapport))
    assert expected > 0, "the demo's current report has figures to explain"
    login(page, "responsable", "demo-responsable")
    page.goto(f"{page.base_url}{REPORT}/transmission/")
    assert f"{expected} à expliquer" in page.locator("#variations").inner_text()
    assert page.get_by_role("button", name="Transmettre").is_disabled()

    assert explain_every_variation(page) == expected
    assert "Toutes les variations signalées sont expliquées." in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(f"{page.base_url}{REPORT}/transmission/")
    assert "Toutes expliquées" in page.locator("#variations").inner_text()
    form = page.locator("form", has=page.get_by_role("button", name="Transmettre"))
    for checkbox in form.get_by_role("checkbox").all():
        checkbox.check()
    form.get_by_role("button", name="Transmettre").click(timeout=60_000)  # the transmission freezes the report
    page.wait_for_load_state()
    assert f"Rapport CARSAT-PL {ANNEE} transmis" in page.locator("main").inner_text()

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "relecteur", "demo-relecteur")
    page.goto(f"{page.base_url}{REPORT}/variations/")
    assert page.locator("#variations textarea").count() == 0
    assert "Explication n° 1 de la région." in page.locator("#variations").inner_text()
