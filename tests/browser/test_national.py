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


def test_key_columns_fit_a_1366_screen_and_column_groups_stay_in_the_url(demo, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "relecteur", "demo-relecteur")
    page.goto(page.base_url + "/national/2025/")
    box = page.locator(".national-scroll").bounding_box()
    for name in ("Personnes aidées par ETP d'assistant social", "Temps passé en formation"):
        header = page.locator("table.national-table thead th", has_text=name).first.bounding_box()
        assert header["x"] + header["width"] <= box["x"] + box["width"], name  # seen without scrolling sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert_accessible(page)

    page.get_by_label("Effectifs").check()
    page.get_by_label("Personnes aidées", exact=True).uncheck()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "colonnes=moyens" in page.url
    headers = page.locator("table.national-table thead th").all_inner_texts()
    assert any("ETP réel au 31 décembre" in h for h in headers)
    assert not any("Personnes aidées 2025" in h for h in headers)
    page.get_by_role("link", name="Personnes aidées par ETP d'assistant social").first.click()
    page.wait_for_load_state()
    assert "colonnes=moyens" in page.url and "tri=par_etp" in page.url  # a view to bookmark
    assert page.locator("th[aria-sort]").inner_text().startswith("Personnes aidées par ETP")
    assert_accessible(page)
