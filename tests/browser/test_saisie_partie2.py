"""II.1 in the browser: an agent fills its unit's row (typing, Enter down the column, pasting a spreadsheet block),
and the responsable sees the region's totals and the evolution against N−1."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.models import RapportAnnuel
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"


@pytest.fixture
def setup(db):
    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    rapport_n1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
    acces = Indicateur.objects.get(code="domaine_acces_soins")
    # N−1: 80 + 40 = 120 people helped for access to care; N: the other CPAM already entered 50.
    Valeur.objects.create(rapport=rapport_n1, indicateur=acces, caisse=org.cpams[0], valeur=80)
    Valeur.objects.create(rapport=rapport_n1, indicateur=acces, caisse=org.cpams[1], valeur=40)
    Valeur.objects.create(rapport=rapport, indicateur=acces, caisse=org.cpams[1], valeur=50)
    return org, rapport


def paste(page, selector, text):
    """Dispatch a real paste event carrying `text` (the clipboard API needs permissions headless Chromium lacks)."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
            document.querySelector(selector).dispatchEvent(event);
        }""",
        [selector, text],
    )


def test_agent_fills_its_row_and_responsable_sees_totals(setup, page):
    org, rapport = setup
    cpam, site = org.cpams[0].code, org.sites[0].code
    url = page.base_url + reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2025}) + "?groupe=domaines"

    login(page, "t-agent", PASSWORD)
    page.goto(url)
    assert page.locator(f"input[name='v-{org.cpams[1].code}-domaine_acces_soins']").count() == 0
    total = page.locator("td[data-total-col='domaine_acces_soins'] [data-total]")
    assert total.inner_text() == "50"

    cell = page.locator(f"#cellule-{cpam}-domaine_acces_soins")
    cell.fill("100")
    assert total.inner_text() == "150"  # live, before saving
    cell.press("Enter")  # down the column: the agent's site row
    assert page.evaluate("document.activeElement.id") == f"cellule-{site}-domaine_acces_soins"

    # A block copied from a spreadsheet: two rows × three columns, French numbers.
    paste(page, f"#cellule-{cpam}-domaine_maintien_emploi", "10\t20\t1 030\r\n1\t2\t3\r\n")
    assert page.locator(f"#cellule-{cpam}-domaine_retour_emploi").input_value() == "20"
    assert page.locator(f"#cellule-{cpam}-domaine_personnes_agees").input_value() == "1 030"
    assert page.locator(f"#cellule-{site}-domaine_personnes_agees").input_value() == "3"
    assert page.locator("td[data-total-col='domaine_personnes_agees'] [data-total]").inner_text() == "1\u00a0033"
    assert_accessible(page)

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert "Les modifications de la section II.1 sont enregistrées." in page.locator("main").inner_text()
    figures = {
        (v.caisse.code if v.caisse else v.site.code, v.indicateur.code): v.valeur
        for v in Valeur.objects.filter(rapport=rapport).select_related("caisse", "site", "indicateur")
    }
    assert figures[(cpam, "domaine_acces_soins")] == D(100)
    assert figures[(cpam, "domaine_personnes_agees")] == D(1030)
    assert figures[(site, "domaine_retour_emploi")] == D(2)

    page.context.clear_cookies()
    login(page, "t-responsable", PASSWORD)
    page.goto(url)
    total_cell = page.locator("td[data-total-col='domaine_acces_soins']")
    assert total_cell.locator("[data-total]").inner_text() == "150"  # 100 + 50
    text = total_cell.inner_text()
    assert "N−1 : 120" in text
    assert "+25,00\u00a0%" in text  # (150 − 120) / 120
    assert page.locator(f"#cellule-{cpam}-domaine_acces_soins").input_value() == "100"
    assert_accessible(page)


@pytest.mark.parametrize("name", ["saisie_ii2", "saisie_ii3", "saisie_ii4", "saisie_iii"])
def test_other_part_ii_pages_and_part_iii_are_accessible(setup, page, name):
    org, _rapport = setup
    login(page, "t-responsable", PASSWORD)
    page.goto(page.base_url + reverse(name, kwargs={"code": org.region.code, "annee": 2025}))
    assert page.locator("h1").inner_text()
    if name == "saisie_iii":
        page.get_by_label("Observations, commentaires, perspectives d'avenir").fill(
            "## Bilan\n\nUn **atelier** <img src=x onerror=alert(1)>"
        )
        page.get_by_role("button", name="Aperçu").click()
        page.wait_for_load_state()
        preview = page.get_by_test_id("apercu")
        assert preview.locator("strong").inner_text() == "atelier"
        assert preview.locator("img").count() == 0
    assert_accessible(page)
