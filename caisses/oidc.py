"""Sign-in with the Assurance Maladie's OpenID Connect provider (mozilla-django-oidc).

The provider vouches for an identity; the application decides who may enter. A person is matched by e-mail to
exactly one active account that holds a role here (a membership, or superuser status): the login never creates
an account nor a role. Every refusal leaves its reason in the session for the refusal page (views_oidc).
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .auth import MembershipModelBackend
from .scoping import role_of

logger = logging.getLogger(__name__)

# Why the last sign-in was refused, read once by the refusal page.
REFUS_SESSION_KEY = "oidc_refus"
INCONNU = "inconnu"
PLUSIEURS = "plusieurs"
SANS_ROLE = "sans_role"
FOURNISSEUR = "fournisseur"


class AssuranceMaladieOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password form posted with ?code=…&state=… must not start a
        # token exchange that skips the state check.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        if {"username", "password"} & kwargs.keys():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, ValueError, KeyError) as error:
            # A provider that is down or answers garbage (a forged code, a bad signature): a refusal page, not a 500.
            logger.warning("Connexion OIDC refusée : échange avec le fournisseur en échec (%s)", error)
            self._refuse(request, FOURNISSEUR)
            return None

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        users = (
            get_user_model()._default_manager.filter(email__iexact=email, is_active=True).select_related("membership")
        )
        # iexact follows the database's collation: casefold settles it the same way on SQLite and PostgreSQL.
        return [user for user in users if user.email.strip().casefold() == email.casefold()]

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(user_info):
            logger.warning("Connexion OIDC refusée : le fournisseur n'a pas transmis d'adresse électronique")
            return self._refuse(self.request, INCONNU)
        users = self.filter_users_by_claims(user_info)
        if len(users) > 1:
            # The ids are enough for an administrator to find the duplicates: no e-mail address in the logs.
            logger.warning(
                "Connexion OIDC refusée : %d comptes actifs portent la même adresse électronique (utilisateurs %s)",
                len(users),
                ", ".join(str(user.pk) for user in users),
            )
            return self._refuse(self.request, PLUSIEURS)
        if not users:
            logger.info("Connexion OIDC refusée : aucun compte actif pour l'adresse transmise")
            return self._refuse(self.request, INCONNU)
        user = users[0]
        if role_of(user) is None:
            logger.info("Connexion OIDC refusée : le compte %s n'a aucun rôle", user.pk)
            return self._refuse(self.request, SANS_ROLE)
        return user

    def create_user(self, claims):
        # Accounts and roles are given by an administrator, never by the provider.
        return None

    def get_user(self, user_id):
        return MembershipModelBackend().get_user(user_id)

    @staticmethod
    def _refuse(request, reason):
        request.session[REFUS_SESSION_KEY] = reason
        return None


def hors_verrouillage(request, credentials):
    """AXES_WHITELIST_CALLABLE: the provider's callback is no password attempt, so it neither counts nor locks.

    Its refusals carry no username: axes would count them against the address alone, and five people without
    an account behind one office address would lock everyone's sign-in there for an hour. The codes it takes
    are the provider's, single-use and unguessable: there is nothing to guess at this door.
    """
    credentials = credentials or {}
    return "nonce" in credentials and not credentials.get("username") and not credentials.get("password")
