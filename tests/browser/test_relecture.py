"""The relecteur's path in a browser: home « À relire » → review page showing what changed → Valider, confirmed.

The report is transmitted twice (a figure and the observations change in between); the PDF printer is replaced
(its own tests are elsewhere) so that the path runs in seconds.
"""

import os
from decimal import Decimal

import pytest

from activites.models import Indicateur, Valeur
from caisses import checks as validation
from caisses.models import RapportAnnuel
from rapports import lifecycle
from rapports.lifecycle import Action
from rapports.models import PartieTrois
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = "/tmp/shots/review"
PASSWORD = "motdepasse-test"  # tests.factories.UserFactory


@pytest.fixture
def twice_transmitted(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", lambda figee: b"%PDF-1.7 test")
    monkeypatch.setattr(validation, "CHECKS", [])
    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    PartieTrois.objects.create(rapport=rapport, observations="Les perspectives restent stables pour l'an prochain.")
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    lifecycle.perform(org.user("relecteur"), rapport, Action.RENVOYER, motif="Compléter II.1.")
    indicateur = Indicateur.objects.filter(nature="donnee").order_by("groupe__ordre", "ordre").first()
    Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=Decimal(1250))
    PartieTrois.objects.filter(rapport=rapport).update(observations="Les perspectives s'améliorent pour l'an prochain.")
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    return org, indicateur


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def shoot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        assert no_sideways_scroll(page), f"{name} défile de côté à {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_relecteur_reviews_what_changed_and_validates(twice_transmitted, page):
    org, indicateur = twice_transmitted
    login(page, "t-relecteur", PASSWORD)
    a_relire = page.locator("#a-relire")
    assert "CARSAT Test Un CARSAT-T1 — exercice 2025" in a_relire.inner_text()
    assert "transmission n° 2" in a_relire.inner_text()
    assert_accessible(page)
    shoot(page, "accueil-relecteur")

    a_relire.get_by_role("link", name="Relire le rapport CARSAT-T1 2025").click()
    page.wait_for_load_state()
    changements = page.locator("#changements")
    assert "Ce qui a changé depuis la transmission n° 1" in changements.inner_text()
    assert f"{indicateur.libelle} — CPAM Test Onze" in changements.inner_text()
    assert "1\u00a0250" in changements.inner_text()
    assert changements.locator("del").first.inner_text() == "Les perspectives restent stables pour l'an prochain."
    assert changements.locator("ins").first.inner_text() == "Les perspectives s'améliorent pour l'an prochain."
    assert_accessible(page)
    shoot(page, "relecture")

    dialogs, accept = [], []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    page.locator("#action-valider button").click()
    assert dialogs == ["Valider le rapport CARSAT-T1 2025 ? Seul un administrateur pourra le rouvrir."]
    assert RapportAnnuel.objects.get(caisse=org.region).etat == RapportAnnuel.Etat.TRANSMIS  # refused: nothing sent

    # While the request runs the button is disabled and says so; a second submit sends nothing. The request is
    # answered here by « 204 No Content » (the page stays as it is), and confirm() by the page itself.
    sent = []
    page.route("**/valider/", lambda route: (sent.append(route.request.method), route.fulfill(status=204)))
    page.evaluate("window.confirm = () => true")
    button = page.locator("#action-valider button")
    button.click(no_wait_after=True)
    page.wait_for_function("document.querySelector('#action-valider button').disabled", polling=50)
    assert button.inner_text() == "En cours…"
    page.locator("#action-valider").evaluate("form => form.requestSubmit()")
    assert sent == ["POST"]
    page.unroute("**/valider/")

    page.reload()
    accept.append(True)
    page.locator("#action-valider button").click()
    assert len(dialogs) == 2
    page.wait_for_load_state()
    assert "Rapport CARSAT-T1 2025 validé (transmission n° 2)." in page.locator("main").inner_text()
    assert RapportAnnuel.objects.get(caisse=org.region).etat == RapportAnnuel.Etat.VALIDE
    assert_accessible(page)


def test_region_sees_the_comment_on_its_section_and_marks_it_treated(page):
    from rapports.models import Commentaire

    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="renvoye")
    texte = "I.3 : le nombre de jours de formation semble faible au regard des participants."
    Commentaire.objects.create(rapport=rapport, section="I.3", auteur=org.user("relecteur"), texte=texte)

    login(page, "t-agent", PASSWORD)
    assert "CPAM Test Onze :" in page.locator("#a-faire").inner_text()
    assert "cases à remplir en II.1" in page.locator("#a-faire").inner_text()
    assert "Toutes les sections sont complètes" not in page.locator("main").inner_text()
    assert_accessible(page)
    shoot(page, "accueil-agent")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()

    login(page, "t-responsable", PASSWORD)
    page.locator("#a-faire").get_by_role("link", name="I.3", exact=True).click()
    page.wait_for_load_state()
    bloc = page.locator("#commentaires-section")
    assert texte in bloc.inner_text() and "À traiter" in bloc.inner_text()
    assert_accessible(page)
    shoot(page, "commentaire-i3")
    bloc.get_by_role("button", name="Marquer comme traité").click()
    page.wait_for_load_state()
    assert "Le commentaire sur la section I.3 est marqué comme traité." in page.locator("main").inner_text()
    assert "Traité par t-responsable" in page.locator("#commentaires-section").inner_text()
    page.goto(page.base_url + "/")
    assert texte not in page.locator("main").inner_text()
