"""Requests Django refuses before any view (too many fields, a foreign host) get the French 400 page."""

import pytest


@pytest.mark.django_db
def test_too_many_fields_is_a_french_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/accounts/login/", {f"champ{i}": "x" for i in range(20)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Requête refusée" in text and "Rien n'a été enregistré" in text
    assert "Bad Request" not in text


@pytest.mark.django_db
def test_unknown_host_is_a_french_400(client):
    response = client.get("/", HTTP_HOST="ailleurs.example")
    assert response.status_code == 400
    assert "Requête refusée" in response.content.decode()
