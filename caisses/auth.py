"""Authentication backend: the user of each request comes with its membership, read by every page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# Everything scoping.py and the navigation read from a membership: role, caisse or site, and the region above.
MEMBERSHIP_RELATED = ("membership__caisse__parent", "membership__site__caisse__parent")


class MembershipModelBackend(ModelBackend):
    """Django's ModelBackend, loading the user's membership in the same query (one query less on every page)."""

    def get_user(self, user_id):
        UserModel = get_user_model()  # noqa: N806 (Django's own spelling)
        try:
            user = UserModel._default_manager.select_related(*MEMBERSHIP_RELATED).get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
