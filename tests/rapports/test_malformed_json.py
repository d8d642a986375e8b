"""Malformed JSON of any kind is a French error, never a traceback: 422 through the page, exit code ≠ 0 through the
command, nothing written (INTERCHANGE.md; STACK-NOTES.md: RecursionError, lone surrogates, >4 300-digit ints)."""

import html
import io
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from caisses.interchange import Errors
from caisses.models import Caisse, Membership, RapportAnnuel, SectionVersion
from rapports.interchange import ADMIN, REGION, import_document, parse_document
from rapports.interchange_json import MAX_DEPTH, NUL
from tests.factories import user_with_role
from tests.rapports.conftest import example_document, import_example

HOLE = "__VALEUR__"
TEN_MILLION = 10_000_000  # fits in the 10 MB limit (10 485 760 bytes)


def document_with(path, raw_value):
    """The 2025 example, as bytes, with the JSON text `raw_value` (bytes) written at `path` (keys and indexes)."""
    document = example_document(2025)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = HOLE
    return json.dumps(document, ensure_ascii=False).encode().replace(f'"{HOLE}"'.encode(), raw_value)


def with_key(raw_key):
    """The 2025 example with an extra key (raw JSON text of the key) in its `caisse` object."""
    text = json.dumps(example_document(2025), ensure_ascii=False).encode()
    return text.replace(b'"caisse": {', b'"caisse": {' + raw_key + b': "x", ', 1)


def nested(depth):
    return b"[" * depth + b"]" * depth


# name: (raw document, JSON path of the error or "" for the document, start of the French message)
CASES = {
    "imbrication 100 000": (nested(100_000), "", "document trop imbriqué"),
    "imbrication 10 000 000 non fermée": (b"[" * TEN_MILLION, "", "document trop imbriqué"),
    "objets imbriqués 1 000 000": (b'{"a":' * 1_000_000 + b"1" + b"}" * 1_000_000, "", "document trop imbriqué"),
    "imbrication 500 dans une partie": (
        document_with(["partie_3", "observations"], nested(500)),
        "partie_3.observations" + "[0]" * (MAX_DEPTH - 2),
        "document trop imbriqué",
    ),
    f"imbrication {MAX_DEPTH + 3} dans une partie": (
        document_with(["partie_3", "observations"], nested(MAX_DEPTH + 3)),
        "partie_3.observations" + "[0]" * (MAX_DEPTH - 2),
        "document trop imbriqué",
    ),
    "entier de 5 000 chiffres": (
        document_with(["partie_1", "mouvements", 0, "nombre"], b"9" * 5000),
        "partie_1.mouvements[0].nombre",
        "nombre trop long (5000 chiffres ; au plus 30)",
    ),
    "entier négatif de 4 301 chiffres": (
        document_with(["exercice"], b"-" + b"1" * 4301),
        "exercice",
        "nombre trop long (4301 chiffres ; au plus 30)",
    ),
    "entier de 31 chiffres": (
        document_with(["partie_1", "effectifs", 0, "theorique_1er_janvier", "effectif"], b"1" * 31),
        "partie_1.effectifs[0].theorique_1er_janvier.effectif",
        "nombre trop long (31 chiffres ; au plus 30)",
    ),
    "décimal de 5 000 chiffres": (
        document_with(["partie_1", "effectifs", 0, "reel_31_decembre", "etp"], b"0." + b"1" * 5000),
        "partie_1.effectifs[0].reel_31_decembre.etp",
        "nombre trop long",
    ),
    "1e400 (hors limites)": (
        document_with(["partie_1", "effectifs", 0, "reel_31_decembre", "etp"], b"1e400"),
        "partie_1.effectifs[0].reel_31_decembre.etp",
        "Valeur hors limites (ETP)",
    ),
    "-1e400 (hors limites)": (
        document_with(["partie_1", "absences", 0, "jours"], b"-1e400"),
        "partie_1.absences[0].jours",
        "Valeur hors limites (jours)",
    ),
    "1e999999999 dans un entier": (
        document_with(["partie_1", "mouvements", 0, "nombre"], b"1e999999999"),
        "partie_1.mouvements[0].nombre",
        "Valeur hors limites",
    ),
    "1e999999999 comme jours de l'exercice": (
        document_with(["jours_theoriques_travail"], b"1e999999999"),
        "jours_theoriques_travail",
        "doit être ≤ 366",
    ),
    "demi-paire de substitution \\ud800": (
        document_with(["caisse", "nom"], b'"CARSAT \\ud800 Exemple"'),
        "caisse.nom",
        "caractère Unicode invalide (demi-paire de substitution isolée",
    ),
    "demi-paire basse \\udfff dans une liste": (
        document_with(["partie_3", "observations"], b'["ok", "\\udfff"]'),
        "partie_3.observations[1]",
        "caractère Unicode invalide",
    ),
    "demi-paire dans un nom de clé": (
        with_key(b'"\\ud83d"'),
        "caisse.(nom de clé)",
        "caractère Unicode invalide",
    ),
    "caractère nul \\u0000": (
        document_with(["partie_3", "observations"], b'"avant\\u0000apr\xc3\xa8s"'),
        "partie_3.observations",
        "caractère nul (\\u0000) interdit dans un texte",
    ),
    "caractère nul dans un nom de clé": (with_key(b'"a\\u0000"'), "caisse.(nom de clé)", "caractère nul"),
    "octet nul brut dans un texte": (
        document_with(["partie_3", "observations"], b'"avant\x00apres"'),
        "",
        "JSON invalide, ligne 1 colonne",
    ),
    "clé en double": (with_key(b'"code"'), "caisse.code", "clé en double"),
    "NaN": (document_with(["partie_1", "absences", 0, "jours"], b"NaN"), "", "JSON invalide : NaN n'est pas"),
    "-Infinity": (
        document_with(["partie_1", "absences", 0, "jours"], b"-Infinity"),
        "",
        "JSON invalide : -Infinity n'est pas",
    ),
    "virgule finale": (b'{"format": "x",}', "", "JSON invalide, ligne 1 colonne 16 : nom de clé attendu"),
    "texte non terminé": (b'{"format": "x', "", "JSON invalide, ligne 1 colonne 12 : texte non terminé"),
    "données en trop": (b"{} {}", "", "JSON invalide, ligne 1 colonne 4 : données après la fin du document"),
    "échappement invalide": (b'{"format": "\\x"}', "", "JSON invalide, ligne 1 colonne 13 : séquence d'échappement"),
    "pas de l'UTF-8": (b'{"format": "\xff"}', "", "le document n'est pas encodé en UTF-8"),
    "surrogate encodé en UTF-8": (b'{"format": "\xed\xa0\x80"}', "", "le document n'est pas encodé en UTF-8"),
}
PARSE_MESSAGES = (
    "document trop imbriqué",
    "nombre trop long",
    "caractère",
    "clé en double",
    "JSON invalide",
    "le document n'est pas",
)
# json's own English wording must never reach a user.
ENGLISH = ("Expecting", "Unterminated", "Invalid", "Extra data", "recursion", "Exceeds the limit", "delimiter")


