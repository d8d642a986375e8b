import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from caisses import scoping
from caisses.models import Caisse, Membership, RapportAnnuel, membership_errors

pytestmark = pytest.mark.django_db


def test_visible_regions_by_role(org):
    def codes(role):
        return set(scoping.visible_regions(org.user(role)).values_list("code", flat=True))

    assert codes("relecteur") == codes("administrateur") == {"CARSAT-T1", "CARSAT-T2"}
    assert codes("responsable") == codes("agent") == {"CARSAT-T1"}
    assert codes("responsable_autre") == {"CARSAT-T2"}
    assert codes("sans_role") == set()


def test_get_rapport_out_of_scope_is_404(org):
    with pytest.raises(Http404):
        scoping.get_rapport(org.user("responsable_autre"), "CARSAT-T1", 2025)
    with pytest.raises(Http404):
        scoping.get_rapport(org.user("responsable"), "CARSAT-T1", 1999)


def test_get_rapport_of_an_existing_report_is_one_query_and_keeps_its_scope(
    org, django_assert_num_queries, django_assert_max_num_queries
):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    responsable = org.user("responsable")
    scoping.membership_of(responsable)  # the membership comes with the user of a request (caisses.auth)
    with django_assert_num_queries(1):
        rapport = scoping.get_rapport(responsable, "CARSAT-T1", 2025, select_related=("partie_trois",))
    assert (rapport.caisse, rapport.exercice) == (org.region, org.exercice)
    with django_assert_num_queries(0):
        assert rapport.caisse.code == "CARSAT-T1" and rapport.exercice.annee == 2025
        assert getattr(rapport, "partie_trois", None) is None
    for role in ("responsable_autre", "agent_autre", "sans_role"):
        with pytest.raises(Http404):
            scoping.get_rapport(org.user(role), "CARSAT-T1", 2025)
    with django_assert_max_num_queries(1):
        assert scoping.get_rapport(org.user("relecteur"), "CARSAT-T1", 2025) == rapport


def test_edit_rights(org):
    rapport = scoping.get_rapport(org.user("responsable"), "CARSAT-T1", 2025)
    assert scoping.can_edit_rapport(org.user("responsable"), rapport)
    assert scoping.can_edit_rapport(org.user("agent"), rapport)
    assert not scoping.can_edit_rapport(org.user("relecteur"), rapport)
    with pytest.raises(PermissionDenied):
        scoping.require_edit(org.user("relecteur"), rapport)
    rapport.etat = RapportAnnuel.Etat.TRANSMIS
    assert not scoping.can_edit_rapport(org.user("responsable"), rapport)
    rapport.etat = RapportAnnuel.Etat.RENVOYE
    assert scoping.can_edit_rapport(org.user("responsable"), rapport)


def test_agent_edits_only_its_unit(org):
    caisse_ids, site_ids = scoping.editable_units(org.user("agent"), org.region)
    assert caisse_ids == {org.cpams[0].pk}
    assert site_ids == {org.sites[0].pk}
    caisse_ids, site_ids = scoping.editable_units(org.user("responsable"), org.region)
    assert caisse_ids == {org.cpams[0].pk, org.cpams[1].pk}
    assert site_ids == {org.sites[0].pk, org.sites[1].pk}
    assert scoping.editable_units(org.user("agent"), org.other_region) == (set(), set())
    assert scoping.editable_units(org.user("relecteur"), org.region) == (set(), set())


def test_agent_of_a_site(org):
    from tests.factories import user_with_role

    agent = user_with_role("agent-site", Membership.Role.AGENT, org.cpams[1], site=org.sites[1])
    assert scoping.editable_units(agent, org.region) == (set(), {org.sites[1].pk})


def test_membership_rules():
    nationale = Caisse(code="N", type=Caisse.Type.NATIONALE)
    region = Caisse(code="R", type=Caisse.Type.REGIONALE)
    assert membership_errors(Membership.Role.RESPONSABLE, region, None) == {}
    assert "caisse" in membership_errors(Membership.Role.RESPONSABLE, nationale, None)
    assert "caisse" in membership_errors(Membership.Role.RELECTEUR, region, None)
    assert membership_errors(Membership.Role.RELECTEUR, None, None) == {"caisse": "Choisissez une caisse."}
