import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from caisses import scoping
from caisses.contract import contract_of
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
    assert contract_of(org.user("responsable"), rapport).editable
    assert contract_of(org.user("agent"), rapport).editable
    assert not contract_of(org.user("agent"), rapport).region_editable
    assert not contract_of(org.user("relecteur"), rapport).editable
    with pytest.raises(PermissionDenied):
        contract_of(org.user("relecteur"), rapport).require_edit()
    rapport.etat = RapportAnnuel.Etat.TRANSMIS
    assert not contract_of(org.user("responsable"), rapport).editable
    rapport.etat = RapportAnnuel.Etat.RENVOYE
    assert contract_of(org.user("responsable"), rapport).editable


def test_closed_exercice_is_read_only_for_everyone(org):
    org.exercice.ouvert = False
    org.exercice.save()
    rapport = scoping.get_rapport(org.user("responsable"), "CARSAT-T1", 2025)
    for role in ("responsable", "agent", "administrateur"):
        contract = contract_of(org.user(role), rapport)
        assert not contract.editable and not contract.region_editable
        assert contract.read_only_reason == "L'exercice 2025 est clos : ses rapports ne sont plus modifiables."
        with pytest.raises(PermissionDenied, match="clos"):
            contract.require_edit()


def test_reading_never_creates_the_report(org):
    for role in ("responsable", "agent", "relecteur", "administrateur"):
        rapport = scoping.get_rapport(org.user(role), "CARSAT-T1", 2025)
        assert rapport.pk is None and rapport.etat == RapportAnnuel.Etat.BROUILLON
    assert not RapportAnnuel.objects.exists()


def test_agent_edits_only_its_unit(org):
    rapport = scoping.get_rapport(org.user("agent"), "CARSAT-T1", 2025)
    agent = contract_of(org.user("agent"), rapport)
    assert agent.editable_caisse_ids == {org.cpams[0].pk}
    assert agent.editable_site_ids == {org.sites[0].pk}
    assert agent.may_edit_unit(caisse_id=org.cpams[0].pk) and not agent.may_edit_unit(caisse_id=org.cpams[1].pk)
    assert not agent.may_edit_unit()  # the region's own row
    responsable = contract_of(org.user("responsable"), rapport)
    assert responsable.editable_caisse_ids == {org.cpams[0].pk, org.cpams[1].pk}
    assert responsable.editable_site_ids == {org.sites[0].pk, org.sites[1].pk}
    other = RapportAnnuel(caisse=org.other_region, exercice=org.exercice)
    assert not contract_of(org.user("agent"), other).editable
    assert not contract_of(org.user("relecteur"), rapport).editable


def test_agent_of_a_site(org):
    from tests.factories import user_with_role

    agent = user_with_role("agent-site", Membership.Role.AGENT, org.cpams[1], site=org.sites[1])
    contract = contract_of(agent, RapportAnnuel(caisse=org.region, exercice=org.exercice))
    assert (contract.editable_caisse_ids, contract.editable_site_ids) == (set(), {org.sites[1].pk})


def test_membership_rules():
    nationale = Caisse(code="N", type=Caisse.Type.NATIONALE)
    region = Caisse(code="R", type=Caisse.Type.REGIONALE)
    assert membership_errors(Membership.Role.RESPONSABLE, region, None) == {}
    assert "caisse" in membership_errors(Membership.Role.RESPONSABLE, nationale, None)
    assert "caisse" in membership_errors(Membership.Role.RELECTEUR, region, None)
    assert membership_errors(Membership.Role.RELECTEUR, None, None) == {"caisse": "Choisissez une caisse."}
