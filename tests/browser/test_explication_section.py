"""Issue 12, item 1 in a browser: the responsable explains a variation beside its figure on the II.1 page, and the
page never drops figures typed in the grid for it."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.models import RapportAnnuel
from rapports.models import ExplicationVariation
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"
CODE = "personnes_aidees_collectif"


@pytest.fixture
def ii1(db, page):
    """The II.1 page of a 2025 draft whose « personnes aidées collectivement » went from 150 to 185."""
    org = build_org()
    n = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    n1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice, etat=RapportAnnuel.Etat.VALIDE)
    indicateur = Indicateur.objects.get(code=CODE)
    Valeur.objects.create(rapport=n1, indicateur=indicateur, caisse=org.cpams[0], valeur=D(150))
    Valeur.objects.create(rapport=n, indicateur=indicateur, caisse=org.cpams[0], valeur=D(185))
    login(page, "t-responsable", PASSWORD)
    return org, page.base_url + reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2025})


def test_explain_beside_the_figure(ii1, page):
    _org, url = ii1
    page.goto(url)
    marque = page.locator(f'td[data-total-col="{CODE}"] .marque-variation')
    assert marque.inner_text() == "Variation à expliquer"
    marque.click()
    assert page.url.endswith(f"#variation-indicateur-{CODE}")
    block = page.locator("#variations-section")
    assert "150 → 185, soit +23,3" in block.inner_text()
    block.get_by_role("textbox").fill("Deux ateliers collectifs ouverts en 2025.")
    assert_accessible(page)
    block.get_by_role("button", name="Enregistrer les explications").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{url[len(page.base_url) :]}#variations-section")
    assert "Toutes les variations de la section II.1 sont expliquées." in page.locator("main").inner_text()
    assert ExplicationVariation.objects.get().texte == "Deux ateliers collectifs ouverts en 2025."
    assert page.locator(f'td[data-total-col="{CODE}"] .marque-variation').inner_text() == "Variation expliquée"


def test_figures_typed_in_the_grid_are_not_dropped_silently(ii1, page):
    org, url = ii1
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.goto(url)
    page.locator(f"#cellule-{org.cpams[0].code}-{CODE}").fill("190")
    page.locator("#variations-section").get_by_role("textbox").fill("Ateliers.")
    page.get_by_role("button", name="Enregistrer les explications").click()
    assert asked == ["Des valeurs saisies ne sont pas enregistrées. Quitter la page quand même ?"]
    assert page.locator(f"#cellule-{org.cpams[0].code}-{CODE}").input_value() == "190"
    assert not ExplicationVariation.objects.exists()


def test_a_folded_list_opens_at_the_figure_the_grid_points_to(ii1, page):
    org, url = ii1
    n = RapportAnnuel.objects.get(caisse=org.region, exercice=org.exercice)
    n1 = RapportAnnuel.objects.get(caisse=org.region, exercice=org.previous_exercice)
    for code in ("domaine_acces_soins", "domaine_maintien_emploi", "domaine_retour_emploi"):
        indicateur = Indicateur.objects.get(code=code)
        Valeur.objects.create(rapport=n1, indicateur=indicateur, caisse=org.cpams[0], valeur=D(100))
        Valeur.objects.create(rapport=n, indicateur=indicateur, caisse=org.cpams[0], valeur=D(200))
    page.goto(url + "?groupe=domaines")
    textarea = page.locator("#id_explication-indicateur-domaine_retour_emploi")
    assert not textarea.is_visible()  # folded: the grid comes first
    page.locator('td[data-total-col="domaine_retour_emploi"] .marque-variation').click()
    assert textarea.is_visible()
    # The browser follows the link once the list is open: the text comes into view (waited for, not slept).
    page.wait_for_function(
        "() => { const r = document.querySelector('#id_explication-indicateur-domaine_retour_emploi')"
        ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert_accessible(page)
