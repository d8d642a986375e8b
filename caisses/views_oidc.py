"""The pages of the sign-in with the Assurance Maladie's provider: the library's views, gated by OIDC_ENABLED."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import resolve_url
from django.views.generic import TemplateView
from mozilla_django_oidc import views as oidc_views

from . import oidc

REFUS_MESSAGES = {
    oidc.INCONNU: (
        "Aucun compte ne correspond à votre adresse électronique (celle que le fournisseur d'identité de "
        "l'Assurance Maladie nous a transmise)."
    ),
    oidc.PLUSIEURS: (
        "Plusieurs comptes de l'application portent votre adresse électronique : la connexion ne peut pas choisir "
        "entre eux."
    ),
    oidc.SANS_ROLE: "Votre compte existe, mais aucun rôle ne vous a encore été attribué dans l'application.",
    oidc.FOURNISSEUR: (
        "L'échange avec le fournisseur d'identité de l'Assurance Maladie n'a pas abouti. Réessayez dans quelques "
        "instants."
    ),
}
REFUS_PAR_DEFAUT = "La connexion avec le compte de l'Assurance Maladie n'a pas abouti."


class OIDCEnabledMixin:
    """Without OIDC_RP_CLIENT_ID the provider's pages do not exist: 404, not a half-configured redirect."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("La connexion par le compte de l'Assurance Maladie n'est pas activée.")
        return super().dispatch(request, *args, **kwargs)


class AuthenticationRequestView(OIDCEnabledMixin, oidc_views.OIDCAuthenticationRequestView):
    pass


class AuthenticationCallbackView(OIDCEnabledMixin, oidc_views.OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        # The library redirects to the setting as it is: a URL name ("oidc_refus") must be resolved first.
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "/"))


class LogoutView(OIDCEnabledMixin, oidc_views.OIDCLogoutView):
    pass


class ConnexionView(auth_views.LoginView):
    """Django's login page, offering the provider's sign-in when it is on."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(oidc_enabled=settings.OIDC_ENABLED, **kwargs)


class RefusView(TemplateView):
    template_name = "registration/oidc_refus.html"

    def get_context_data(self, **kwargs):
        raison = self.request.session.pop(oidc.REFUS_SESSION_KEY, None)
        return super().get_context_data(
            raison=raison, message=REFUS_MESSAGES.get(raison, REFUS_PAR_DEFAUT), oidc_enabled=settings.OIDC_ENABLED
        )
