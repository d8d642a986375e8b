"""The responsable fills I.1 and I.3 in a browser (rows added by the page's script) and sees the formulas."""

import pytest

from effectifs.categories import ensure_default_categories
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NBSP = "\u00a0"


def test_responsable_fills_i1_and_i3_and_sees_the_formulas(page):
    ensure_default_categories()  # an earlier transactional test may have flushed the migrations' data
    org = build_org()
    csp_errors = []
    page.on("console", lambda message: csp_errors.append(message.text) if "Content Security" in message.text else None)
    login(page, org.user("responsable").username, "motdepasse-test")
    base = f"{page.base_url}/rapports/{org.region.code}/{org.exercice.annee}/saisie"

    page.goto(f"{base}/I-1/")
    main = page.locator("main")
    assert main.get_by_role("heading", name="1. Effectifs").is_visible()
    page.fill("#id_effectifs-1-theorique_effectif", "38")
    page.fill("#id_effectifs-1-theorique_etp", "35,5")
    page.fill("#id_effectifs-1-reel_effectif", "37")
    page.fill("#id_effectifs-1-reel_etp", "34,6")
    page.fill("#id_effectifs-1-age_moyen", "42,7")
    main.get_by_role("button", name="Ajouter un motif d'absence").click()
    page.select_option("#id_absences-0-motif", "maladie")
    page.fill("#id_absences-0-jours", "640")
    main.get_by_role("button", name="Ajouter un mouvement").click()
    page.select_option("#id_mouvements-0-categorie", label="Assistants sociaux")
    page.select_option("#id_mouvements-0-type", "depart")
    page.select_option("#id_mouvements-0-motif", "retraite")
    page.fill("#id_mouvements-0-nombre", "1")
    main.get_by_role("button", name="Enregistrer la section I.1").click()
    page.wait_for_load_state()
    assert "Section I.1 enregistrée." in main.inner_text()
    formula = main.get_by_test_id("formule-absenteisme").inner_text()
    assert f"640 / (34,6{NBSP}×{NBSP}208){NBSP}×{NBSP}100 = 8,9{NBSP}%" in formula
    assert page.input_value("#id_effectifs-1-reel_etp") == "34,6"  # the precision typed, in French
    assert_accessible(page)

    page.goto(f"{base}/I-3/")
    main.get_by_role("button", name="Ajouter une action").click()
    page.select_option("#id_formations-0-nature", "formation")
    page.fill("#id_formations-0-intitule", "Prévention de la désinsertion professionnelle")
    page.fill("#id_formations-0-participants", "12")
    page.fill("#id_formations-0-jours", "abc")
    main.get_by_role("button", name="Enregistrer la section I.3").click()
    page.wait_for_load_state()
    assert "Saisissez un nombre (par exemple 1 234 ou 12,5)." in main.inner_text()
    assert page.input_value("#id_formations-0-intitule") == "Prévention de la désinsertion professionnelle"
    page.fill("#id_formations-0-jours", "36")
    main.get_by_role("button", name="Enregistrer la section I.3").click()
    page.wait_for_load_state()
    assert "Section I.3 enregistrée." in main.inner_text()
    formula = main.get_by_test_id("formule-formation").inner_text()
    assert f"36 / (34,6{NBSP}×{NBSP}208){NBSP}×{NBSP}100 = 0,5{NBSP}%" in formula
    nav = page.get_by_role("navigation", name="Plan du rapport")
    assert "complet" in nav.inner_text()
    assert_accessible(page)
    assert not csp_errors, csp_errors
