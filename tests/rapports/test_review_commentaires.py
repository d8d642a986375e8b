"""A reviewer's comment on a section shows on that section's entry page, where the responsable marks it « traité »."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caisses.models import RapportAnnuel
from rapports.models import Commentaire

TEXTE = "I.3 : le nombre de jours de formation semble faible."


def url(name, org, **extra):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee, **extra})


@pytest.fixture
def commentaire(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="renvoye")
    return Commentaire.objects.create(rapport=rapport, section="I.3", auteur=org.user("relecteur"), texte=TEXTE)


def traite_url(org, commentaire):
    return url("rapport_commentaire_traite", org, pk=commentaire.pk)


def test_the_section_page_shows_its_comments_with_the_button_for_the_responsable(org, client_for, commentaire):
    html = client_for(org.user("responsable")).get(url("saisie_i3", org)).content.decode()
    assert TEXTE in html and "À traiter" in html
    assert traite_url(org, commentaire) in html
    other = client_for(org.user("responsable")).get(url("saisie_i1", org)).content.decode()
    assert TEXTE not in other  # a comment shows on its own section only


@pytest.mark.parametrize("role", ["agent", "relecteur"])
def test_agent_and_reviewer_read_the_comment_without_the_button(org, client_for, commentaire, role):
    html = client_for(org.user(role)).get(url("saisie_i3", org)).content.decode()
    assert TEXTE in html
    assert traite_url(org, commentaire) not in html


def test_responsable_marks_it_treated(org, client_for, commentaire):
    response = client_for(org.user("responsable")).post(traite_url(org, commentaire))
    assert response.status_code == 302
    assert response["Location"] == url("saisie_i3", org) + "#commentaires-section"
    commentaire.refresh_from_db()
    assert commentaire.traite and commentaire.traite_par == org.user("responsable") and commentaire.traite_le
    page = client_for(org.user("responsable")).get(response["Location"]).content.decode()
    assert "Traité" in page and traite_url(org, commentaire) not in page


@pytest.mark.parametrize(("role", "status"), [("agent", 403), ("relecteur", 403), ("responsable_autre", 404)])
def test_others_may_not_mark_it_treated(org, client_for, commentaire, role, status):
    response = client_for(org.user(role)).post(traite_url(org, commentaire))
    assert response.status_code == status
    commentaire.refresh_from_db()
    assert not commentaire.traite


def test_a_comment_of_another_report_is_404(org, client_for, commentaire):
    other = RapportAnnuel.objects.create(caisse=org.other_region, exercice=org.exercice)
    foreign = Commentaire.objects.create(rapport=other, section="I.3", auteur=org.user("relecteur"), texte="Autre")
    response = client_for(org.user("responsable")).post(url("rapport_commentaire_traite", org, pk=foreign.pk))
    assert response.status_code == 404
    assert client_for(org.user("responsable")).get(traite_url(org, commentaire)).status_code == 405
    foreign.refresh_from_db()
    assert not foreign.traite


def test_the_reviewer_sees_which_comments_are_treated(org, client_for, commentaire):
    client_for(org.user("responsable")).post(traite_url(org, commentaire))
    Commentaire.objects.create(rapport=commentaire.rapport, section="II.1", auteur=commentaire.auteur, texte="Autre")
    html = client_for(org.user("relecteur")).get(url("rapport_transmission", org)).content.decode()
    assert 'Traité</span> <span class="small text-body-secondary">par la région (t-responsable)' in html
    assert html.count("À traiter") == 1


def test_the_comments_cost_one_query_on_an_entry_page(org, client_for, commentaire):
    client = client_for(org.user("responsable"))
    client.get(url("saisie_i3", org))
    with CaptureQueriesContext(connection) as queries:
        client.get(url("saisie_i3", org))
    assert sum("rapports_commentaire" in q["sql"] for q in queries.captured_queries) == 1
