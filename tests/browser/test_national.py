"""The national view in a browser: reached from the relecteur's home page, sorted and filtered, accessible."""

import pytest

from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def region_names(page):
    return page.locator("table.national-table tbody th[scope=row] a").all_inner_texts()


def test_relecteur_reaches_sorts_and_filters_the_national_view(demo, page):
    login(page, "relecteur", "demo-relecteur")
    page.get_by_role("link", name="Exercice 2025").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/national/2025/")
    main = page.locator("main")
    assert "Vue nationale — exercice 2025" in main.inner_text()
    assert "France entière" in main.inner_text()
    names = region_names(page)
    assert len(names) >= 3 and names == sorted(names)
    assert_accessible(page)

    page.get_by_role("link", name="Personnes aidées 2025").click()
    page.wait_for_load_state()
    header = page.locator("th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending"
    assert "Personnes aidées 2025" in header.inner_text()
    page.get_by_role("link", name="Personnes aidées 2025").click()
    page.wait_for_load_state()
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
    assert_accessible(page)

    first = names[0]
    page.get_by_label("Rechercher une caisse régionale").fill(first.split()[-1])
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert first in region_names(page)
    assert "tri=personnes" in page.url
    assert_accessible(page)


def test_other_roles_get_the_french_404(demo, page):
    login(page, "responsable", "demo-responsable")
    response = page.goto(page.base_url + "/national/2025/")
    assert response.status == 404
    assert "Page introuvable" in page.locator("main").inner_text()
