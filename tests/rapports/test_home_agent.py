"""The agent's home says what is left for their unit in II.1, not the region's completeness."""

from decimal import Decimal

import pytest
from django.urls import reverse

from activites import a_remplir
from activites.models import Indicateur, Valeur
from caisses.models import RapportAnnuel
from rapports.models import Commentaire


@pytest.fixture
def donnees(org):
    return list(Indicateur.objects.actifs(org.exercice.annee).filter(nature=Indicateur.Nature.DONNEE))


def fill(rapport, donnees, keep_empty, **unit):
    Valeur.objects.bulk_create(
        Valeur(rapport=rapport, indicateur=i, valeur=Decimal(5), **unit) for i in donnees[keep_empty:]
    )


def test_count_of_an_unsaved_report_is_every_donnee(org, donnees):
    assert len(donnees) > 2  # the default catalogue
    rapport = RapportAnnuel(caisse=org.region, exercice=org.exercice)
    assert a_remplir.cases_a_remplir(org.cpams[0], rapport, 2025) == len(donnees)


def test_count_ignores_other_units_ratios_and_inactive_indicators(org, donnees):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    cpam = org.cpams[0]
    fill(rapport, donnees, 12, caisse=cpam)
    fill(rapport, donnees, 0, caisse=org.cpams[1])  # another CPAM full: does not count for this one
    fill(rapport, donnees, 0, site=org.sites[0])  # its site either
    retired = donnees[0]
    retired.actif_jusqu_a = 2024
    retired.save()
    assert a_remplir.cases_a_remplir(cpam, rapport, 2025) == 11
    assert a_remplir.cases_a_remplir(org.sites[0], rapport, 2025) == 0


def test_phrase_agrees_in_number():
    class Unite:
        nom = "CPAM de Loire-Atlantique"

    assert a_remplir.phrase(Unite, 12) == "CPAM de Loire-Atlantique : 12 cases à remplir en II.1"
    assert a_remplir.phrase(Unite, 1) == "CPAM de Loire-Atlantique : 1 case à remplir en II.1"
    assert a_remplir.phrase(Unite, 1234) == "CPAM de Loire-Atlantique : 1\u00a0234 cases à remplir en II.1"
    assert a_remplir.phrase(Unite, 0) == "CPAM de Loire-Atlantique : toutes les cases de II.1 sont remplies"


def test_agent_home_says_what_is_left_for_the_unit_not_the_region(org, client_for, donnees, checks):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    fill(rapport, donnees, 3, caisse=org.cpams[0])
    html = client_for(org.user("agent")).get(reverse("home")).content.decode()
    assert "CPAM Test Onze : 3 cases à remplir en II.1" in html
    assert reverse("saisie_ii1", kwargs={"code": "CARSAT-T1", "annee": 2025}) in html
    assert "Toutes les sections sont complètes" not in html  # the region's business, even when true
    assert "Sections à compléter" not in html


def test_responsable_home_keeps_the_region_completeness(org, client_for, checks):
    html = client_for(org.user("responsable")).get(reverse("home")).content.decode()
    assert "Sections à compléter" in html
    assert "cases à remplir en II.1" not in html


def test_region_home_lists_a_comment_until_it_is_treated(org, client_for, checks):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="renvoye")
    commentaire = Commentaire.objects.create(
        rapport=rapport, section="I.3", auteur=org.user("relecteur"), texte="Préciser les jours de formation."
    )
    client = client_for(org.user("responsable"))
    html = client.get(reverse("home")).content.decode()
    assert "Préciser les jours de formation." in html
    assert reverse("saisie_i3", kwargs={"code": "CARSAT-T1", "annee": 2025}) + "#commentaires-section" in html
    commentaire.traite = True
    commentaire.save()
    assert "Préciser les jours de formation." not in client.get(reverse("home")).content.decode()
