"""The page « Explications des variations »: who reads, who writes, and hostile input (never a 500)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.guard import SectionVersion
from caisses.models import RapportAnnuel
from caisses.numbers import NBSP
from rapports import variations
from rapports.models import ExplicationVariation

CHAMP = "explication-indicateur-personnes_aidees_collectif"


@pytest.fixture
def rapport(org):
    """A 2025 draft whose « personnes aidées collectivement » went from 150 (2024) to 185: one finding."""
    n = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    n1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice, etat=RapportAnnuel.Etat.VALIDE)
    indicateur = Indicateur.objects.get(code="personnes_aidees_collectif")
    Valeur.objects.create(rapport=n1, indicateur=indicateur, valeur=150)
    Valeur.objects.create(rapport=n, indicateur=indicateur, valeur=185)
    return n


def page(org, other=False):
    region = org.other_region if other else org.region
    return reverse("rapport_variations", kwargs={"code": region.code, "annee": org.exercice.annee})


def version():
    return SectionVersion.objects.filter(section=variations.SECTION).values_list("version", flat=True).first() or 0


def saved():
    return dict(ExplicationVariation.objects.values_list("cle", "texte"))


@pytest.mark.parametrize(
    ("role", "status", "writes"),
    [
        ("responsable", 200, True),
        ("agent", 200, True),
        ("administrateur", 200, True),
        ("relecteur", 200, False),
        ("responsable_autre", 404, False),
        ("agent_autre", 404, False),
        ("sans_role", 404, False),
    ],
)
def test_the_page_per_role(org, rapport, client_for, role, status, writes):
    response = client_for(org.user(role)).get(page(org))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Personnes aidées collectivement" in html and f"+23,3{NBSP}% (+35)" in html
        assert (f'name="{CHAMP}"' in html) is writes
        assert ("Non expliquée" in html) is not writes


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("responsable", 302),
        ("agent", 302),
        ("administrateur", 302),
        ("relecteur", 403),
        ("responsable_autre", 404),
        ("agent_autre", 404),
    ],
)
def test_who_may_write(org, rapport, client_for, role, status):
    response = client_for(org.user(role)).post(page(org), {"version": "0", CHAMP: "Deux ateliers de plus."})
    assert response.status_code == status
    assert saved() == ({"indicateur:personnes_aidees_collectif": "Deux ateliers de plus."} if status == 302 else {})


def test_a_save_then_the_relecteur_reads_it(org, rapport, client_for):
    client = client_for(org.user("responsable"))
    response = client.post(page(org), {"version": "0", CHAMP: "  Deux ateliers.  "}, follow=True)
    assert "Toutes les variations signalées sont expliquées." in response.content.decode()
    assert saved() == {"indicateur:personnes_aidees_collectif": "Deux ateliers."}
    assert version() == 1
    html = client_for(org.user("relecteur")).get(page(org)).content.decode()
    assert "Deux ateliers." in html and "Toutes expliquées" in html
    # Emptied: the explanation is gone, the figure is to explain again.
    client.post(page(org), {"version": "1", CHAMP: ""})
    assert saved() == {}


def test_a_sent_report_is_read_only(org, rapport, client_for):
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=RapportAnnuel.Etat.TRANSMIS)
    client = client_for(org.user("responsable"))
    assert f'name="{CHAMP}"' not in client.get(page(org)).content.decode()
    assert client.post(page(org), {"version": "0", CHAMP: "Trop tard."}).status_code == 403
    assert saved() == {}


def test_without_findings_the_page_says_so(org, client_for):
    html = client_for(org.user("responsable")).get(page(org)).content.decode()
    assert "il n'y a rien à expliquer" in html.replace("&#x27;", "'")
    assert not RapportAnnuel.objects.exists()  # reading never creates the report


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({CHAMP: "Texte gardé."}, 400, "ne dit pas de quelle version"),
        ({"version": "abc", CHAMP: "Texte gardé."}, 400, "ne dit pas de quelle version"),
        ({"version": "-1", CHAMP: "Texte gardé."}, 400, "ne dit pas de quelle version"),
        ({"version": "7", CHAMP: "Texte gardé."}, 409, "modifiée par quelqu&#x27;un d&#x27;autre"),
        ({"version": "0", CHAMP: "Texte gardé." + "x" * 5000}, 422, "ne peut pas dépasser 5000 caractères"),
        ({"version": "0", CHAMP: "Texte gardé.\x00"}, 422, "caractère nul n’est pas autorisé"),
    ],
)
def test_tampered_or_huge_input_gets_a_french_answer_and_keeps_the_text(
    org, rapport, client_for, data, status, message
):
    response = client_for(org.user("responsable")).post(page(org), data)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert "Texte gardé." in html
    assert saved() == {}


def test_a_foreign_field_is_never_read(org, rapport, client_for):
    client = client_for(org.user("responsable"))
    response = client.post(
        page(org),
        {
            "version": "0",
            CHAMP: "Vrai.",
            "explication-partie1-etp": "Pas signalé.",
            "explication-indicateur-publics_precarite": "Pas signalé non plus.",
        },
    )
    assert response.status_code == 302
    assert saved() == {"indicateur:personnes_aidees_collectif": "Vrai."}


def test_the_page_reads_a_fixed_number_of_queries(org, rapport, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.user("relecteur"))
    client.get(page(org))
    with CaptureQueriesContext(connection) as small:
        client.get(page(org))
    for code in ("publics_precarite", "accompagnements_termines", "objectifs_atteints"):
        indicateur = Indicateur.objects.get(code=code)
        for rapport_ in RapportAnnuel.objects.all():
            Valeur.objects.create(rapport=rapport_, indicateur=indicateur, valeur=D(100 if rapport_ == rapport else 10))
    with CaptureQueriesContext(connection) as large:
        html = client.get(page(org)).content.decode()
    assert html.count("Non expliquée") == 4
    assert len(large) == len(small)
