"""The settings read from the environment fail loudly: a missing SECRET_KEY or a malformed value stops the start.

Each case imports the settings in a fresh interpreter with a controlled environment (no pytest there, so the
test suite's own key does not apply).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV_KEY_PREFIX = "dev-insecure-key"
KEY = "q8v!2zr7w#m4n6p0t1y3u5i9o-a_s+d=f@g$h^j&k*l(x)c%v~b`n;m:,.<>?/QWERTYUIOP"
VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "HTTPS",
    "BEHIND_PROXY",
    "PROXY_COUNT",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "CONN_MAX_AGE",
    "STATIC_MANIFEST",
    "RAPPORT_PDF_CACHE",
    "DJANGO_SETTINGS_MODULE",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'SECRET_KEY': s.SECRET_KEY, 'PROXY_COUNT': s.PROXY_COUNT, "
    "'HTTPS': s.HTTPS, 'EMAIL_PORT': s.EMAIL_PORT}))"
)


def start(**variables):
    """Imports the settings and sets Django up with exactly these variables; returns the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "reporting_site.settings"
    env.update(variables)
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def started(**variables):
    result = start(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(**variables):
    result = start(**variables)
    assert result.returncode != 0, result.stdout
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


# --- SECRET_KEY -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("debug", "key"), [(None, None), ("0", None), ("false", ""), ("OFF", "   "), (None, "")])
def test_without_secret_key_and_debug_off_the_start_is_refused(debug, key):
    variables = {}
    if debug is not None:
        variables["DEBUG"] = debug
    if key is not None:
        variables["SECRET_KEY"] = key
    message = refused(**variables)
    assert "SECRET_KEY n'est pas définie" in message
    assert "obligatoire quand DEBUG est désactivé" in message
    assert "secrets.token_urlsafe" in message  # how to make one
    assert "DEBUG=1" in message  # how to run in development


def test_with_secret_key_and_debug_off_the_key_is_used():
    settings = started(DEBUG="0", SECRET_KEY=KEY)
    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == KEY


def test_the_development_key_is_used_only_with_debug_on():
    settings = started(DEBUG="1")
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"].startswith(DEV_KEY_PREFIX)


def test_the_test_suite_does_not_run_with_the_repository_key():
    from django.conf import settings

    assert not settings.SECRET_KEY.startswith(DEV_KEY_PREFIX)
    assert len(settings.SECRET_KEY) >= 50


# --- Booleans -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("TRUE", True), ("yes", True), ("On", True)]
    + [("0", False), ("false", False), ("False", False), ("no", False), ("off", False), ("", False)],
)
def test_boolean_values_accepted(monkeypatch, value, expected):
    from reporting_site.settings import env_bool

    monkeypatch.setenv("HTTPS", value)
    assert env_bool("HTTPS", default=False) is expected


def test_boolean_values_accepted_at_the_start():
    assert started(SECRET_KEY=KEY, HTTPS="On")["HTTPS"] is True
    assert started(SECRET_KEY=KEY, HTTPS="FALSE")["HTTPS"] is False


@pytest.mark.parametrize(
    ("name", "value"),
    [("DEBUG", "maybe"), ("DEBUG", "2"), ("HTTPS", "oui"), ("BEHIND_PROXY", "vrai"), ("EMAIL_USE_TLS", "tls")]
    + [("RAPPORT_PDF_CACHE", "-1"), ("STATIC_MANIFEST", "enabled")],
)
def test_a_malformed_boolean_stops_the_start_and_names_the_variable(name, value):
    message = refused(**{"SECRET_KEY": KEY, name: value})
    assert f"La variable d'environnement {name} vaut {value!r}" in message
    assert "1, 0, true, false, yes, no, on, off" in message


# --- Integers -------------------------------------------------------------------------------------------------


def test_integers_are_read():
    settings = started(SECRET_KEY=KEY, EMAIL_PORT=" 587 ", BEHIND_PROXY="1", PROXY_COUNT="2", CONN_MAX_AGE="60")
    assert settings["EMAIL_PORT"] == 587
    assert settings["PROXY_COUNT"] == 2


@pytest.mark.parametrize(
    ("name", "value", "minimum"),
    [("EMAIL_PORT", "vingt-cinq", 1), ("EMAIL_PORT", "0", 1), ("CONN_MAX_AGE", "1.5", 0)]
    + [("CONN_MAX_AGE", "-1", 0), ("PROXY_COUNT", "un", 0), ("PROXY_COUNT", "-1", 0)],
)
def test_a_malformed_integer_stops_the_start_and_names_the_variable(name, value, minimum):
    message = refused(SECRET_KEY=KEY, BEHIND_PROXY="1", **{name: value})
    assert f"La variable d'environnement {name} vaut {value!r}" in message
    assert f"un nombre entier supérieur ou égal à {minimum} est attendu" in message


# --- The proxy ------------------------------------------------------------------------------------------------


def test_behind_the_proxy_one_proxy_is_trusted_by_default():
    assert started(SECRET_KEY=KEY, BEHIND_PROXY="1")["PROXY_COUNT"] == 1


def test_without_the_proxy_the_forwarded_header_is_not_trusted():
    assert started(SECRET_KEY=KEY)["PROXY_COUNT"] == 0


def test_proxy_count_without_behind_proxy_stops_the_start():
    message = refused(SECRET_KEY=KEY, PROXY_COUNT="2")
    assert "PROXY_COUNT n'a d'effet qu'avec BEHIND_PROXY=1" in message
