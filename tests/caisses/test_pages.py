import pytest
from django.urls import reverse

from caisses.models import RapportAnnuel

pytestmark = pytest.mark.django_db


def test_unknown_caisse_code_gives_french_404_page(org, client_for):
    response = client_for(org.user("relecteur")).get("/caisses/CARSAT-INCONNUE/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert '<html lang="fr">' in html
    assert "Traceback" not in html


def test_unknown_url_gives_french_404_page(org, client_for):
    response = client_for(org.user("responsable")).get("/rapports/CARSAT-T1/1899/pas-une-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_cpam_code_is_not_a_region(org, client_for):
    response = client_for(org.user("relecteur")).get(reverse("region_detail", args=[org.cpams[0].code]))
    assert response.status_code == 404


def test_home_of_responsable_lists_its_region_reports_by_exercice(org, client_for):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=RapportAnnuel.Etat.TRANSMIS)
    html = client_for(org.user("responsable")).get(reverse("home")).content.decode()
    assert "CARSAT Test Un" in html
    assert "CARSAT Test Deux" not in html
    assert "2025" in html and "2024" in html
    assert "Transmis" in html
    assert "Responsable régional" in html  # role in the header


def test_home_of_agent_names_its_unit(org, client_for):
    html = client_for(org.user("agent")).get(reverse("home")).content.decode()
    assert "CPAM Test Onze" in html
    assert "CARSAT Test Un" in html
    assert "CARSAT Test Deux" not in html
    assert "Agent de saisie" in html


def test_home_of_relecteur_lists_every_region(org, client_for):
    html = client_for(org.user("relecteur")).get(reverse("home")).content.decode()
    assert "CARSAT Test Un" in html and "CARSAT Test Deux" in html
    assert "Relecteur national" in html
    assert reverse("admin:index") not in html


def test_home_of_admin_links_to_admin(org, client_for):
    html = client_for(org.user("administrateur")).get(reverse("home")).content.decode()
    assert reverse("admin:index") in html
    assert "CARSAT Test Deux" in html


def test_home_of_user_without_role_explains(org, client_for):
    html = client_for(org.user("sans_role")).get(reverse("home")).content.decode()
    assert "Aucun rôle ne vous est attribué" in html


def test_late_report_is_flagged(org, client_for):
    # The 2024 exercice's due date (30 April 2025) is past and nothing was transmitted.
    html = client_for(org.user("responsable")).get(reverse("home")).content.decode()
    assert "En retard" in html


def test_region_page_lists_cpams_and_sites(org, client_for):
    html = client_for(org.user("agent")).get(reverse("region_detail", args=[org.region.code])).content.decode()
    assert "CPAM Test Onze" in html and "CPAM Test Douze" in html
    assert "UL-T11" in html and "PAS-T12" in html
    assert "UL-T21" not in html


def test_home_query_count_does_not_grow_with_regions(org, client_for, django_assert_max_num_queries):
    client = client_for(org.user("relecteur"))
    client.get(reverse("home"))
    with django_assert_max_num_queries(8):
        client.get(reverse("home"))


def test_admin_is_in_french_and_searchable(org, client_for):
    client = client_for(org.user("administrateur"))
    response = client.get(reverse("admin:caisses_caisse_changelist"), {"q": "CPAM-T1"})
    assert response.status_code == 200
    assert [c.code for c in response.context["cl"].result_list] == ["CPAM-T11", "CPAM-T12"]
    assert "Filtre" in response.content.decode()


def test_admin_membership_without_caisse_or_role_is_a_french_form_error(org, client_for):
    """The admin's add form runs Membership.clean() after the caisse failed its own check: a French error on the
    form, never a 500."""
    client = client_for(org.user("administrateur"))
    other = org.user("agent")
    other.membership.delete()
    add = reverse("admin:caisses_membership_add")
    response = client.post(add, {"user": other.pk, "role": "responsable", "caisse": "", "site": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(add, {"user": other.pk, "role": "", "caisse": org.region.pk, "site": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(add, {"user": other.pk, "role": "relecteur", "caisse": org.region.pk, "site": ""})
    assert response.status_code == 200
    assert "Ce rôle doit être rattaché à une caisse nationale." in response.content.decode()
    assert not type(other.membership).objects.filter(user=other).exists()
