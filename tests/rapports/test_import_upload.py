"""Upload of an interchange document through the UI: all or nothing, errors with their JSON paths, 10 MB."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caisses.models import Caisse, Membership, RapportAnnuel
from effectifs.models import Effectif
from tests.factories import user_with_role
from tests.rapports.conftest import example_document, import_example


@pytest.fixture
def region_ex(org):
    """The example's region (created by importing its 2024 document) and its responsable and agent."""
    import_example(2024)
    region = Caisse.objects.get(code="CARSAT-EX")
    cpam = Caisse.objects.filter(parent=region).first()
    return {
        "region": region,
        "responsable": user_with_role("resp-ex", Membership.Role.RESPONSABLE, region),
        "agent": user_with_role("agent-ex", Membership.Role.AGENT, cpam),
    }


def upload_url(code="CARSAT-EX", annee=2025):
    return reverse("rapport_import", kwargs={"code": code, "annee": annee})


def as_file(document, name="rapport.json"):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def effectifs_2025():
    return Effectif.objects.filter(rapport__caisse__code="CARSAT-EX", rapport__exercice__annee=2025).count()


def test_responsable_imports_the_example(region_ex, client_for):
    client = client_for(region_ex["responsable"])
    assert client.get(upload_url()).status_code == 200
    response = client.post(upload_url(), {"document": as_file(example_document(2025))})
    assert response.status_code == 302
    assert response["Location"] == reverse("saisie", kwargs={"code": "CARSAT-EX", "annee": 2025})
    assert effectifs_2025() == len(example_document(2025)["partie_1"]["effectifs"])
    again = client.post(upload_url(), {"document": as_file(example_document(2025))}, follow=True)
    assert "identique aux données enregistrées" in again.content.decode()


def test_errors_are_listed_with_their_json_path_and_nothing_is_written(region_ex, client_for):
    document = copy.deepcopy(example_document(2025))
    document["partie_1"]["effectifs"][2]["reel_31_decembre"]["etp"] = -1
    document["partie_1"]["effectifs"][0]["categorie"] = "inconnue"
    response = client_for(region_ex["responsable"]).post(upload_url(), {"document": as_file(document)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<code>partie_1.effectifs[2].reel_31_decembre.etp</code>" in html
    assert "<code>partie_1.effectifs[0].categorie</code>" in html
    assert "rien n'a été modifié" in html
    assert effectifs_2025() == 0


def test_document_of_another_report_is_refused_clearly(region_ex, org, client_for):
    document = example_document(2025)
    response = client_for(region_ex["responsable"]).post(upload_url(annee=2024), {"document": as_file(document)})
    assert response.status_code == 422
    assert "Ce document est le rapport CARSAT-EX 2025, pas celui de CARSAT-EX 2024" in response.content.decode()
    admin = client_for(org.user("administrateur"))
    response = admin.post(upload_url(code=org.region.code), {"document": as_file(document)})
    assert response.status_code == 422
    assert f"pas celui de {org.region.code} 2025" in response.content.decode()
    assert effectifs_2025() == 0


def test_file_over_10_mb_is_refused_in_french(region_ex, client_for):
    big = b'{"format": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = client_for(region_ex["responsable"]).post(upload_url(), {"document": as_file(big)})
    assert response.status_code == 422
    assert "Le fichier dépasse 10 Mo (10,0 Mo)" in response.content.decode()


def test_not_json_is_an_error(region_ex, client_for):
    response = client_for(region_ex["responsable"]).post(upload_url(), {"document": as_file(b"pas du json")})
    assert response.status_code == 422
    assert "JSON invalide, ligne 1 colonne 1" in response.content.decode()


def test_missing_file_is_an_error_at_the_field(region_ex, client_for):
    response = client_for(region_ex["responsable"]).post(upload_url(), {})
    assert response.status_code == 422
    assert "Choisissez un fichier." in response.content.decode()


def test_agent_may_not_import_a_whole_report(region_ex, client_for):
    """The document replaces the whole report, beyond an agent's own unit."""
    client = client_for(region_ex["agent"])
    assert client.get(upload_url()).status_code == 403
    assert client.post(upload_url(), {"document": as_file(example_document(2025))}).status_code == 403
    assert effectifs_2025() == 0


@pytest.mark.parametrize("etat", [RapportAnnuel.Etat.TRANSMIS, RapportAnnuel.Etat.VALIDE])
def test_upload_refused_once_transmitted(region_ex, org, client_for, etat):
    RapportAnnuel.objects.update_or_create(caisse=region_ex["region"], exercice=org.exercice, defaults={"etat": etat})
    for user in (region_ex["responsable"], org.user("administrateur")):
        response = client_for(user).post(upload_url(), {"document": as_file(example_document(2025))})
        assert response.status_code == 403
    assert effectifs_2025() == 0


def test_page_says_what_an_upload_writes(region_ex, client_for):
    text = client_for(region_ex["responsable"]).get(upload_url()).content.decode()
    assert "jours théoriques de travail de l'exercice\n  (<strong>208</strong>)" in text
    assert "Cet import n'écrit que le rapport 2025" in text
