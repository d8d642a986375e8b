"""« Reprendre l'exercice précédent » in the browser: the offer on an empty I.4 and II.3, one click, the rows."""

import pytest
from django.urls import reverse

from activites.models import Circonscription
from caisses.models import RapportAnnuel
from effectifs.models import Reunion
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"


@pytest.fixture
def org(db):
    org = build_org()
    n1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice, etat="valide")
    Reunion.objects.create(rapport=n1, niveau="regional", periodicite="mensuelle", nombre=11)
    Circonscription.objects.create(rapport=n1, nom="Nantes Nord", territoire="Nantes, Orvault", ordre=0)
    return org


@pytest.mark.parametrize(("name", "row"), [("saisie_i4", "mensuelle"), ("saisie_ii3", "Nantes Nord")])
def test_responsable_takes_last_year_over_and_sees_what_was_copied(org, page, name, row):
    login(page, "t-responsable", PASSWORD)
    page.goto(page.base_url + reverse(name, kwargs={"code": org.region.code, "annee": 2025}))
    offer = page.locator("section[aria-labelledby=reprise-titre]")
    assert "Cette section est vide." in offer.inner_text()
    assert_accessible(page)

    offer.get_by_role("button", name="Reprendre l'exercice 2024").click()

    page.wait_for_selector(".messages .alert-success")
    assert "Reprise de l'exercice 2024 effectuée" in page.locator(".messages").inner_text()
    assert page.locator("section[aria-labelledby=reprise-titre]").count() == 0
    assert page.locator(f"input[value='{row}']").count() == 1
    assert_accessible(page)
