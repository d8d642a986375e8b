"""The accessibility declaration and the personal data page in a browser: reached from the footer, no axe finding
of any impact, no sideways scroll on a phone."""

from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"  # tests.factories.UserFactory
SHOTS = Path("/tmp/shots/accessibilite")  # to look at; outside the tree
SIZES = {"telephone": (390, 844), "ordinateur": (1366, 900)}
PAGES = {"/accessibilite/": "Déclaration d'accessibilité", "/donnees-personnelles/": "Données personnelles"}


def all_violations(page):
    """Every axe-core violation of the page, whatever its impact (the suite's check keeps serious ones only)."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
    ]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", list(SIZES))
def test_both_pages_have_no_axe_finding_and_fit_the_screen(page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, title in PAGES.items():
        response = page.goto(page.base_url + path)
        assert response.status == 200
        assert page.get_by_role("heading", level=1).inner_text() == title
        assert not all_violations(page), path
        assert fits(page), f"{path} défile sur le côté à {width} px"
        page.screenshot(path=str(SHOTS / f"{path.strip('/')}-{size}.png"), full_page=True)


def test_footer_leads_there_from_the_login_page_and_the_home_page(page):
    build_org()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/accounts/login/")
    footer = page.locator("footer")
    assert "circulaire n° 16/73" in footer.inner_text()
    footer.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    page.wait_for_load_state()
    assert page.url.endswith("/accessibilite/")
    assert fits(page)

    login(page, "t-responsable", PASSWORD)
    assert page.get_by_role("heading", level=1).count() == 1
    assert fits(page), "la page d'accueil défile sur le côté avec le nouveau pied de page"
    page.locator("footer").get_by_role("link", name="Données personnelles").click()
    page.wait_for_load_state()
    assert page.url.endswith("/donnees-personnelles/")
    # Signed in, the page keeps the site's header with who is signed in.
    assert page.locator("[data-testid=identite]").count() == 1
