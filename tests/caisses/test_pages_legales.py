"""The accessibility declaration and the personal data page: public, in French, linked from every footer."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["accessibilite", "donnees_personnelles"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", [None, "agent", "responsable", "relecteur", "administrateur"])
def test_both_pages_answer_anonymous_and_signed_in(org, client_for, name, role):
    client = client_for(org.user(role) if role else None)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    # Every page's footer links to both.
    assert 'href="/accessibilite/">Accessibilité : partiellement conforme</a>' in html
    assert 'href="/donnees-personnelles/">Données personnelles</a>' in html


def test_the_declaration_is_in_rgaa_form(client):
    html = client.get(reverse("accessibilite")).content.decode()
    for heading in [
        "Déclaration d'accessibilité",
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Dérogations pour charge disproportionnée",
        "Établissement de cette déclaration",
        "Environnement de test",
        "Retour d'information et contact",
        "Voies de recours",
    ]:
        assert f">{heading}</h" in html, heading
    assert "<strong>partiellement conforme</strong>" in html
    assert "Défenseur des droits" in html
    assert "axe-core 4.12.1" in html


@override_settings(CONTACT_EMAIL="service-social@example.org")
def test_the_contact_is_the_configured_address(client):
    for name in PAGES:
        html = client.get(reverse(name)).content.decode()
        assert 'href="mailto:service-social@example.org"' in html, name


@override_settings(HISTORIQUE_CONSERVATION_ANNEES=7, CONNEXIONS_CONSERVATION_MOIS=12)
def test_the_personal_data_page_says_the_configured_periods(client):
    html = client.get(reverse("donnees_personnelles")).content.decode()
    assert re.search(r'data-testid="duree-connexions"><strong>Conservés</strong> 12 mois, puis supprimés', html)
    assert re.search(r'data-testid="duree-historique"><strong>Conservé</strong> 7 ans, puis supprimé', html)
    assert "Conservés sans limite de durée" in html  # the transmitted reports
    assert "mission d'intérêt public" in html


@pytest.mark.parametrize("name", PAGES)
def test_a_post_is_refused_without_an_error(client, name):
    assert client.post(reverse(name)).status_code == 405


def test_the_footer_links_are_on_the_login_page(client):
    html = client.get(reverse("login")).content.decode()
    assert 'href="/accessibilite/"' in html and 'href="/donnees-personnelles/"' in html
