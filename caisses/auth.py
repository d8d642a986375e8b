"""Authentication: the backend reading the user's membership, and the e-mails that let a user choose a password.

Password reset and invitations send a link to Django's password-reset confirmation page, signed by
default_token_generator: the link works once, for PASSWORD_RESET_TIMEOUT (one day). It is built on SITE_URL:
an invitation is sent from the admin, and the site's public address is not always the one a request came through.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .numbers import format_date_heure
from .taches import en_echec, envoyer_courriels

# Everything scoping.py and the navigation read from a membership: role, caisse or site, and the region above.
MEMBERSHIP_RELATED = ("membership__caisse__parent", "membership__site__caisse__parent")

RESET_SUBJECT = "registration/password_reset_subject.txt"
RESET_EMAIL = "registration/password_reset_email.txt"
INVITATION_SUBJECT = "registration/invitation_subject.txt"
INVITATION_EMAIL = "registration/invitation_email.txt"

logger = logging.getLogger(__name__)


class MembershipModelBackend(ModelBackend):
    """Django's ModelBackend, loading the user's membership in the same query (one query less on every page)."""

    def get_user(self, user_id):
        UserModel = get_user_model()  # noqa: N806 (Django's own spelling)
        try:
            user = UserModel._default_manager.select_related(*MEMBERSHIP_RELATED).get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def password_link(user):
    """The absolute address where `user` chooses a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def send_password_mail(user, subject_template, body_template):
    """Render one of the password e-mails to `user` now (its link is signed now) and have it sent by a task;
    False when the sending failed already (immediate backend)."""
    expiry = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    context = {
        "user": user,
        "lien": password_link(user),
        "site_url": settings.SITE_URL,
        "expiration": format_date_heure(expiry),
    }
    subject = "".join(render_to_string(subject_template, context).splitlines())
    body = render_to_string(body_template, context)
    result = envoyer_courriels.enqueue(subject, body, [user.email])
    if en_echec(result):
        logger.error("Envoi du lien de mot de passe impossible (utilisateur %s)", user.pk)
        return False
    return True


def send_invitation(user):
    """The invitation of a new account: a link to choose its password."""
    return send_password_mail(user, INVITATION_SUBJECT, INVITATION_EMAIL)


class ResetForm(PasswordResetForm):
    """« Mot de passe oublié » by e-mail: the same answer whether or not the address is known.

    Unlike Django's form, an invited user who has not chosen a password yet (unusable password) gets the link
    too: the invitation may have expired, and no account here is managed outside the application.
    """

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return [user for user in users if user.email.casefold() == email.casefold()]

    def save(self, **kwargs):
        # The page answers the same either way (no hint that the address is known): a failure is only logged.
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_mail(user, RESET_SUBJECT, RESET_EMAIL)
