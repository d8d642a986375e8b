"""Sign-in with the Assurance Maladie's OpenID provider, end to end against a real provider served by the tests.

django-oauth-toolkit's OIDC provider runs on the live server beside the application (tests/oidc_urls.py); the
relying party calls its token, userinfo and JWKS endpoints over HTTP. A requests.Session plays the browser.
"""

import re
import subprocess
import sys
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from caisses.models import Membership
from tests.browser.conftest import restore_migration_data
from tests.factories import UserFactory
from tests.oidc_urls import EmailClaimValidator

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["axes.backends.AxesStandaloneBackend", "caisses.oidc.AssuranceMaladieOIDCBackend"]
BACKENDS += ["caisses.auth.MembershipModelBackend"]
CLIENT_ID = "rapports-service-social"
CLIENT_SECRET = "secret-du-client-de-test-0123456789"
PROVIDER_PASSWORD = "motdepasse-fournisseur"
BUTTON = "Se connecter avec le compte de l'Assurance Maladie"
MARIE = "Marie.Dupont@assurance-maladie.test"


def rsa_private_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def oidc_on(settings, base_url):
    """The relying party's settings as reporting_site.settings builds them from the environment."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base_url}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base_url}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base_url}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base_url}/o/.well-known/jwks.json"
    settings.OIDC_TIMEOUT = 10
    settings.AUTHENTICATION_BACKENDS = BACKENDS


@dataclass
class Sites:
    rp: str  # the application (relying party)
    op: str  # the provider, on the same server under another host name, so with its own cookies


@pytest.fixture
def provider(live_server, settings, transactional_db):
    """The OpenID provider and the relying party's registration there."""
    from oauth2_provider.models import get_application_model

    # A transactional test starts after another one's flush: the data migrations' rows must be put back.
    restore_migration_data()
    sites = Sites(rp=live_server.url, op=live_server.url.replace("//localhost:", "//127.0.0.1:"))
    assert sites.op != sites.rp
    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": rsa_private_key(),
        "SCOPES": {"openid": "OpenID Connect", "email": "Adresse électronique"},
        "PKCE_REQUIRED": False,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http"],
        "OAUTH2_VALIDATOR_CLASS": "tests.oidc_urls.EmailClaimValidator",
    }
    settings.ROOT_URLCONF = "tests.oidc_urls"
    oidc_on(settings, sites.op)
    application = get_application_model()
    application.objects.create(
        name="Rapports d'activité",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{sites.rp}/oidc/callback/",
        algorithm=application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    EmailClaimValidator.annuaire.clear()
    yield sites
    EmailClaimValidator.annuaire.clear()


def provider_person(login, email):
    """Someone the provider knows: a provider-side login that asserts `email` (and no account of this site)."""
    UserFactory(username=login, email="", password=PROVIDER_PASSWORD)
    EmailClaimValidator.annuaire[login] = email


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(sites, login, start="/oidc/authenticate/"):
    """Click the provider's button, sign in at the provider; returns the session and the last answer."""
    session = requests.Session()
    answer = session.get(sites.rp + start, timeout=30)
    # Not signed in at the provider: its authorize page sends to the (provider's) login form.
    assert answer.url.startswith(sites.op + "/o/login/"), answer.url
    next_url = parse_qs(urlsplit(answer.url).query)["next"][0]
    assert next_url.startswith("/o/authorize/")
    data = {"username": login, "password": PROVIDER_PASSWORD, "next": next_url}
    data["csrfmiddlewaretoken"] = csrf_token(answer.text)
    answer = session.post(answer.url, data=data, timeout=30)
    return session, answer


def page(answer):
    """The answer's text as read on screen (Django escapes the apostrophes)."""
    return unescape(answer.text)


def identity(html):
    match = re.search(r'data-testid="identite">(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else None


def is_anonymous(session, base_url):
    answer = session.get(base_url + "/", allow_redirects=False, timeout=30)
    return answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == "/accounts/login/"


# --- End to end against the provider ---------------------------------------------------------------------------


def test_a_known_email_signs_in_as_the_matching_account(provider, org):
    responsable = org.user("responsable")
    responsable.email = MARIE.lower()  # the case the provider uses does not matter
    responsable.save()
    provider_person("idp-mdupont", MARIE)
    accounts = get_user_model().objects.count()

    session, answer = sign_in(provider, "idp-mdupont")

    assert answer.status_code == 200
    assert urlsplit(answer.url).path == "/"
    shown = identity(answer.text)
    assert shown is not None and shown.startswith("t-responsable — Responsable régional"), shown
    assert "idp-mdupont" not in page(answer)
    assert get_user_model().objects.count() == accounts
    assert not is_anonymous(session, provider.rp)


def test_sign_in_works_with_pkce_when_the_provider_requires_it(provider, org, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "PKCE_REQUIRED": True}
    settings.OIDC_USE_PKCE = True
    org.user("responsable").email = MARIE
    org.user("responsable").save()
    provider_person("idp-mdupont", MARIE)

    _, answer = sign_in(provider, "idp-mdupont")

    assert identity(answer.text).startswith("t-responsable — Responsable régional")


def test_the_page_asked_for_before_signing_in_is_reached_after(provider, org):
    org.user("agent").email = MARIE
    org.user("agent").save()
    provider_person("idp-mdupont", MARIE)

    _, answer = sign_in(provider, "idp-mdupont", start="/oidc/authenticate/?next=/dictionnaire/")

    assert urlsplit(answer.url).path == "/dictionnaire/"
    assert identity(answer.text).startswith("t-agent — Agent de saisie")


def test_an_unknown_email_is_refused_with_a_french_page_and_no_account(provider, org):
    provider_person("idp-inconnu", "personne.inconnue@assurance-maladie.test")
    accounts = get_user_model().objects.count()
    memberships = Membership.objects.count()

    session, answer = sign_in(provider, "idp-inconnu")

    assert answer.status_code == 200
    assert urlsplit(answer.url).path == "/oidc/refus/"
    assert "Connexion refusée" in page(answer)
    assert "Aucun compte ne correspond à votre adresse électronique" in page(answer)
    assert "demandez à l'administrateur" in page(answer)
    assert 'href="/accounts/login/"' in page(answer)
    assert get_user_model().objects.count() == accounts
    assert Membership.objects.count() == memberships
    assert is_anonymous(session, provider.rp)


def test_several_accounts_with_the_email_are_refused(provider, org, caplog):
    for name in ("responsable", "agent"):
        org.user(name).email = MARIE
        org.user(name).save()
    provider_person("idp-mdupont", MARIE)

    session, answer = sign_in(provider, "idp-mdupont")

    assert urlsplit(answer.url).path == "/oidc/refus/"
    assert "Plusieurs comptes de l'application portent votre adresse" in page(answer)
    assert is_anonymous(session, provider.rp)
    # The live server's thread logs through the same handlers.
    logged = [r.getMessage() for r in caplog.records if r.name == "caisses.oidc"]
    assert any(f"utilisateurs {org.user('responsable').pk}, {org.user('agent').pk}" in m for m in logged) or any(
        f"utilisateurs {org.user('agent').pk}, {org.user('responsable').pk}" in m for m in logged
    ), logged
    assert not any(MARIE.casefold() in m.casefold() for m in logged)


def test_an_account_without_role_or_inactive_is_refused(provider, org):
    sans_role = org.user("sans_role")
    sans_role.email = MARIE
    sans_role.save()
    UserFactory(username="ancien-agent", email="ancien@assurance-maladie.test", is_active=False)
    provider_person("idp-mdupont", MARIE)
    provider_person("idp-ancien", "ancien@assurance-maladie.test")

    session, answer = sign_in(provider, "idp-mdupont")
    assert "aucun rôle ne vous a encore été attribué" in page(answer)
    assert is_anonymous(session, provider.rp)

    session, answer = sign_in(provider, "idp-ancien")
    assert "Aucun compte ne correspond à votre adresse électronique" in page(answer)
    assert is_anonymous(session, provider.rp)


def test_sign_out_leaves_the_person_anonymous(provider, org):
    relecteur = org.user("relecteur")
    relecteur.email = MARIE
    relecteur.save()
    provider_person("idp-mdupont", MARIE)
    session, answer = sign_in(provider, "idp-mdupont")
    assert identity(answer.text).startswith("t-relecteur — Relecteur national")

    # The header's « Se déconnecter » form.
    form = re.search(r'<form method="post" action="/accounts/logout/".*?</form>', answer.text, re.S).group(0)
    answer = session.post(provider.rp + "/accounts/logout/", data={"csrfmiddlewaretoken": csrf_token(form)}, timeout=30)

    assert urlsplit(answer.url).path == "/accounts/login/"
    assert BUTTON in page(answer)
    assert is_anonymous(session, provider.rp)


def test_the_library_sign_out_also_leaves_the_person_anonymous(provider, org):
    org.user("responsable").email = MARIE
    org.user("responsable").save()
    provider_person("idp-mdupont", MARIE)
    session, answer = sign_in(provider, "idp-mdupont")
    form = re.search(r'<form method="post" action="/accounts/logout/".*?</form>', answer.text, re.S).group(0)

    answer = session.post(provider.rp + "/oidc/logout/", data={"csrfmiddlewaretoken": csrf_token(form)}, timeout=30)

    assert urlsplit(answer.url).path == "/accounts/login/"
    assert is_anonymous(session, provider.rp)


def test_a_forged_callback_answers_4xx_or_the_refusal_page_never_500(provider, org):
    session = requests.Session()
    # No sign-in started in this session.
    answer = session.get(provider.rp + "/oidc/callback/?code=abc&state=inconnu", timeout=30)
    assert urlsplit(answer.url).path == "/oidc/refus/"

    start = session.get(provider.rp + "/oidc/authenticate/", allow_redirects=False, timeout=30)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    # A sign-in started, and a state this session was never given.
    assert session.get(provider.rp + "/oidc/callback/?code=abc&state=autre", timeout=30).status_code == 400

    # The state issued, with a code the provider never gave.
    answer = session.get(provider.rp + f"/oidc/callback/?code=invente&state={state}", timeout=30)
    assert answer.status_code == 200
    assert urlsplit(answer.url).path == "/oidc/refus/"
    assert "L'échange avec le fournisseur d'identité de l'Assurance Maladie n'a pas abouti" in page(answer)
    assert is_anonymous(session, provider.rp)

    # The person declined at the provider: it sends back an error.
    answer = session.get(provider.rp + "/oidc/callback/?error=access_denied&state=x", timeout=30)
    assert urlsplit(answer.url).path == "/oidc/refus/"
    assert "n'a pas abouti" in page(answer)


def test_refusals_do_not_lock_out_the_next_person_of_the_same_address(provider, org, settings):
    # What reporting_site.settings sets (test_the_site_settings_exempt_the_callback_from_lockout).
    settings.AXES_WHITELIST_CALLABLE = "caisses.oidc.hors_verrouillage"
    provider_person("idp-inconnu", "personne.inconnue@assurance-maladie.test")
    for _ in range(6):
        _, answer = sign_in(provider, "idp-inconnu")
        assert urlsplit(answer.url).path == "/oidc/refus/"
    org.user("responsable").email = MARIE
    org.user("responsable").save()
    provider_person("idp-mdupont", MARIE)

    _, answer = sign_in(provider, "idp-mdupont")

    assert identity(answer.text).startswith("t-responsable — Responsable régional")


@pytest.mark.django_db
def test_password_failures_still_lock_out_with_the_callback_exempted(client, settings):
    settings.AXES_WHITELIST_CALLABLE = "caisses.oidc.hors_verrouillage"
    UserFactory(username="marie")
    for _ in range(5):
        client.post(reverse("login"), {"username": "marie", "password": "mauvais"}, REMOTE_ADDR="10.0.0.9")
    answer = client.post(reverse("login"), {"username": "marie", "password": "motdepasse-test"}, REMOTE_ADDR="10.0.0.9")
    assert answer.status_code == 429


# --- Without the provider --------------------------------------------------------------------------------------


@pytest.mark.urls("tests.oidc_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"])
def test_with_oidc_off_the_provider_pages_do_not_exist(client, settings, name):
    settings.OIDC_ENABLED = False
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name)).status_code in (404, 405)


