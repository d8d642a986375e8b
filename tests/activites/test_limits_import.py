"""Limits of Part II through the interchange: the UI upload and the `importer_rapport` command.

Every numeric field the document carries is refused at max+1 and at 20 digits, with its JSON path and the
bound's French message; nothing is written and the pages still answer.
"""

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from activites.models import EnqueteSatisfaction, Etudiant, ItemSatisfaction, Valeur
from caisses.limits import bounds_of
from caisses.models import Caisse, Membership, RapportAnnuel
from tests.activites.test_limits import FORMS, GRID, label
from tests.factories import user_with_role
from tests.rapports.conftest import example_document, import_example

# Where each figure sits in the example document (its first item: domaine_acces_soins of CPAM-EX1, a count).
PATHS = {
    (Valeur, "valeur"): ["partie_2", "indicateurs", 0, "valeur"],
    (Etudiant, "nombre"): ["partie_2", "etudiants", 0, "nombre"],
    (Etudiant, "duree_semaines"): ["partie_2", "etudiants", 0, "duree_semaines"],
    (EnqueteSatisfaction, "echantillon"): ["partie_2", "enquete_satisfaction", "echantillon"],
    (EnqueteSatisfaction, "taux_reponse"): ["partie_2", "enquete_satisfaction", "taux_reponse"],
    (ItemSatisfaction, "satisfaits_pct"): ["partie_2", "enquete_satisfaction", "items", 0, "satisfaits_pct"],
    (ItemSatisfaction, "tres_satisfaits_pct"): ["partie_2", "enquete_satisfaction", "items", 0, "tres_satisfaits_pct"],
}
CASES = [(case, which) for case in sorted(PATHS, key=label) for which in (0, 1)]


def case_id(item):
    case, which = item
    return f"{label(case)}-{['max+1', '20 chiffres'][which]}"


def test_every_entered_figure_is_in_the_document():
    assert set(PATHS) == set(FORMS) | GRID


def json_path(path):
    text = path[0]
    for step in path[1:]:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def bad_document(case, which):
    model, name = case
    value = [int(bounds_of(model, name).maximum) + 1, 10**19][which]
    document = copy.deepcopy(example_document(2025))
    *parents, last = PATHS[case]
    target = document
    for step in parents:
        target = target[step]
    target[last] = value
    return document, f"{json_path(PATHS[case])}: {bounds_of(model, name).message()}"


@pytest.fixture
def region_ex(org):
    import_example(2024)
    region = Caisse.objects.get(code="CARSAT-EX")
    return {"region": region, "responsable": user_with_role("resp-ex", Membership.Role.RESPONSABLE, region)}


def nothing_of_2025():
    rapport = RapportAnnuel.objects.filter(caisse__code="CARSAT-EX", exercice__annee=2025).first()
    return rapport is None or not (rapport.valeurs.exists() or rapport.etudiants.exists())


def pages_answer(client_for, org, responsable):
    client = client_for(responsable)
    for name in ("saisie_ii1", "saisie_ii2", "saisie_ii4", "rapport_detail"):
        assert client.get(reverse(name, args=["CARSAT-EX", 2025])).status_code == 200, name
    assert client_for(org.user("relecteur")).get(reverse("national", args=[2025])).status_code == 200


@pytest.mark.parametrize("item", CASES, ids=case_id)
def test_upload_refuses_out_of_range_with_its_json_path(region_ex, org, client_for, item):
    document, expected = bad_document(*item)
    upload = SimpleUploadedFile("rapport.json", json.dumps(document).encode(), content_type="application/json")
    client = client_for(region_ex["responsable"])
    response = client.post("/rapports/CARSAT-EX/2025/import/", {"document": upload})
    assert response.status_code == 422
    html = response.content.decode()
    path, message = expected.split(": ", 1)
    assert f"<code>{path}</code>" in html
    assert message in html
    assert nothing_of_2025()
    pages_answer(client_for, org, region_ex["responsable"])


@pytest.mark.parametrize("item", CASES, ids=case_id)
def test_command_refuses_out_of_range_with_its_json_path(org, tmp_path, item):
    document, expected = bad_document(*item)
    path = tmp_path / "rapport.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importer_rapport", str(path), stdout=io.StringIO(), stderr=err)
    assert f"  {expected}" in err.getvalue().splitlines()
    assert "rien n'a été importé" in err.getvalue()
    assert nothing_of_2025()


def test_the_maximum_itself_is_imported(org):
    document = copy.deepcopy(example_document(2025))
    document["partie_2"]["etudiants"][0]["duree_semaines"] = int(bounds_of(Etudiant, "duree_semaines").maximum)
    document["partie_2"]["enquete_satisfaction"]["taux_reponse"] = 100
    from rapports.interchange import import_document

    result = import_document(json.dumps(document))
    assert result.ok, result.errors
    assert Etudiant.objects.filter(duree_semaines=520).exists()
