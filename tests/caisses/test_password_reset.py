"""« Mot de passe oublié ? »: the e-mailed link (French, on SITE_URL, one day), the same answer for any address."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-nouveau-mot-de-passe-2026"
SITE = "https://rapports.exemple.fr"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def request_link(client, email):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR="10.0.0.9")


def link_in(message):
    match = re.search(re.escape(SITE) + r"(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def choose_password(client, path, password=NEW_PASSWORD):
    """Follow the link (Django moves the token into the session, then shows the form) and post the password."""
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    return client.post(form_path, {"new_password1": password, "new_password2": password})


def test_login_page_links_to_the_reset_page(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html and "Mot de passe oublié ?" in html


def test_reset_end_to_end_in_french_with_a_link_on_site_url(client):
    user = UserFactory(username="marie", email="marie@caisse.invalid", first_name="Marie")
    page = client.get(reverse("password_reset")).content.decode()
    assert "Mot de passe oublié" in page and "valable un jour" in page

    response = request_link(client, "MARIE@caisse.invalid")  # the address in any case
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "Vérifiez votre messagerie" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marie@caisse.invalid"]
    assert message.subject == "Rapports d'activité du service social : choisir un nouveau mot de passe"
    assert message.body.startswith("Bonjour Marie,")
    assert "« marie »" in message.body and "valable jusqu'au" in message.body
    assert "127.0.0.1" not in message.body and "testserver" not in message.body

    path = link_in(message)
    form_page = client.get(path, follow=True).content.decode()
    assert "Choisir votre mot de passe" in form_page and "marie" in form_page
    response = choose_password(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert "Mot de passe enregistré" in client.get(response["Location"]).content.decode()

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert log_in(client, "marie", NEW_PASSWORD)["Location"] == reverse("home")
    # The link served once.
    client.logout()
    assert "Lien expiré ou déjà utilisé" in client.get(path, follow=True).content.decode()


def test_a_short_or_mismatched_password_is_refused_in_french(client):
    UserFactory(username="marie", email="marie@caisse.invalid")
    request_link(client, "marie@caisse.invalid")
    response = choose_password(client, link_in(mail.outbox[0]), password="court")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in html


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    UserFactory(username="marie", email="marie@caisse.invalid")
    known = request_link(client, "marie@caisse.invalid")
    unknown = request_link(client, "personne@caisse.invalid")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["marie@caisse.invalid"]]


def test_inactive_users_get_no_link(client):
    UserFactory(username="parti", email="parti@caisse.invalid", is_active=False)
    assert request_link(client, "parti@caisse.invalid").status_code == 302
    assert mail.outbox == []


def test_a_link_older_than_one_day_is_refused_in_french(client, settings, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT == 86400
    UserFactory(username="marie", email="marie@caisse.invalid")
    request_link(client, "marie@caisse.invalid")
    path = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=1, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    html = client.get(path, follow=True).content.decode()
    assert "Lien expiré ou déjà utilisé" in html and "expire au bout d'un jour" in html
    assert f'href="{reverse("password_reset")}"' in html


def test_a_link_of_the_same_day_still_works(client, monkeypatch):
    UserFactory(username="marie", email="marie@caisse.invalid")
    request_link(client, "marie@caisse.invalid")
    path = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(hours=23)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert choose_password(client, path)["Location"] == reverse("password_reset_complete")


def test_a_user_locked_out_by_failed_logins_resets_and_logs_in(client):
    UserFactory(username="marie", email="marie@caisse.invalid")
    for _ in range(6):
        locked = log_in(client, "marie", "mauvais")
    assert locked.status_code == 429
    lockout_page = locked.content.decode()
    assert f'href="{reverse("password_reset")}"' in lockout_page

    request_link(client, "marie@caisse.invalid")  # the lockout does not stop the request
    assert len(mail.outbox) == 1
    choose_password(client, link_in(mail.outbox[0]))
    assert log_in(client, "marie", NEW_PASSWORD)["Location"] == reverse("home")


def test_a_mail_server_failure_gives_the_same_answer(client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    user = UserFactory(username="marie", email="marie@caisse.invalid")
    known = request_link(client, "marie@caisse.invalid")
    unknown = request_link(client, "personne@caisse.invalid")
    assert (
        (known.status_code, known["Location"])
        == (unknown.status_code, unknown["Location"])
        == (
            302,
            reverse("password_reset_done"),
        )
    )
    assert f"Envoi du lien de mot de passe impossible (utilisateur {user.pk})" in caplog.text
