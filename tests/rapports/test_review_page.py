"""The review page: what changed since the previous transmission, confirmed actions, what happened said after."""

from decimal import Decimal

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.guard import SANS_VERSION, save_section
from caisses.models import RapportAnnuel
from rapports import lifecycle
from rapports.models import PartieTrois


@pytest.fixture(autouse=True)
def pdf(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", lambda figee: b"%PDF-1.7 test")


def url(name, org):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def post(client, name, org, data=None):
    response = client.post(url(name, org), data or {}, follow=True)
    assert response.status_code == 200
    return response


def test_review_page_from_first_transmission_to_validation(org, client_for, checks):
    texte = "Le service a renforcé l'accueil des assurés en arrêt de travail long, avec les caisses primaires. " * 2
    save_section(
        RapportAnnuel(caisse=org.region, exercice=org.exercice),
        "III",
        SANS_VERSION,
        lambda r: PartieTrois.objects.create(rapport=r, observations=texte + "Les perspectives restent stables."),
    )
    responsable, relecteur = client_for(org.user("responsable")), client_for(org.user("relecteur"))

    page = responsable.get(url("rapport_transmission", org)).content.decode()
    assert 'data-confirmer="Transmettre le rapport CARSAT-T1 2025 à la caisse nationale ?' in page
    response = post(responsable, "rapport_transmettre", org)
    assert messages_of(response) == [
        "Rapport CARSAT-T1 2025 transmis à la caisse nationale (transmission n° 1) ; "
        "le rapport transmis est figé et son PDF archivé."
    ]

    page = relecteur.get(url("rapport_transmission", org)).content.decode()
    assert "C'est la première transmission de ce rapport (transmission n° 1)" in page
    assert 'id="action-valider" data-confirmer="Valider le rapport CARSAT-T1 2025 ?' in page
    assert 'id="action-renvoyer"' in page and 'data-confirmer="Renvoyer le rapport CARSAT-T1 2025' in page
    assert "js/confirmer.js" in page

    response = post(relecteur, "rapport_renvoyer", org, {"motif": "Compléter les perspectives et II.1."})
    assert messages_of(response) == [
        "Rapport CARSAT-T1 2025 renvoyé à la région pour correction ; elle voit le motif sur sa page d'accueil."
    ]

    rapport = RapportAnnuel.objects.get(caisse=org.region, exercice=org.exercice)
    PartieTrois.objects.filter(rapport=rapport).update(observations=texte + "Les perspectives s'améliorent.")
    indicateur = Indicateur.objects.filter(nature="donnee").first()
    Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=Decimal(1234))
    response = post(responsable, "rapport_transmettre", org)
    assert "(transmission n° 2)" in messages_of(response)[0]

    page = relecteur.get(url("rapport_transmission", org)).content.decode()
    changes = page[page.index('id="changements"') : page.index('id="titre-actions"')]
    assert "Ce qui a changé depuis la transmission n° 1" in changes
    assert f"{indicateur.libelle} — CPAM Test Onze" in changes
    assert "non renseigné</td>" in changes and "1\u00a0234</td>" in changes
    assert "<del>restent stables.</del><ins>s&#x27;améliorent.</ins>" in changes
    assert indicateur.code not in changes

    response = post(relecteur, "rapport_valider", org)
    assert messages_of(response) == ["Rapport CARSAT-T1 2025 validé (transmission n° 2)."]
    response = post(client_for(org.user("administrateur")), "rapport_rouvrir", org, {"motif": "Erreur de saisie."})
    assert messages_of(response) == ["Rapport CARSAT-T1 2025 rouvert : il est de nouveau en brouillon."]


def test_a_transmission_identical_to_the_previous_one_says_so(org, client_for, checks):
    responsable, relecteur = client_for(org.user("responsable")), client_for(org.user("relecteur"))
    post(responsable, "rapport_transmettre", org)
    post(relecteur, "rapport_renvoyer", org, {"motif": "Vérifier."})
    post(responsable, "rapport_transmettre", org)
    page = relecteur.get(url("rapport_transmission", org)).content.decode()
    assert (
        "La transmission n° 2 est identique à la transmission n° 1 : aucun chiffre ni aucun texte n'a changé." in page
    )


def test_a_draft_shows_no_comparison(org, client_for, checks):
    page = client_for(org.user("responsable")).get(url("rapport_transmission", org)).content.decode()
    assert 'id="changements"' not in page
