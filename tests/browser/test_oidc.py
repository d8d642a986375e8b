"""Sign-in with the Assurance Maladie's provider in a real browser, against the provider the tests serve."""

import re

from tests.browser.conftest import assert_accessible
from tests.caisses.test_oidc import BUTTON, MARIE, PROVIDER_PASSWORD, provider, provider_person  # noqa: F401


def provider_login(page, login):
    page.get_by_label("Nom d’utilisateur").fill(login)
    page.get_by_label("Mot de passe").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.wait_for_load_state()


def test_sign_in_with_the_button_then_sign_out(page, provider, org):  # noqa: F811
    responsable = org.user("responsable")
    responsable.email = MARIE
    responsable.save()
    provider_person("idp-mdupont", MARIE)

    page.goto(provider.rp + "/accounts/login/")
    assert_accessible(page)
    page.get_by_role("link", name=BUTTON).click()
    # The provider's own login form, on its own host.
    page.wait_for_url(re.compile(re.escape(provider.op) + r"/o/login/"))
    provider_login(page, "idp-mdupont")

    page.wait_for_url(provider.rp + "/")
    identite = page.get_by_test_id("identite")
    assert identite.inner_text().startswith("t-responsable — Responsable régional")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(provider.rp + "/accounts/login/")
    page.goto(provider.rp + "/")
    assert page.url.startswith(provider.rp + "/accounts/login/")
    assert page.get_by_test_id("identite").count() == 0


def test_an_unknown_person_reads_why_and_how_to_get_an_account(page, provider, org):  # noqa: F811
    provider_person("idp-inconnu", "personne.inconnue@assurance-maladie.test")

    page.goto(provider.rp + "/accounts/login/")
    page.get_by_role("link", name=BUTTON).click()
    page.wait_for_url(re.compile(re.escape(provider.op) + r"/o/login/"))
    provider_login(page, "idp-inconnu")

    page.wait_for_url(provider.rp + "/oidc/refus/")
    assert page.get_by_role("heading", name="Connexion refusée").is_visible()
    assert "Aucun compte ne correspond à votre adresse électronique" in page.get_by_test_id("raison-refus").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Retour à la page de connexion").click()
    page.wait_for_url(provider.rp + "/accounts/login/")
