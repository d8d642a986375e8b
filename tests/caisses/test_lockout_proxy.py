"""The login lockout behind the reverse proxy: a username is locked from one client address, not everyone.

Requests reach the application from the proxy (REMOTE_ADDR) with the client's address appended to
X-Forwarded-For; with PROXY_COUNT proxies the client is the PROXY_COUNT-th entry from the right.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.254"
X = "203.0.113.10"
Y = "198.51.100.20"
GOOD = "motdepasse-test"  # tests.factories.UserFactory's password
LOCKED = "Connexion temporairement bloquée"

behind_one_proxy = override_settings(PROXY_COUNT=1)


def post(username, password, forwarded=None, remote=PROXY, client=None):
    """A login through the proxy: `forwarded` is the X-Forwarded-For the application receives."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return (client or Client()).post(reverse("login"), {"username": username, "password": password}, **headers)


def lock(username, forwarded, remote=PROXY):
    """Five wrong passwords: the fifth is already refused (AXES_FAILURE_LIMIT = 5)."""
    statuses = [post(username, "mauvais", forwarded, remote).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


@pytest.fixture
def users():
    return UserFactory(username="alice"), UserFactory(username="bruno")


@behind_one_proxy
def test_five_failures_lock_the_user_from_that_address_only(users):
    lock("alice", X)

    refused = post("alice", GOOD, X)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()

    # Another user behind the same address (same proxy, same client address) still logs in.
    assert post("bruno", GOOD, X).status_code == 302
    # The same user from another address still logs in.
    assert post("alice", GOOD, Y).status_code == 302
    # ... and that success does not unlock the address that was attacking.
    assert post("alice", GOOD, X).status_code == 429


@behind_one_proxy
def test_the_lockout_records_the_client_address_not_the_proxy(users):
    lock("alice", X)
    attempt = AccessAttempt.objects.get(username="alice")
    assert attempt.ip_address == X
    assert attempt.failures_since_start == 5


@behind_one_proxy
def test_a_forwarded_header_sent_by_the_client_does_not_escape_the_lockout(users):
    # The client adds its own X-Forwarded-For; the proxy appends the address it sees, which is what counts.
    lock("alice", f"192.0.2.1, {X}")
    for spoofed in ("192.0.2.99", Y, "127.0.0.1", "pas-une-adresse"):
        assert post("alice", GOOD, f"{spoofed}, {X}").status_code == 429
    assert AccessAttempt.objects.get(username="alice").ip_address == X


@behind_one_proxy
def test_failures_spread_over_spoofed_left_entries_still_add_up(users):
    for index in range(4):
        assert post("alice", "mauvais", f"192.0.2.{index}, {X}").status_code == 200
    assert post("alice", "mauvais", f"192.0.2.50, {X}").status_code == 429


@override_settings(PROXY_COUNT=2)
def test_with_two_proxies_the_client_is_the_second_entry_from_the_right(users):
    lock("alice", f"192.0.2.1, {X}, 10.0.0.1")
    assert AccessAttempt.objects.get(username="alice").ip_address == X
    assert post("alice", GOOD, f"192.0.2.77, {X}, 10.0.0.1").status_code == 429
    assert post("alice", GOOD, f"{X}, {Y}, 10.0.0.1").status_code == 302


@behind_one_proxy
def test_a_request_without_forwarded_header_uses_the_connection_address(users):
    lock("alice", None, remote=X)
    assert AccessAttempt.objects.get(username="alice").ip_address == X
    assert post("alice", GOOD, None, remote=X).status_code == 429
    assert post("alice", GOOD, None, remote=Y).status_code == 302


@override_settings(PROXY_COUNT=0)
def test_without_proxy_count_the_forwarded_header_is_not_trusted(users):
    # Not behind a proxy: X-Forwarded-For is whatever the client wrote; the connection's address counts.
    for index in range(4):
        assert post("alice", "mauvais", f"192.0.2.{index}", remote=X).status_code == 200
    assert post("alice", "mauvais", "192.0.2.200", remote=X).status_code == 429
    assert AccessAttempt.objects.get(username="alice").ip_address == X
    # Claiming another address in the header does not unlock.
    assert post("alice", GOOD, Y, remote=X).status_code == 429
    assert post("alice", GOOD, None, remote=Y).status_code == 302


def test_the_default_settings_do_not_trust_the_forwarded_header(settings, users):
    # Tests run without BEHIND_PROXY: PROXY_COUNT is 0.
    assert settings.PROXY_COUNT == 0
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    lock("alice", X, remote=PROXY)
    assert AccessAttempt.objects.get(username="alice").ip_address == PROXY
