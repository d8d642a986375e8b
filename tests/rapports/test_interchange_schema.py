"""docs/rapport.schema.json validates both example documents and what the export writes, and rejects bad ones."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from rapports.interchange import export_document, import_document
from tests.rapports.conftest import example_document

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "rapport.schema.json").read_text(encoding="utf-8"))
FIXTURES = Path(__file__).parents[1] / "fixtures"


def validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("year", [2024, 2025])
def test_both_examples_are_valid(year):
    document = json.loads((FIXTURES / f"exemple-rapport-CARSAT-EX-{year}.json").read_text(encoding="utf-8"))
    assert list(validator().iter_errors(document)) == []


def test_the_export_is_valid(org):
    rapport = import_document(json.dumps({k: v for k, v in example_document(2025).items() if k != "partie_2"})).rapport
    assert list(validator().iter_errors(export_document(rapport))) == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(format="autre"),
        lambda d: d["partie_1"]["effectifs"][0]["reel_31_decembre"].update(etp=-1),
        lambda d: d["partie_1"]["effectifs"][0].pop("age_moyen"),
        lambda d: d["partie_1"]["formations"][0].update(participants="douze"),
        lambda d: d["partie_1"]["conventions"][0].update(montant_participation_eur=48500),
        lambda d: d["partie_2"]["enquete_satisfaction"].update(taux_reponse=120),
        lambda d: d["partie_3"].update(titre="x"),
        lambda d: d.update(inconnu=1),
    ],
)
def test_bad_documents_are_invalid(mutate):
    document = copy.deepcopy(example_document(2025))
    mutate(document)
    assert list(validator().iter_errors(document))
