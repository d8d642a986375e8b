"""The history of a section: who, when, old → new value, with the fields' labels and French numbers."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from activites.models import GroupeIndicateurs, Indicateur, Valeur
from caisses.demo import build_demo
from caisses.guard import SANS_VERSION, save_section
from caisses.models import RapportAnnuel
from caisses.plan import SECTION_HISTORY
from effectifs.models import Categorie, Effectif, Formation
from rapports.audit import section_history

NBSP = "\u00a0"


def history_url(org, section):
    return reverse(
        "rapport_historique", kwargs={"code": org.region.code, "annee": org.exercice.annee, "section": section}
    )


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return unescape(re.sub(r"<[^>]+>", "", html)).replace(NBSP, " "), html


@pytest.fixture
def rapport(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)


def saved_by(user, write):
    """A write through the guard, as an entry page does (the request middleware sets the history's author)."""

    def do(locked):
        for obj in write(locked):
            obj._history_user = user
            obj.save()

    return do


def test_i1_change_shows_labels_author_and_numbers_with_the_fields_decimals(org, rapport, client_for):
    responsable = org.user("responsable")
    responsable.first_name, responsable.last_name = "Régine", "Responsable"
    responsable.save()
    categorie = Categorie.objects.get(code="as")

    def first(locked):
        return [Effectif(rapport=locked, categorie=categorie, reel_effectif=350, reel_etp=Decimal("12.5"))]

    def second(locked):
        row = Effectif.objects.get(rapport=locked, categorie=categorie)
        row.reel_effectif, row.reel_etp, row.age_moyen = 352, Decimal("12.75"), Decimal("41.5")
        return [row]

    save_section(rapport, "I.1", SANS_VERSION, saved_by(responsable, first))
    save_section(rapport, "I.1", SANS_VERSION, saved_by(responsable, second))
    text, html = page_text(client_for(org.user("relecteur")), history_url(org, "I-1"))

    assert "Régine Responsable" in text and "t-responsable" not in text  # the full name, not the login
    assert "effectif réel au 31 décembre : 350" in text  # creation: a count prints without decimals
    assert "ETP réel au 31 décembre : 12,5" in text  # an ETP as typed, not « 12,50 »
    assert "effectif réel au 31 décembre : 350 → 352" in text
    assert "ETP réel au 31 décembre : 12,5 → 12,75" in text
    assert "âge moyen : — → 41,5" in text  # an empty value is a dash
    assert "350,00" not in text and "12,50" not in text
    assert re.search(r"\d\d/\d\d/\d{4} à \d\d:\d\d", text)  # when, in French


def test_i3_training_days_and_participants(org, rapport, client_for):
    agent = org.user("responsable")

    def write(locked):
        return [
            Formation(
                rapport=locked,
                nature="formation",
                intitule="Accueil des publics précaires",
                organisme="IRTS",
                participants=1200,
                jours=Decimal("2450.5"),
            )
        ]

    save_section(rapport, "I.3", SANS_VERSION, saved_by(agent, write))
    text, _html = page_text(client_for(org.user("responsable")), history_url(org, "I-3"))
    assert "Action de formation : Accueil des publics précaires" in text
    assert "participants : 1 200" in text
    assert "jours de formation : 2 450,5" in text
    assert "nature : Formation" in text  # a choice by its label


def test_ii1_values_show_the_indicators_label_and_the_units_name_never_codes(org, rapport, client_for):
    responsable = org.user("responsable")
    individuel = Indicateur.objects.get(code="personnes_aidees_individuel")
    groupe = GroupeIndicateurs.objects.create(code="essai", libelle="Essai")
    taux = Indicateur.objects.create(
        code="taux_essai_x", libelle="Taux de réponse à l'essai", groupe=groupe, unite_mesure="%", decimales=2
    )
    cpam = org.cpams[0]

    def first(locked):
        return [
            Valeur(rapport=locked, indicateur=individuel, caisse=cpam, valeur=Decimal(350)),
            Valeur(rapport=locked, indicateur=taux, valeur=Decimal("31.47")),
        ]

    def second(locked):
        row = Valeur.objects.get(rapport=locked, indicateur=individuel)
        row.valeur = Decimal(1234)
        return [row]

    save_section(rapport, "II.1", SANS_VERSION, saved_by(responsable, first))
    save_section(rapport, "II.1", SANS_VERSION, saved_by(responsable, second))
    text, _html = page_text(client_for(org.user("relecteur")), history_url(org, "II-1"))

    assert f"{individuel.libelle} — {cpam.nom}" in text
    assert f"valeur ({individuel.unite_mesure}) : 350 → 1 234" in text
    assert "Taux de réponse à l'essai — ensemble de la région" in text
    assert "valeur (%) : 31,47" in text
    for code in (individuel.code, taux.code, cpam.code, "350,00"):
        assert code not in text


def test_entry_pages_link_to_their_sections_history(org, rapport, client_for):
    response = client_for(org.user("responsable")).get(
        reverse("saisie_i3", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    )
    assert response.status_code == 200
    target = reverse("rapport_historique", kwargs={"code": org.region.code, "annee": 2025, "section": "I.3"})
    assert f'href="{target}"' in response.content.decode()
    assert client_for(org.user("responsable")).get(target).status_code == 200


def test_the_demo_reports_have_their_initial_entry_in_every_sections_history(db):
    build_demo(regions=1, years=1)
    rapport = RapportAnnuel.objects.get()
    for code in SECTION_HISTORY:
        events = section_history(rapport, code)
        assert events, f"historique vide pour {code}"
        assert all(e.type == "+" for e in events)
        assert all(e.date <= datetime.datetime.now(datetime.UTC) for e in events)
    authors = {e.auteur for e in section_history(rapport, "I.1")}
    assert authors == {"Régine Responsable"}  # the region's responsable of the demo
    # A second run adds no record.
    counts = [m.history.count() for entries in SECTION_HISTORY.values() for m in entries if hasattr(m, "history")]
    build_demo(regions=1, years=1)
    assert counts == [
        m.history.count() for entries in SECTION_HISTORY.values() for m in entries if hasattr(m, "history")
    ]


def test_a_write_that_gives_its_reason_shows_it(org, rapport, client_for):
    """« Reprendre l'exercice précédent » records why its rows appeared (effectifs/reprise.py): the page says it."""
    author = org.user("responsable")

    def write(locked):
        formation = Formation(rapport=locked, nature="formation", intitule="Accueil", participants=3, jours=2)
        formation._change_reason = "Reprise de l'exercice 2024"
        return [formation]

    save_section(rapport, "I.3", SANS_VERSION, saved_by(author, write))
    text, _html = page_text(client_for(author), history_url(org, "I-3"))
    assert "— Reprise de l'exercice 2024" in text