# Cases refused by the validation (bounds), after the parsing: their document must match an existing report.
NEEDS_REGION = {name for name, (_, _, message) in CASES.items() if not message.startswith(PARSE_MESSAGES)}


def target(org, name):
    """(region code, its responsable): the example's region for the cases that reach the validation."""
    if name not in NEEDS_REGION:
        return org.region.code, org.user("responsable")
    import_example(2024)
    region = Caisse.objects.get(code="CARSAT-EX")
    return region.code, user_with_role("resp-ex", Membership.Role.RESPONSABLE, region)


def written():
    return RapportAnnuel.objects.count(), SectionVersion.objects.count()


@pytest.mark.parametrize("name", list(CASES))
def test_upload_through_the_page(org, client_for, name):
    raw, path, message = CASES[name]
    code, user = target(org, name)
    before = written()
    url = reverse("rapport_import", kwargs={"code": code, "annee": 2025})
    upload = SimpleUploadedFile("rapport.json", raw, content_type="application/json")
    response = client_for(user).post(url, {"document": upload})
    assert response.status_code == 422
    text = html.unescape(response.content.decode())
    assert f"<code>{path or '(document)'}</code></td><td>{message}" in text, text[text.find("erreurs-import") :][:2000]
    assert not any(word in text for word in ENGLISH)
    assert written() == before


@pytest.mark.parametrize("name", list(CASES))
def test_the_command(org, tmp_path, name):
    raw, path, message = CASES[name]
    target(org, name)
    before = written()
    source = tmp_path / "rapport.json"
    source.write_bytes(raw)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("importer_rapport", str(source), stdout=io.StringIO(), stderr=err)
    expected = f"  {path}: {message}" if path else f"  {message}"
    assert expected in err.getvalue(), err.getvalue()
    assert not any(word in err.getvalue() for word in ENGLISH)
    assert written() == before


@pytest.mark.parametrize("mode", [REGION, ADMIN])
def test_a_huge_exponent_is_refused_at_once(org, mode):
    """int(Decimal("1e999999999")) would take minutes: the bound is checked before any conversion."""
    raw = document_with(["partie_1", "mouvements", 0, "nombre"], b"1e999999999")
    start = time.monotonic()
    result = import_document(raw, mode=mode)
    assert time.monotonic() - start < 5
    assert not result.ok


def test_a_python_string_with_a_lone_surrogate(org):
    result = import_document('{"format": "\ud800"}', mode=ADMIN)
    assert result.errors.lines()[0].startswith("caractère Unicode invalide")


def test_an_already_parsed_value_is_checked_too(org):
    document = example_document(2025)
    document["partie_3"] = {"observations": "nul\x00"}
    result = import_document(document, mode=ADMIN)
    assert result.errors.lines() == [f"partie_3.observations: {NUL}"]


def test_a_key_of_a_megabyte_is_cut_short_in_its_path(org):
    long_key = "k" * (1024 * 1024)
    result = import_document(json.dumps({**example_document(2025), long_key: 1}), mode=ADMIN)
    assert any(line.startswith("k" * 60 + "…: clé inconnue") for line in result.errors.lines())
    assert all(len(line) < 500 for line in result.errors.lines())


def test_many_bad_values_give_a_count_not_a_flood(org):
    document = example_document(2025)
    document["partie_3"] = {"observations": ["\x00"] * 10_000}
    lines = import_document(document, mode=ADMIN).errors.lines()
    assert len(lines) == 51
    assert lines[-1] == "… et 9950 autres erreurs du même genre"


def test_parse_document_keeps_good_documents(org):
    errors = Errors()
    raw = json.dumps(example_document(2025)).encode()
    assert parse_document(raw, errors) == json.loads(raw, parse_float=Decimal)
    assert errors == []


def test_the_command_in_a_process_exits_non_zero_without_a_traceback(tmp_path):
    """The real command line, on the deepest document: exit code 1, the French error, no traceback."""
    source = tmp_path / "profond.json"
    source.write_bytes(b"[" * TEN_MILLION)
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {**os.environ, "DEBUG": "1"}
    completed = subprocess.run(
        [sys.executable, str(manage), "importer_rapport", str(source)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert completed.returncode != 0
    assert "document trop imbriqué" in completed.stderr
    assert "Traceback" not in completed.stderr