@pytest.mark.urls("tests.oidc_urls")
@pytest.mark.django_db
def test_with_oidc_off_the_login_page_has_no_provider_button(client, settings):
    settings.OIDC_ENABLED = False
    html = unescape(client.get(reverse("login")).content.decode())
    assert BUTTON not in html
    assert "Connectez-vous avec l'identifiant qui vous a été attribué" in html


@pytest.mark.urls("tests.oidc_urls")
@pytest.mark.django_db
def test_with_oidc_on_the_login_page_offers_the_provider_and_keeps_the_local_form(client, settings):
    oidc_on(settings, "https://idp.assurance-maladie.test")
    html = unescape(client.get(reverse("login") + "?next=/dictionnaire/").content.decode())
    assert BUTTON in html
    assert 'href="/oidc/authenticate/?next=/dictionnaire/"' in html
    assert "Connexion locale (administrateurs)" in html
    assert 'name="password"' in html


@pytest.mark.django_db
def test_with_oidc_on_the_button_sends_to_the_provider(client, settings):
    oidc_on(settings, "https://idp.assurance-maladie.test")
    answer = client.get(reverse("oidc_authentication_init"))
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://idp.assurance-maladie.test/o/authorize/"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["openid email"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["state"] and query["nonce"]


def test_the_site_settings_exempt_the_callback_from_lockout():
    import reporting_site.settings as site_settings

    assert getattr(site_settings, "AXES_WHITELIST_CALLABLE", None) == "caisses.oidc.hors_verrouillage"


