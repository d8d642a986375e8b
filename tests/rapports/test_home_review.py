"""The reviewers' home: « À relire » (transmitted, oldest first) and « Renvoyés » (waiting for their region)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caisses.models import Caisse, RapportAnnuel
from rapports.models import ArchivePDF, Transition
from tests.factories import CaisseFactory, ExerciceFactory

Etat = RapportAnnuel.Etat


def at(day, month=3, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def transmitted(region, exercice, user, date, numero=1, etat=Etat.TRANSMIS):
    rapport, _ = RapportAnnuel.objects.update_or_create(caisse=region, exercice=exercice, defaults={"etat": etat})
    transition = Transition.objects.create(
        rapport=rapport, action="transmettre", etat_avant="brouillon", etat_apres="transmis", auteur=user, date=date
    )
    ArchivePDF.objects.create(
        rapport=rapport, transition=transition, numero=numero, fichier="a.pdf", sha256="0" * 64, taille=1
    )
    return rapport


def returned(rapport, user, date, motif):
    rapport.etat = Etat.RENVOYE
    rapport.save()
    Transition.objects.create(
        rapport=rapport,
        action="renvoyer",
        etat_avant="transmis",
        etat_apres="renvoye",
        auteur=user,
        date=date,
        motif=motif,
    )


def section(html, ident):
    start = html.index(f'id="{ident}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("role", ["relecteur", "administrateur"])
def test_a_relire_lists_transmitted_reports_oldest_first_with_date_and_number(org, client_for, role):
    responsable = org.user("responsable")
    transmitted(org.region, org.exercice, responsable, at(3), numero=2)
    transmitted(org.other_region, org.exercice, org.user("responsable_autre"), at(1, 2))
    transmitted(org.other_region, org.previous_exercice, responsable, at(5, 1), etat=Etat.VALIDE)
    html = client_for(org.user(role)).get(reverse("home")).content.decode()
    a_relire = section(html, "titre-a-relire")
    assert a_relire.index("CARSAT Test Deux") < a_relire.index("CARSAT Test Un")  # oldest transmission first
    assert "Transmis le 1er février 2026 — transmission n° 1" in a_relire
    assert "Transmis le 3 mars 2026 — transmission n° 2" in a_relire
    assert "exercice 2024" not in a_relire  # validé: nothing left to review
    transmission = reverse("rapport_transmission", kwargs={"code": "CARSAT-T1", "annee": 2025})
    assert f'href="{transmission}#changements"' in a_relire
    assert f'href="{transmission}#action-valider"' in a_relire
    assert f'href="{transmission}#action-renvoyer"' in a_relire
    assert reverse("rapport_pdf", kwargs={"code": "CARSAT-T1", "annee": 2025}) in a_relire
    assert "Rapports de toutes les régions" in html  # the grid stays below


def test_renvoyes_lists_returned_reports_with_since_when_and_motif(org, client_for):
    rapport = transmitted(org.region, org.exercice, org.user("responsable"), at(3))
    returned(rapport, org.user("relecteur"), at(9), "Compléter la partie III.")
    html = client_for(org.user("relecteur")).get(reverse("home")).content.decode()
    assert "Aucun rapport transmis n'attend de relecture." in section(html, "titre-a-relire")
    renvoyes = section(html, "titre-renvoyes")
    assert "CARSAT Test Un — exercice 2025" in renvoyes
    assert "Renvoyé le 9 mars 2026" in renvoyes
    assert "Motif : Compléter la partie III." in renvoyes


@pytest.mark.parametrize("role", ["responsable", "agent"])
def test_region_users_do_not_get_the_review_lists(org, client_for, role):
    transmitted(org.region, org.exercice, org.user("responsable"), at(3))
    html = client_for(org.user(role)).get(reverse("home")).content.decode()
    assert "À relire" not in html and "titre-renvoyes" not in html


def _regions(org, prefix, count, first_day):
    """`count` more regions, each with a transmitted report; every second one returned to its region."""
    for i in range(count):
        region = CaisseFactory(code=f"CARSAT-{prefix}{i}", type=Caisse.Type.REGIONALE, parent=org.nationale)
        rapport = transmitted(region, org.exercice, org.user("administrateur"), at(first_day + i))
        if i % 2:
            returned(rapport, org.user("relecteur"), at(first_day + i + 1), "Motif")


def _home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_home_queries_do_not_grow_with_the_regions(org, client_for):
    ExerciceFactory(annee=2023)
    client = client_for(org.user("relecteur"))
    _regions(org, "Q", 3, 1)
    small = _home_queries(client)
    _regions(org, "R", 7, 10)
    html = client.get(reverse("home")).content.decode()
    assert html.count("Transmis le") == 2 + 4 and html.count("Renvoyé le") == 1 + 3
    assert _home_queries(client) == small
