"""« Reprendre l'exercice précédent » in II.3: districts and partners copied into an empty section only."""

import pytest
from django.urls import reverse

from activites.models import Circonscription, Etudiant, PartieDeux
from caisses.guard import save_section, section_version
from caisses.models import RapportAnnuel

RAISON = "Reprise de l'exercice 2024"
BOUTON = "Reprendre l'exercice 2024"
PARTENAIRES = "CCAS de Nantes, Conseil départemental, associations d'aide à domicile."


def url(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def current(org):
    return RapportAnnuel.objects.filter(caisse=org.region, exercice=org.exercice).first()


@pytest.fixture
def n1(rapport_n1):
    """Last year's II.3: three districts and the partners' text (and a II.2 row, which is not copied)."""
    for position, (nom, territoire, referent) in enumerate(
        [("Nantes Nord", "Nantes, Orvault", "Mme Durand"), ("Saint-Nazaire", "Presqu'île", ""), ("Ancenis", "", "")]
    ):
        Circonscription.objects.create(
            rapport=rapport_n1, nom=nom, territoire=territoire, referent=referent, ordre=position
        )
    PartieDeux.objects.create(rapport=rapport_n1, coordination_commentaire=PARTENAIRES, autres_activites="2024")
    Etudiant.objects.create(rapport=rapport_n1, ecole="IRTS", nombre=2, duree_semaines=8, ordre=0)
    return rapport_n1


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


def test_ii3_offers_then_copies_districts_and_partners(org, n1, responsable):
    page = responsable.get(url(org, "saisie_ii3")).content.decode()
    assert BOUTON in page and url(org, "reprise_ii3") in page
    assert "3 circonscriptions, le texte « Partenaires" in page
    assert BOUTON not in responsable.get(url(org, "saisie_ii2")).content.decode()  # same template, not offered

    response = responsable.post(url(org, "reprise_ii3"), {"version": "0"}, follow=True)

    assert response.redirect_chain == [(url(org, "saisie_ii3"), 302)]
    assert messages_of(response) == [
        "Reprise de l'exercice 2024 effectuée : 3 circonscriptions, le texte « Partenaires et évolution constatée "
        "de la coordination » (à mettre à jour pour l'année). Vérifiez ces lignes et corrigez ce qui a changé "
        "cette année."
    ]
    rapport = current(org)
    assert list(
        Circonscription.objects.filter(rapport=rapport).values_list("nom", "territoire", "referent", "ordre")
    ) == [
        ("Nantes Nord", "Nantes, Orvault", "Mme Durand", 0),
        ("Saint-Nazaire", "Presqu'île", "", 1),
        ("Ancenis", "", "", 2),
    ]
    partie = PartieDeux.objects.get(rapport=rapport)
    assert partie.coordination_commentaire == PARTENAIRES
    assert partie.autres_activites == ""  # another section's text: not copied
    assert not Etudiant.objects.filter(rapport=rapport).exists()
    assert Circonscription.objects.filter(rapport=n1).count() == 3  # last year's rows stay where they were
    assert section_version(rapport, "II.3") == 1
    html = response.content.decode()
    assert BOUTON not in html
    assert 'value="Nantes Nord"' in html


def test_the_copy_is_in_the_history(org, n1, responsable):
    responsable.post(url(org, "reprise_ii3"), {"version": "0"})
    rapport = current(org)
    records = Circonscription.history.filter(rapport_id=rapport.pk)
    assert sorted((r.nom, r.history_type, r.history_change_reason, r.history_user_id) for r in records) == [
        ("Ancenis", "+", RAISON, org.user("responsable").pk),
        ("Nantes Nord", "+", RAISON, org.user("responsable").pk),
        ("Saint-Nazaire", "+", RAISON, org.user("responsable").pk),
    ]
    partie = PartieDeux.history.get(rapport_id=rapport.pk)
    assert (partie.history_type, partie.history_change_reason) == ("+", RAISON)
    page = responsable.get(
        reverse("rapport_historique", kwargs={"code": org.region.code, "annee": 2025, "section": "II.3"})
    )
    assert page.status_code == 200 and "Saint-Nazaire" in page.content.decode()


def test_other_narratives_already_written_stay(org, n1, responsable, rapport):
    # II.4's text shares II.3's row of narratives: II.3 is still empty, and II.4's text must survive the copy.
    PartieDeux.objects.create(rapport=rapport, autres_activites="Écrit cette année.")
    responsable.post(url(org, "reprise_ii3"), {"version": "0"})
    partie = PartieDeux.objects.get(rapport=rapport)
    assert (partie.autres_activites, partie.coordination_commentaire) == ("Écrit cette année.", PARTENAIRES)
    assert Circonscription.objects.filter(rapport=rapport).count() == 3


@pytest.mark.parametrize("partial", ["district", "texte"])
def test_a_section_partly_filled_is_refused_and_nothing_changes(org, n1, responsable, rapport, partial):
    if partial == "district":
        Circonscription.objects.create(rapport=rapport, nom="Déjà saisie", ordre=0)
    else:
        PartieDeux.objects.create(rapport=rapport, coordination_commentaire="Nos partenaires cette année.")
    before = (
        list(Circonscription.objects.filter(rapport=rapport).values_list("pk", "nom")),
        list(PartieDeux.objects.filter(rapport=rapport).values_list("pk", "coordination_commentaire")),
    )
    assert BOUTON not in responsable.get(url(org, "saisie_ii3")).content.decode()

    response = responsable.post(url(org, "reprise_ii3"), {"version": "0"}, follow=True)

    assert messages_of(response) == [
        "La section II.3 n'est plus vide : la reprise de l'exercice précédent ne se fait que dans une section "
        "vide, pour ne jamais écraser une saisie. Rien n'a été copié."
    ]
    after = (
        list(Circonscription.objects.filter(rapport=rapport).values_list("pk", "nom")),
        list(PartieDeux.objects.filter(rapport=rapport).values_list("pk", "coordination_commentaire")),
    )
    assert after == before
    assert section_version(rapport, "II.3") == 0


def test_without_last_years_report(org, responsable):
    assert BOUTON not in responsable.get(url(org, "saisie_ii3")).content.decode()
    response = responsable.post(url(org, "reprise_ii3"), {"version": "0"}, follow=True)
    assert messages_of(response) == ["Aucun rapport de l'exercice 2024 pour cette caisse : il n'y a rien à reprendre."]
    assert current(org) is None


def test_last_years_section_empty(org, rapport_n1, responsable):
    PartieDeux.objects.create(rapport=rapport_n1, coordination_commentaire="   ")
    assert BOUTON not in responsable.get(url(org, "saisie_ii3")).content.decode()
    response = responsable.post(url(org, "reprise_ii3"), {"version": "0"}, follow=True)
    assert messages_of(response) == [
        "Le rapport de l'exercice 2024 n'a rien à reprendre dans la section II.3 : rien n'a été copié."
    ]
    assert current(org) is None


@pytest.mark.parametrize(
    ("role", "status", "offered"),
    [
        ("administrateur", 302, True),
        ("responsable", 302, True),
        ("agent", 403, False),
        ("relecteur", 403, False),
        ("responsable_autre", 404, None),
        ("agent_autre", 404, None),
        ("anonymous", 302, None),
    ],
)
def test_rights_per_role(org, n1, client_for, role, status, offered):
    client = client_for(org.user(role))
    if offered is not None:
        assert (BOUTON in client.get(url(org, "saisie_ii3")).content.decode()) is offered
    response = client.post(url(org, "reprise_ii3"), {"version": "0"})
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    copied = role in ("administrateur", "responsable")
    assert Circonscription.objects.exclude(rapport=n1).exists() is copied


def test_stale_or_missing_version_copies_nothing(org, n1, responsable, rapport):
    save_section(rapport, "II.3", 0, lambda locked: Circonscription.objects.create(rapport=locked, nom="X", ordre=0))
    save_section(rapport, "II.3", 1, lambda locked: Circonscription.objects.filter(rapport=locked).delete())
    response = responsable.post(url(org, "reprise_ii3"), {"version": "0"}, follow=True)
    assert messages_of(response) == [
        "La section II.3 a été modifiée depuis l'ouverture de la page : rien n'a été copié. "
        "Vérifiez-la ci-dessous avant de reprendre l'exercice précédent."
    ]
    for data in ({}, {"version": "-1"}, {"version": "9" * 40}):
        response = responsable.post(url(org, "reprise_ii3"), data, follow=True)
        assert messages_of(response) == [
            "La page envoyée ne dit pas de quelle version de la section elle part : rien n'a été copié."
        ]
    assert not Circonscription.objects.filter(rapport=rapport).exists()
    assert section_version(rapport, "II.3") == 2


@pytest.mark.parametrize("etat", ["transmis", "valide"])
def test_a_sent_report_refuses(org, n1, responsable, rapport, etat):
    rapport.etat = etat
    rapport.save()
    assert BOUTON not in responsable.get(url(org, "saisie_ii3")).content.decode()
    response = responsable.post(url(org, "reprise_ii3"), {"version": "0"})
    assert response.status_code == 403
    assert "ses données ne sont plus modifiables" in response.content.decode()
    assert not Circonscription.objects.filter(rapport=rapport).exists()


def test_get_is_not_allowed(org, n1, responsable):
    assert responsable.get(url(org, "reprise_ii3")).status_code == 405
    assert current(org) is None


def test_the_offer_costs_the_same_whatever_last_years_size(org, n1, responsable):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = url(org, "saisie_ii3")
    responsable.get(path)  # the plan's section states are kept after a first look
    with CaptureQueriesContext(connection) as few:
        responsable.get(path)
    for i in range(10):
        Circonscription.objects.create(rapport=n1, nom=f"C{i}", ordre=10 + i)
    with CaptureQueriesContext(connection) as many:
        page = responsable.get(path).content.decode()
    assert len(many) == len(few)
    assert "13 circonscriptions" in page
