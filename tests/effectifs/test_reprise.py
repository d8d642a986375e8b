"""« Reprendre l'exercice précédent » in I.2 and I.4: copies into an empty section only, through the write guard."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from caisses.guard import section_version
from caisses.models import RapportAnnuel
from effectifs.models import Convention, EtatLocaux, Installation, Reunion, ReunionAutreService

RAISON = "Reprise de l'exercice 2024"


def url(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def current(org):
    return RapportAnnuel.objects.filter(caisse=org.region, exercice=org.exercice).first()


@pytest.fixture
def n1(org):
    """Last year's report: equipment, the premises of three sites (one now in the other region), three conventions
    (one with a caisse primaire of the other region) and the meetings."""
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice, etat="valide")
    Installation.objects.create(
        rapport=rapport,
        moyens_materiels="Bureaux individuels, salle d'attente",
        vehicules=3,
        postes_informatiques=12,
        telephones=None,
        ameliorations_obtenues="Une salle d'entretien rénovée",
        ameliorations_necessaires="Un second véhicule",
    )
    EtatLocaux.objects.create(rapport=rapport, site=org.sites[0], texte="Locaux neufs, accessibles.")
    EtatLocaux.objects.create(rapport=rapport, site=org.sites[1], texte="Bureau partagé en mairie.")
    EtatLocaux.objects.create(rapport=rapport, site=org.sites[2], texte="Site passé dans l'autre région.")
    for cpam, montant in ((org.cpams[0], "1500.50"), (org.cpams[1], "800"), (org.other_cpam, "99")):
        Convention.objects.create(
            rapport=rapport,
            caisse_primaire=cpam,
            date_signature=datetime.date(2021, 3, 15),
            objet=f"Permanences {cpam.code}",
            montant_participation=Decimal(montant),
        )
    Reunion.objects.create(rapport=rapport, niveau="regional", periodicite="mensuelle", nombre=11, contenu="Suivi")
    Reunion.objects.create(rapport=rapport, niveau="local", periodicite="hebdomadaire", nombre=45)
    ReunionAutreService.objects.create(rapport=rapport, service="Service médical", objectifs="PDP", nombre=4)
    return rapport


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


def test_i2_offers_then_copies_last_years_rows_into_the_empty_section(org, n1, responsable):
    page = responsable.get(url(org, "saisie_i2")).content.decode()
    assert "Reprendre l'exercice 2024" in page
    assert url(org, "reprise_i2") in page
    assert "Du rapport de l'exercice 2024, vous pouvez reprendre : l&#x27;équipement" in page
    assert "l&#x27;état des locaux de 2 sites, 2 conventions" in page
    assert "donc laissée de côté : 1 convention." in page

    response = responsable.post(url(org, "reprise_i2"), {"version": "0"}, follow=True)

    assert response.redirect_chain == [(url(org, "saisie_i2"), 302)]
    assert messages_of(response) == [
        "Reprise de l'exercice 2024 effectuée : l'équipement (moyens matériels, véhicules, postes informatiques, "
        "téléphones), l'état des locaux de 2 sites, 2 conventions. Vérifiez ces lignes et corrigez ce qui a "
        "changé cette année. Hors de la région désormais, donc laissé de côté : l'état des locaux de 1 site. "
        "Caisse primaire hors de la région désormais, donc laissée de côté : 1 convention."
    ]
    rapport = current(org)
    installation = Installation.objects.get(rapport=rapport)
    assert (installation.moyens_materiels, installation.vehicules, installation.postes_informatiques) == (
        "Bureaux individuels, salle d'attente",
        3,
        12,
    )
    assert installation.telephones is None
    # The year's improvements are not carried forward.
    assert (installation.ameliorations_obtenues, installation.ameliorations_necessaires) == ("", "")
    assert dict(EtatLocaux.objects.filter(rapport=rapport).values_list("site__code", "texte")) == {
        "UL-T11": "Locaux neufs, accessibles.",
        "PAS-T12": "Bureau partagé en mairie.",
    }
    assert list(
        Convention.objects.filter(rapport=rapport)
        .order_by("caisse_primaire__code")
        .values_list("caisse_primaire__code", "date_signature", "objet", "montant_participation")
    ) == [
        ("CPAM-T11", datetime.date(2021, 3, 15), "Permanences CPAM-T11", Decimal("1500.50")),
        ("CPAM-T12", datetime.date(2021, 3, 15), "Permanences CPAM-T12", Decimal("800.00")),
    ]
    # New rows of this year's report; last year's report is untouched.
    assert Convention.objects.filter(rapport=n1).count() == 3
    assert EtatLocaux.objects.filter(rapport=n1).count() == 3
    assert section_version(rapport, "I.2") == 1
    # The page now holds the rows, and offers nothing more.
    assert "Reprendre l'exercice" not in response.content.decode()


def test_the_copy_is_in_the_history_with_its_author_and_reason(org, n1, responsable):
    responsable.post(url(org, "reprise_i2"), {"version": "0"})
    rapport = current(org)
    for model, count in ((Convention, 2), (EtatLocaux, 2), (Installation, 1)):
        records = model.history.filter(rapport_id=rapport.pk)
        assert records.count() == count, model
        assert {(r.history_type, r.history_change_reason, r.history_user_id) for r in records} == {
            ("+", RAISON, org.user("responsable").pk)
        }
    page = responsable.get(reverse("rapport_historique", kwargs={**_kwargs(org), "section": "I.2"}))
    assert page.status_code == 200
    assert "Permanences CPAM-T11" in page.content.decode()


def _kwargs(org):
    return {"code": org.region.code, "annee": org.exercice.annee}


def test_i4_copies_the_meetings(org, n1, responsable):
    response = responsable.post(url(org, "reprise_i4"), {"version": "0"}, follow=True)
    assert messages_of(response) == [
        "Reprise de l'exercice 2024 effectuée : 2 réunions de service, 1 réunion avec un autre service. "
        "Vérifiez ces lignes et corrigez ce qui a changé cette année."
    ]
    rapport = current(org)
    assert list(Reunion.objects.filter(rapport=rapport).values_list("niveau", "periodicite", "nombre", "contenu")) == [
        ("regional", "mensuelle", 11, "Suivi"),
        ("local", "hebdomadaire", 45, ""),
    ]
    assert list(ReunionAutreService.objects.filter(rapport=rapport).values_list("service", "objectifs", "nombre")) == [
        ("Service médical", "PDP", 4)
    ]
    assert Reunion.history.filter(rapport_id=rapport.pk, history_change_reason=RAISON).count() == 2
    assert section_version(rapport, "I.4") == 1
    assert not Installation.objects.filter(rapport=rapport).exists()  # I.2 is another section


def _snapshot(org):
    rapport = current(org)
    return (
        list(Convention.objects.filter(rapport=rapport).values_list("pk", "objet")),
        list(EtatLocaux.objects.filter(rapport=rapport).values_list("pk", "texte")),
        list(Installation.objects.filter(rapport=rapport).values_list("pk", "vehicules")),
        list(Reunion.objects.filter(rapport=rapport).values_list("pk", "nombre")),
        section_version(rapport, "I.2"),
    )


@pytest.mark.parametrize("partial", ["convention", "locaux", "ameliorations"])
def test_a_section_partly_filled_is_refused_and_nothing_changes(org, n1, responsable, partial):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    if partial == "convention":
        Convention.objects.create(
            rapport=rapport,
            caisse_primaire=org.cpams[0],
            date_signature=datetime.date(2025, 1, 2),
            objet="Déjà saisie",
            montant_participation=Decimal("10"),
        )
    elif partial == "locaux":
        EtatLocaux.objects.create(rapport=rapport, site=org.sites[0], texte="Décrit par l'agent.")
    else:
        Installation.objects.create(rapport=rapport, ameliorations_obtenues="Une rampe d'accès")
    before = _snapshot(org)
    assert "Reprendre l'exercice" not in responsable.get(url(org, "saisie_i2")).content.decode()

    response = responsable.post(url(org, "reprise_i2"), {"version": "0"}, follow=True)

    assert messages_of(response) == [
        "La section I.2 n'est plus vide : la reprise de l'exercice précédent ne se fait que dans une section "
        "vide, pour ne jamais écraser une saisie. Rien n'a été copié."
    ]
    assert _snapshot(org) == before


def test_without_last_years_report_nothing_is_offered_nor_created(org, responsable):
    assert "Reprendre l'exercice" not in responsable.get(url(org, "saisie_i2")).content.decode()
    response = responsable.post(url(org, "reprise_i2"), {"version": "0"}, follow=True)
    assert messages_of(response) == ["Aucun rapport de l'exercice 2024 pour cette caisse : il n'y a rien à reprendre."]
    assert current(org) is None  # the guard's creation of the report is rolled back with the refusal


def test_last_years_section_empty_offers_nothing(org, responsable):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
    assert "Reprendre l'exercice" not in responsable.get(url(org, "saisie_i4")).content.decode()
    response = responsable.post(url(org, "reprise_i4"), {"version": "0"}, follow=True)
    assert messages_of(response) == [
        "Le rapport de l'exercice 2024 n'a rien à reprendre dans la section I.4 : rien n'a été copié."
    ]
    assert current(org) is None


def test_other_regions_report_is_never_the_source(org, responsable):
    other = RapportAnnuel.objects.create(caisse=org.other_region, exercice=org.previous_exercice)
    Reunion.objects.create(rapport=other, niveau="local", periodicite="mensuelle", nombre=12)
    response = responsable.post(url(org, "reprise_i4"), {"version": "0"}, follow=True)
    assert "Aucun rapport de l'exercice 2024" in messages_of(response)[0]
    assert Reunion.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "status", "offered"),
    [
        ("administrateur", 302, True),
        ("responsable", 302, True),
        ("agent", 403, False),
        ("relecteur", 403, False),
        ("responsable_autre", 404, False),
        ("agent_autre", 404, False),
    ],
)
def test_rights_per_role(org, n1, client_for, role, status, offered):
    client = client_for(org.user(role))
    if status != 404:
        page = client.get(url(org, "saisie_i4")).content.decode()
        assert ("Reprendre l'exercice 2024" in page) is offered
    response = client.post(url(org, "reprise_i4"), {"version": "0"})
    assert response.status_code == status
    assert Reunion.objects.exclude(rapport=n1).exists() is (status == 302)


def test_agent_describing_own_sites_does_not_get_the_i2_button(org, n1, client_for):
    agent = client_for(org.user("agent"))
    page = agent.get(url(org, "saisie_i2")).content.decode()
    assert "Reprendre l'exercice" not in page
    assert agent.post(url(org, "reprise_i2"), {"version": "0"}).status_code == 403
    assert current(org) is None


def test_stale_or_missing_version_copies_nothing(org, n1, responsable):
    # The section was saved twice since version 0 (a meeting added, then removed): it is empty again, at 2.
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    from caisses.guard import save_section

    save_section(
        rapport,
        "I.4",
        0,
        lambda locked: Reunion.objects.create(rapport=locked, niveau="local", periodicite="x", nombre=1),
    )
    save_section(rapport, "I.4", 1, lambda locked: Reunion.objects.filter(rapport=locked).delete())

    response = responsable.post(url(org, "reprise_i4"), {"version": "1"}, follow=True)
    assert messages_of(response) == [
        "La section I.4 a été modifiée depuis l'ouverture de la page : rien n'a été copié. "
        "Vérifiez-la ci-dessous avant de reprendre l'exercice précédent."
    ]
    response = responsable.post(url(org, "reprise_i4"), {}, follow=True)
    assert messages_of(response) == [
        "La page envoyée ne dit pas de quelle version de la section elle part : rien n'a été copié."
    ]
    response = responsable.post(url(org, "reprise_i4"), {"version": "1; drop"}, follow=True)
    assert "rien n'a été copié" in messages_of(response)[0]
    assert not Reunion.objects.filter(rapport=rapport).exists()
    assert section_version(rapport, "I.4") == 2
    # From the page's current version, the copy goes through.
    responsable.post(url(org, "reprise_i4"), {"version": "2"})
    assert Reunion.objects.filter(rapport=rapport).count() == 2


@pytest.mark.parametrize("lock", ["transmis", "valide", "exercice_clos"])
def test_a_locked_report_refuses_with_its_reason(org, n1, responsable, lock):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    if lock == "exercice_clos":
        org.exercice.ouvert = False
        org.exercice.save()
    else:
        rapport.etat = lock
        rapport.save()
    assert "Reprendre l'exercice" not in responsable.get(url(org, "saisie_i2")).content.decode()
    response = responsable.post(url(org, "reprise_i2"), {"version": "0"})
    assert response.status_code == 403
    assert "ne sont plus modifiables" in response.content.decode()
    assert not Convention.objects.filter(rapport=rapport).exists()
    assert section_version(rapport, "I.2") == 0


@pytest.mark.parametrize("name", ["reprise_i2", "reprise_i4"])
def test_get_is_not_allowed(org, n1, responsable, name):
    assert responsable.get(url(org, name)).status_code == 405
    assert current(org) is None


def _count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["saisie_i2", "saisie_i4"])
def test_the_offer_costs_the_same_whatever_last_years_size(org, n1, responsable, name):
    path = url(org, name)
    responsable.get(path)  # the plan's section states are kept after a first look
    few = _count_queries(responsable, path)
    for i in range(10):
        Convention.objects.create(
            rapport=n1,
            caisse_primaire=org.cpams[i % 2],
            date_signature=datetime.date(2020, 1, 1),
            objet=f"C{i}",
            montant_participation=Decimal(i),
        )
        Reunion.objects.create(rapport=n1, niveau="local", periodicite=f"P{i}", nombre=i)
    assert _count_queries(responsable, path) == few
    assert "Reprendre l'exercice 2024" in responsable.get(path).content.decode()


def test_a_second_click_from_the_same_page_copies_nothing_more(org, n1, responsable):
    first = responsable.post(url(org, "reprise_i2"), {"version": "0"}, follow=True)
    assert messages_of(first)[0].startswith("Reprise de l'exercice 2024 effectuée")
    response = responsable.post(url(org, "reprise_i2"), {"version": "0"}, follow=True)
    assert messages_of(response) == [
        "La section I.2 a été modifiée depuis l'ouverture de la page : rien n'a été copié. "
        "Vérifiez-la ci-dessous avant de reprendre l'exercice précédent."
    ]
    # Even from the page's new version, the section is no longer empty.
    response = responsable.post(url(org, "reprise_i2"), {"version": "1"}, follow=True)
    assert "La section I.2 n'est plus vide" in messages_of(response)[0]
    assert Convention.objects.filter(rapport=current(org)).count() == 2
    assert section_version(current(org), "I.2") == 1
