import json
from pathlib import Path

import pytest

from rapports.interchange import import_document

EXAMPLES = [Path(__file__).parents[1] / "fixtures"]


def example_document(year):
    for folder in EXAMPLES:
        path = folder / f"exemple-rapport-CARSAT-EX-{year}.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"exemple-rapport-CARSAT-EX-{year}.json")


def import_example(year):
    document = example_document(year)
    result = import_document(json.dumps(document))
    assert result.ok, result.errors
    return result.rapport


@pytest.fixture
def exemple(org):
    """The two example documents imported: the 2025 report of CARSAT-EX, with its 2024 as N−1."""
    import_example(2024)
    rapport = import_example(2025)
    rapport.refresh_from_db()
    return rapport


@pytest.fixture(autouse=True)
def pdf_cache_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def checks(monkeypatch):
    """The transmission's rules replaced by ones the test sets: checks.errors / checks.warnings (lists of Constat)."""
    from caisses import checks as validation

    class Checks:
        errors = []
        warnings = []

        def __call__(self, rapport):
            return list(self.errors), list(self.warnings)

    found = Checks()
    monkeypatch.setattr(validation, "CHECKS", [found])
    return found
