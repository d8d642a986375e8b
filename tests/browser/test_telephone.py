"""Every role's pages on a phone (390×844) and a desktop (1366×900): no sideways scroll, axe without serious finding.

One test per role builds the demo once and walks that role's pages at both sizes (the demo is most of a test's
time); a page's failures are collected so one run lists every page that needs work. The responsable's region gets
a long name and a long site code, so wrapping is tried on real words, not only on the demo's short ones.
"""

import io
from unittest import mock

import pytest
from django.core.management import call_command

from caisses.models import Caisse, Exercice, Site
from tests.browser.conftest import assert_accessible, login, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
REGION = "CARSAT-PL"
LONG_NAME = (
    "CARSAT Pays de la Loire — Direction régionale du service social de l'Assurance Maladie-Risques professionnels"
)
LONG_SITE_CODE = "UL44NANTESILEDENANTESQUAIFRANC"  # 30 characters, the longest code a site may have


@pytest.fixture
def data(transactional_db, stand_in_pdf):
    """The demo on two exercices (the current one and its N−1, enough for every comparison), with long words."""
    with mock.patch("rapports.freeze.print_pdf", lambda figee: stand_in_pdf):
        call_command("demo", years=2, stdout=io.StringIO())
    Caisse.objects.filter(code=REGION).update(nom=LONG_NAME)
    site = Site.objects.filter(caisse__parent__code=REGION).order_by("code").first()
    Site.objects.filter(pk=site.pk).update(code=LONG_SITE_CODE)
    annees = sorted(Exercice.objects.values_list("annee", flat=True))
    return {"annee": annees[-1], "n1": annees[-2]}


def region_pages(annee, code=REGION):
    rapport = f"/rapports/{code}/{annee}"
    entry = [
        f"{rapport}/saisie/{page}/" for page in ("I-1", "I-2", "I-3", "I-4", "II-1", "II-2", "II-3", "II-4", "III")
    ]
    return [
        f"/caisses/{code}/",
        f"{rapport}/",
        f"{rapport}/saisie/",
        *entry,
        f"{rapport}/transmission/",
        f"{rapport}/historique/I.1/",
        f"{rapport}/historique/II.1/",
    ]


def role_pages(role, annee, n1):
    """The pages a role reaches from its home page: entry pages of the current report, reading of others."""
    if role == "responsable":
        return ["/", *region_pages(annee), f"/rapports/{REGION}/{annee}/import/", f"/rapports/{REGION}/{n1}/"]
    if role == "agent":
        return ["/", f"/caisses/{REGION}/", *region_pages(annee)[3:12]]
    if role == "relecteur":
        return ["/", f"/national/{annee}/", f"/national/{n1}/", *region_pages(n1), "/caisses/CARSAT-BRE/"]
    return ["/", f"/national/{annee}/", f"/rapports/{REGION}/{annee}/import/", f"/rapports/{REGION}/{annee}/"]


def sideways(page):
    """'' when the page fits the window's width, else what sticks out."""
    width, inner, culprits = page.evaluate(
        """() => {
          const inner = window.innerWidth, culprits = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right > inner + 1 && culprits.length < 3) culprits.push(el.tagName + '.' + el.className);
          }
          return [document.documentElement.scrollWidth, inner, culprits];
        }"""
    )
    return "" if width <= inner else f"{width} px pour {inner} px ({', '.join(culprits)})"


def walk(page, paths):
    """[failure] of each path at both sizes: HTTP status, sideways scroll on the phone, axe."""
    failures = []
    for path in paths:
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            response = page.goto(page.base_url + path)
            label = f"{path} à {size['width']} px"
            if response.status != 200:
                failures.append(f"{label} : HTTP {response.status}")
                continue
            overflow = sideways(page)
            if overflow:
                failures.append(f"{label} défile sur le côté : {overflow}")
            failures += [f"{label} : {violation}" for violation in serious_violations(page)]
    return failures


@pytest.mark.parametrize("role", ["responsable", "agent", "relecteur", "admin"])
def test_no_page_of_a_role_scrolls_sideways_and_axe_passes(data, page, role):
    page.set_viewport_size(PHONE)
    login(page, role, f"demo-{role}")
    paths = role_pages(role, data["annee"], data["n1"])
    failures = walk(page, paths)
    assert not failures, "\n".join(failures)


def test_login_page_fits_a_phone(data, page):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/accounts/login/")
    assert sideways(page) == ""
    assert_accessible(page)
    login(page, "responsable", "mauvais-mot-de-passe")
    assert sideways(page) == ""
    assert_accessible(page)


def test_plan_folds_on_a_phone_and_shows_the_current_section(data, page):
    page.set_viewport_size(PHONE)
    login(page, "responsable", "demo-responsable")
    page.goto(f"{page.base_url}/rapports/{REGION}/{data['annee']}/saisie/II-1/")
    plan = page.get_by_role("navigation", name="Plan du rapport")
    summary = plan.locator("summary")
    assert "II.1 Activités spécifiques" in summary.inner_text()
    link_i4 = plan.get_by_role("link", name="4. Réunions de service")
    assert not link_i4.is_visible()
    # The heading of the page comes within the first screen, not after the whole plan.
    assert page.locator("main h1").bounding_box()["y"] < PHONE["height"]
    summary.focus()
    page.keyboard.press("Enter")
    assert link_i4.is_visible()
    assert plan.locator("[aria-current=page]").inner_text().startswith("1. Activités spécifiques")

    page.set_viewport_size(DESKTOP)
    page.reload()
    assert not summary.is_visible()
    assert link_i4.is_visible()


def test_wide_table_scrolls_in_its_box_with_its_row_headers_fixed(data, page):
    page.set_viewport_size(PHONE)
    login(page, "responsable", "demo-responsable")
    page.goto(f"{page.base_url}/rapports/{REGION}/{data['annee']}/saisie/II-1/")
    box = page.locator(".table-responsive").filter(has=page.locator("table.grille")).first
    assert box.get_attribute("tabindex") == "0" or box.locator("input").count() > 0
    header = box.locator("tbody th").first
    before = header.bounding_box()["x"]
    scrolled = box.evaluate("b => { b.scrollLeft = 300; return b.scrollLeft; }")
    assert scrolled > 0, "la grille tient dans l'écran : rien à faire défiler"
    assert header.bounding_box()["x"] == pytest.approx(before, abs=1)
    assert sideways(page) == ""


def test_menu_folds_behind_its_button_on_a_phone(data, page):
    page.set_viewport_size(PHONE)
    login(page, "agent", "demo-agent")
    logout = page.get_by_role("button", name="Se déconnecter")
    assert not logout.is_visible()
    toggler = page.get_by_role("button", name="Ouvrir le menu")
    toggler.click()
    logout.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
    assert sideways(page) == ""
