import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WRONG = "Saisissez un nom d’utilisateur et un mot de passe valides"


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1")


def test_login_page_is_french(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Connexion" in html
    assert "Nom d’utilisateur" in html


def test_wrong_password_gives_french_message_without_hint(client):
    UserFactory(username="marie")
    known = attempt(client, "marie", "mauvais").content.decode()
    unknown = attempt(client, "personne", "mauvais").content.decode()
    assert WRONG in known
    assert WRONG in unknown


def test_good_password_logs_in_and_redirects_home(client):
    UserFactory(username="marie")
    response = attempt(client, "marie", "motdepasse-test")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sixth_attempt_after_five_failures_is_locked_out_even_with_the_right_password(client):
    UserFactory(username="marie")
    for _ in range(4):
        assert attempt(client, "marie", "mauvais").status_code == 200
    fifth = attempt(client, "marie", "mauvais")
    assert fifth.status_code == 429
    sixth = attempt(client, "marie", "motdepasse-test")
    assert sixth.status_code == 429
    assert "Connexion temporairement bloquée" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_of_one_user_do_not_lock_another(client):
    UserFactory(username="marie")
    UserFactory(username="paul")
    for _ in range(4):
        client.post(reverse("login"), {"username": "marie", "password": "x"}, REMOTE_ADDR="10.0.0.2")
    response = client.post(
        reverse("login"), {"username": "paul", "password": "motdepasse-test"}, REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 302
