import pytest

from caisses.auth import MembershipModelBackend

pytestmark = pytest.mark.django_db


def test_the_user_of_a_request_comes_with_its_membership(org, django_assert_num_queries):
    backend = MembershipModelBackend()
    for role in ("agent", "responsable", "sans_role"):
        with django_assert_num_queries(1):
            user = backend.get_user(org.user(role).pk)
        with django_assert_num_queries(0):
            membership = getattr(user, "membership", None)
            if role == "sans_role":
                assert membership is None
            else:
                assert membership.region == org.region
                assert membership.caisse.nom


def test_an_unknown_or_inactive_user_is_none(org):
    backend = MembershipModelBackend()
    assert backend.get_user(10**9) is None
    user = org.user("agent")
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None
