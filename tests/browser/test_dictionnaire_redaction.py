"""Issue 12 in the browser: the data dictionary on a phone, and « Insérer dans le texte » on II.1."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from activites.models import Indicateur, PartieDeux, Valeur
from caisses.models import RapportAnnuel
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"


def test_dictionary_reads_on_a_phone_without_sideways_scrolling(db, page):
    build_org()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "t-agent", PASSWORD)
    page.goto(page.base_url + "/indicateurs/?exercice=2025")
    assert page.locator("article#taux_objectifs_atteints").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"défilement horizontal : {width} px"
    # The table of contents leads to its group.
    page.get_by_role("link", name="Réactivité").click()
    assert page.url.endswith("#groupe-reactivite")
    assert_accessible(page)


def test_responsable_inserts_a_paragraph_edits_it_and_saves(db, page):
    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    acces = Indicateur.objects.get(code="domaine_acces_soins")
    Valeur.objects.create(rapport=rapport, indicateur=acces, caisse=org.cpams[0], valeur=D(2))
    login(page, "t-responsable", PASSWORD)
    page.goto(page.base_url + reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2025}))
    texte = page.locator("#id_evolution_nature_activites")
    texte.fill("Notre introduction.")
    page.locator("[data-inserer-redaction='redaction-domaines']").click()
    expected = "Notre introduction.\n\nEn 2025, 2 personnes ont été aidées pour l'accès aux soins."
    assert texte.input_value() == expected
    assert page.evaluate("document.activeElement.id") == "id_evolution_nature_activites"
    assert not PartieDeux.objects.exists()  # the button saves nothing
    texte.press("End")
    texte.type(" Hausse liée aux permanences.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    saved = PartieDeux.objects.get().evolution_nature_activites.replace("\r\n", "\n")  # a form posts CRLF
    assert saved == expected + " Hausse liée aux permanences."
