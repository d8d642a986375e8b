"""The report page in a browser: readable, accessible (axe), charts shown under the strict CSP, PDF link."""

import datetime

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.rapports.conftest import import_example

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_report_page_is_accessible_with_its_charts(demo, page):
    import_example(2024)
    rapport = import_example(2025)
    csp_errors = []
    page.on("console", lambda message: csp_errors.append(message.text) if "Content Security" in message.text else None)
    login(page, "relecteur", "demo-relecteur")
    page.goto(f"{page.base_url}/rapports/{rapport.caisse.code}/2025/")
    main = page.locator("main")
    assert "Rapport d'activité du service social" in main.inner_text()
    assert main.get_by_role("heading", name="1. Effectifs").is_visible()
    chart = main.locator("figure.graphique img").first
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not csp_errors, csp_errors
    assert_accessible(page)
    with page.expect_download() as download:
        main.get_by_role("link", name="Télécharger le PDF").click()
    assert download.value.suggested_filename == "rapport-CARSAT-EX-2025.pdf"


def test_empty_report_page_is_accessible(demo, page):
    from caisses.models import Exercice

    Exercice.objects.create(annee=2031, date_limite=datetime.date(2032, 4, 30), jours_theoriques_travail=210)
    login(page, "responsable", "demo-responsable")
    page.goto(f"{page.base_url}/rapports/CARSAT-PL/2031/")
    assert "Non renseigné." in page.locator("main").inner_text()
    assert_accessible(page)