def test_the_site_login_page_is_the_provider_aware_one():
    from django.urls import resolve

    from caisses.views_oidc import ConnexionView

    assert resolve("/accounts/login/", urlconf="reporting_site.urls").func.view_class is ConnexionView


@pytest.mark.django_db
def test_the_backend_does_nothing_when_oidc_is_off_or_for_a_password_form(settings):
    from caisses.oidc import REFUS_SESSION_KEY, AssuranceMaladieOIDCBackend

    oidc_on(settings, "http://127.0.0.1:9")  # nothing listens there: an exchange would fail and be recorded
    request = RequestFactory().post("/accounts/login/?code=abc&state=def")
    request.session = {}
    backend = AssuranceMaladieOIDCBackend()
    assert backend.authenticate(request, username="marie", password="x") is None
    assert backend.authenticate(request, nonce=None, username="marie", password="x") is None
    settings.OIDC_ENABLED = False
    assert backend.authenticate(request, nonce="n", code_verifier=None) is None
    assert REFUS_SESSION_KEY not in request.session


def test_the_refusal_page_without_a_reason_is_generic(client, db):
    html = unescape(client.get(reverse("oidc_refus")).content.decode())
    assert "La connexion avec le compte de l'Assurance Maladie n'a pas abouti." in html
    assert 'href="/accounts/login/"' in html


# --- Settings ---------------------------------------------------------------------------------------------------

SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.OIDC_ENABLED, 'caisses.oidc.AssuranceMaladieOIDCBackend' in s.AUTHENTICATION_BACKENDS)"
)
ENDPOINTS = {
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.test/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.test/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.test/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.test/jwks",
}


def start(**variables):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update(DJANGO_SETTINGS_MODULE="reporting_site.settings", DEBUG="1", **variables)
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_client_id_without_the_endpoints_stops_the_start():
    result = start(OIDC_RP_CLIENT_ID="rapports", OIDC_RP_CLIENT_SECRET="secret")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr
    assert "OIDC_OP_JWKS_ENDPOINT" in result.stderr


def test_the_provider_is_on_with_every_variable_and_off_without_client_id():
    on = start(OIDC_RP_CLIENT_ID="rapports", **ENDPOINTS)
    assert on.returncode == 0, on.stderr
    assert on.stdout.split()[-2:] == ["True", "True"]
    off = start()
    assert off.returncode == 0, off.stderr
    assert off.stdout.split()[-2:] == ["False", "False"]
