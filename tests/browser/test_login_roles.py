import pytest

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


EXPECTED_HOME = {
    "admin": ["Administration : caisses, sites, utilisateurs", "CARSAT Bretagne"],
    "relecteur": ["Rapports de toutes les régions", "CARSAT Centre-Val de Loire"],
    "responsable": ["Vous êtes responsable du rapport", "Rapports annuels de CARSAT Pays de la Loire"],
    "agent": ["Vous saisissez les chiffres de", "CPAM de Loire-Atlantique"],
}


@pytest.mark.parametrize("username", sorted(EXPECTED_HOME))
def test_each_demo_user_logs_in_and_reaches_its_home_page(demo, page, username):
    login(page, username, f"demo-{username}")
    assert page.url.rstrip("/") == page.base_url
    body = page.locator("main").inner_text()
    for text in EXPECTED_HOME[username]:
        assert text in body
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)


def test_login_page_and_wrong_password_are_accessible_and_french(demo, page):
    page.goto(page.base_url + "/accounts/login/")
    assert_accessible(page)
    login(page, "responsable", "mauvais-mot-de-passe")
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page.locator("main").inner_text()
    assert_accessible(page)


def test_region_page_and_404_are_accessible(demo, page):
    login(page, "relecteur", "demo-relecteur")
    page.goto(page.base_url + "/caisses/CARSAT-PL/")
    assert "CPAM de la Sarthe" in page.locator("main").inner_text()
    assert_accessible(page)
    response = page.goto(page.base_url + "/caisses/INCONNUE/")
    assert response.status == 404
    assert "Page introuvable" in page.locator("main").inner_text()
    assert_accessible(page)


def test_skip_link_moves_focus_to_main(demo, page):
    login(page, "agent", "demo-agent")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
