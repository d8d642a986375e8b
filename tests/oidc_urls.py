"""The OpenID provider the sign-in tests talk to: django-oauth-toolkit mounted beside the application.

The relying party (mozilla-django-oidc) calls its token, userinfo and JWKS endpoints over HTTP, as it would the
Assurance Maladie's provider; the provider's users are this site's own Django users.
"""

from csp.decorators import csp_exempt
from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView

from caisses.views_oidc import ConnexionView
from reporting_site.urls import urlpatterns as site_urlpatterns


class EmailClaimValidator(OAuth2Validator):
    """Puts the e-mail of the provider's directory in the ID token and the userinfo answer (scope "email").

    The provider's users are Django users of the same database: their own e-mail stays empty, or they would be
    one more account carrying the address the relying party matches on.
    """

    annuaire = {}  # provider login → the e-mail the provider asserts

    def get_additional_claims(self, request):
        return {"email": self.annuaire.get(request.user.get_username(), "")}


class ProviderAuthorizationView(AuthorizationView):
    """The provider sends people to its own login page, not to the application's."""

    login_url = "/o/login/"


urlpatterns = [
    path("o/authorize/", ProviderAuthorizationView.as_view(), name="fournisseur_authorize"),
    # A provider's page, not the application's: the application's CSP (form-action 'self') would stop the
    # browser from following the redirects that lead from the provider's form back to the application.
    path("o/login/", csp_exempt()(auth_views.LoginView.as_view()), name="fournisseur_login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # The login page with its provider button (reporting_site.urls points there once wired, see docs/OIDC.md).
    path("accounts/login/", ConnexionView.as_view(), name="login"),
    *site_urlpatterns,
]
