"""« Mot de passe oublié ? » in a browser, and a section's history: French, accessible (axe), no sideways scroll."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.guard import SANS_VERSION, save_section
from caisses.models import RapportAnnuel
from effectifs.models import Categorie, Effectif
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

SHOTS = Path("/tmp/shots/history-accounts")
SIZES = {"ordinateur": (1366, 900), "telephone": (390, 844)}
NEW_PASSWORD = "Choisi-dans-le-navigateur-1"


@pytest.fixture(params=list(SIZES))
def sized_page(request, page):
    width, height = SIZES[request.param]
    page.set_viewport_size({"width": width, "height": height})
    page.size_name = request.param
    return page


def check(page, name):
    """Axe finds nothing serious, the page does not scroll sideways; a screenshot to look at."""
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.size_name}.png"), full_page=True)


def test_forgotten_password_from_the_login_page_to_a_new_login(sized_page, settings):
    page = sized_page
    org = build_org()
    user = org.user("responsable")
    user.email = "responsable@caisse.invalid"
    user.save()
    settings.SITE_URL = page.base_url

    page.goto(page.base_url + reverse("login"))
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert page.get_by_role("heading", name="Mot de passe oublié").is_visible()
    check(page, "1-mot-de-passe-oublie")
    page.locator("input[name=email]").fill("responsable@caisse.invalid")
    page.get_by_role("button", name="Recevoir le lien").click()
    assert page.get_by_role("heading", name="Vérifiez votre messagerie").is_visible()
    check(page, "2-lien-envoye")

    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", name="Choisir votre mot de passe").is_visible()
    check(page, "3-choisir")
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert page.get_by_role("heading", name="Mot de passe enregistré").is_visible()
    check(page, "4-enregistre")

    page.goto(link)  # the link served once
    assert page.get_by_role("heading", name="Lien expiré ou déjà utilisé").is_visible()
    check(page, "5-lien-expire")

    login(page, user.username, NEW_PASSWORD)
    assert page.url.rstrip("/") == page.base_url


def test_history_page_reads_well(sized_page):
    page = sized_page
    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    responsable = org.user("responsable")
    categorie = Categorie.objects.get(code="as")
    indicateur = Indicateur.objects.get(code="personnes_aidees_individuel")

    def write(etp, count):
        def do(locked):
            effectif, _ = Effectif.objects.get_or_create(rapport=locked, categorie=categorie)
            effectif.reel_etp, effectif.reel_effectif = etp, count
            effectif._history_user = responsable
            effectif.save()
            valeur, _ = Valeur.objects.get_or_create(
                rapport=locked, indicateur=indicateur, caisse=org.cpams[0], defaults={"valeur": 0}
            )
            valeur.valeur = Decimal(count * 40)
            valeur._history_user = responsable
            valeur.save()

        return do

    for etp, count in ((Decimal("12.5"), 14), (Decimal("13.75"), 15)):
        save_section(rapport, "I.1", SANS_VERSION, write(etp, count))
    login(page, "t-relecteur", "motdepasse-test")
    for section, name in (("I-1", "6-historique-i1"), ("II-1", "7-historique-ii1")):
        page.goto(page.base_url + reverse("rapport_historique", kwargs={**_rapport(org), "section": section}))
        assert page.get_by_role("heading", name=re.compile("Historique des modifications")).is_visible()
        check(page, name)
    text = page.locator("main").inner_text()
    assert "Personnes aidées" in text and "CPAM Test Onze" in text and "560 → 600" in text


def _rapport(org):
    return {"code": org.region.code, "annee": org.exercice.annee}
