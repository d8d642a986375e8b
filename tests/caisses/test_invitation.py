"""An administrator creating a user sends an invitation: a link (on SITE_URL) to choose the password."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from caisses.models import Caisse, Membership
from tests.factories import CaisseFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SITE = "http://127.0.0.1:8011"
NEW_PASSWORD = "Mon-mot-de-passe-choisi-1"


@pytest.fixture
def admin_client(client, settings):
    settings.SITE_URL = SITE
    admin = UserFactory(username="chef", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def add_user(client, **extra):
    region = CaisseFactory(code="CARSAT-INV", type=Caisse.Type.REGIONALE)
    data = {
        "username": "nouvelle",
        "first_name": "Nadia",
        "last_name": "Nouvelle",
        "email": "nadia@caisse.invalid",
        "envoyer_invitation": "on",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-role": Membership.Role.RESPONSABLE,
        "membership-0-caisse": str(region.pk),
        "_save": "Enregistrer",
        **extra,
    }
    return client.post(reverse("admin:auth_user_add"), data, follow=True)


def test_the_add_page_asks_no_password_and_offers_the_invitation(admin_client):
    html = unescape(admin_client.get(reverse("admin:auth_user_add")).content.decode())
    assert "Envoyer l'invitation par courriel" in html
    assert 'name="password1"' not in html


def test_a_new_user_gets_an_invitation_whose_link_lets_them_choose_a_password(admin_client, client):
    response = add_user(admin_client)
    assert response.status_code == 200
    user = User.objects.get(username="nouvelle")
    assert not user.has_usable_password()
    assert user.membership.role == Membership.Role.RESPONSABLE
    page = response.content.decode()
    assert "Invitation envoyée à nouvelle (nadia@caisse.invalid)" in page

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@caisse.invalid"]
    assert message.subject == "Rapports d'activité du service social : votre compte est créé"
    assert "Bonjour Nadia," in message.body and "Votre identifiant : nouvelle" in message.body
    path = re.search(re.escape(SITE) + r"(/accounts/reset/\S+/)", message.body).group(1)

    admin_client.logout()
    form_page = client.get(path, follow=True)
    assert "Choisir votre mot de passe" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("password_reset_complete")
    login = client.post(reverse("login"), {"username": "nouvelle", "password": NEW_PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert login["Location"] == reverse("home")


def test_without_the_box_no_mail_and_the_action_sends_it_later(admin_client):
    add_user(admin_client, envoyer_invitation="")
    assert mail.outbox == []
    user = User.objects.get(username="nouvelle")
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "inviter", "_selected_action": [str(user.pk)]},
        follow=True,
    )
    assert "Invitation envoyée à nouvelle" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["nadia@caisse.invalid"]]


def test_an_account_without_address_is_refused_and_gets_no_mail(admin_client):
    response = add_user(admin_client, email="")
    assert not User.objects.filter(username="nouvelle").exists()
    assert "Ce champ est obligatoire" in response.content.decode()
    assert mail.outbox == []


def test_an_invited_user_whose_link_expired_may_ask_a_new_one(client, settings):
    settings.SITE_URL = SITE
    user = UserFactory(username="invitee", email="invitee@caisse.invalid")
    user.set_unusable_password()
    user.save()
    client.post(reverse("password_reset"), {"email": "invitee@caisse.invalid"})
    assert [m.to for m in mail.outbox] == [["invitee@caisse.invalid"]]


def test_a_mail_server_failure_keeps_the_account_and_says_the_invitation_failed(admin_client, settings):
    # A real SMTP backend towards a port nothing listens on: the task records the failure, the admin says it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = add_user(admin_client)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "L'invitation n'a pas pu être envoyée à nouvelle (serveur de messagerie en échec)" in page
    assert "Invitation envoyée" not in page
    assert User.objects.get(username="nouvelle").membership.role == Membership.Role.RESPONSABLE
