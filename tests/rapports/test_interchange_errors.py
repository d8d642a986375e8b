"""A corpus of bad documents: each gives its error (with its JSON path, in French) and writes nothing."""

import json

import pytest

from caisses.models import Caisse, Exercice, RapportAnnuel, Site
from effectifs.models import Effectif
from rapports.interchange import ADMIN, PARTS, import_document
from tests.rapports.conftest import example_document


def base():
    document = example_document(2025)
    return {k: v for k, v in document.items() if not k.startswith("partie_") or k in PARTS}


def set_in(path, value):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def delete(path):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


CASES = {
    "negative ETP": (
        set_in(["partie_1", "effectifs", 2, "reel_31_decembre", "etp"], -1.5),
        "partie_1.effectifs[2].reel_31_decembre.etp: Valeur hors limites (ETP) : saisissez un nombre entre 0 et",
    ),
    "unknown category": (
        set_in(["partie_1", "effectifs", 1, "categorie"], "educateurs"),
        "partie_1.effectifs[1].categorie: catégorie inconnue : « educateurs » (valeurs possibles : as, as_cadres,",
    ),
    "CPAM not of the region (affectation)": (
        set_in(["partie_1", "affectations", 0, "unite"], "CPAM-T21"),
        "partie_1.affectations[0].unite: unité (CPAM ou site) inconnue ou hors de la région : « CPAM-T21 »",
    ),
    "CPAM attached to another region (envelope)": (
        set_in(["caisses_primaires", 0, "code"], "CPAM-T21"),
        "caisses_primaires[0].code: « CPAM-T21 » n'est pas une caisse primaire de CARSAT-EX (rattachée à CARSAT-T2)",
    ),
    "a region given as a CPAM": (
        set_in(["caisses_primaires", 0, "code"], "CARSAT-T2"),
        "caisses_primaires[0].code: « CARSAT-T2 » n'est pas une caisse primaire de CARSAT-EX",
    ),
    "convention with an unknown CPAM": (
        set_in(["partie_1", "conventions", 1, "caisse_primaire"], "CPAM-ZZ"),
        "partie_1.conventions[1].caisse_primaire: caisse primaire inconnue ou hors de la région : « CPAM-ZZ »",
    ),
    "text where a number goes": (
        set_in(["partie_1", "formations", 0, "participants"], "douze"),
        "partie_1.formations[0].participants: doit être un nombre entier, pas un texte",
    ),
    "boolean where a number goes": (
        set_in(["partie_1", "absences", 0, "jours"], True),
        "partie_1.absences[0].jours: doit être un nombre, pas un booléen",
    ),
    "missing key in a row": (
        delete(["partie_1", "effectifs", 0, "age_moyen"]),
        "partie_1.effectifs[0].age_moyen: clé manquante",
    ),
    "missing envelope key": (delete(["jours_theoriques_travail"]), "jours_theoriques_travail: clé manquante"),
    "unknown key": (set_in(["partie_1", "effectifs", 0, "sexe"], "F"), "partie_1.effectifs[0].sexe: clé inconnue"),
    "unknown top-level key": (set_in(["partie_4"], {}), "partie_4: clé inconnue"),
    "wrong format": (set_in(["format"], "rapport-activite"), "format: format non reconnu"),
    "wrong version": (set_in(["version"], 2), "version: version non prise en charge (attendu 1)"),
    "bad date": (
        set_in(["partie_1", "conventions", 0, "date_signature"], "2025-02-30"),
        "partie_1.conventions[0].date_signature: date invalide « 2025-02-30 » (format attendu AAAA-MM-JJ)",
    ),
    "date in French order": (
        set_in(["partie_1", "conventions", 0, "date_signature"], "15/01/2025"),
        "partie_1.conventions[0].date_signature: date invalide « 15/01/2025 »",
    ),
    "amount as a number": (
        set_in(["partie_1", "conventions", 0, "montant_participation_eur"], 48500),
        "partie_1.conventions[0].montant_participation_eur: doit être un montant écrit comme un texte",
    ),
    "amount with three decimals": (
        set_in(["partie_1", "conventions", 0, "montant_participation_eur"], "10.005"),
        "partie_1.conventions[0].montant_participation_eur: au plus 2 décimales",
    ),
    "age out of range": (
        set_in(["partie_1", "effectifs", 0, "age_moyen"], 71),
        "partie_1.effectifs[0].age_moyen: Valeur hors limites (âge) : saisissez un nombre entre 18 et 70",
    ),
    "negative count": (
        set_in(["partie_1", "mouvements", 0, "nombre"], -2),
        "partie_1.mouvements[0].nombre: Valeur hors limites",
    ),
    "unknown reason": (
        set_in(["partie_1", "mouvements", 1, "motif"], "licenciement"),
        "partie_1.mouvements[1].motif: valeur inconnue « licenciement »",
    ),
    "duplicate category": (
        set_in(["partie_1", "effectifs", 1, "categorie"], "as_cadres"),
        "partie_1.effectifs[1].categorie: catégorie « as_cadres » en double",
    ),
    "list expected": (
        set_in(["partie_1", "absences"], {"maladie": 640}),
        "partie_1.absences: doit être une liste, pas un objet",
    ),
    "site of an unknown caisse": (
        set_in(["sites", 0, "caisse"], "CPAM-T11"),
        "sites[0].caisse: caisse inconnue ou hors de la région : « CPAM-T11 »",
    ),
    "site e-mail": (set_in(["sites", 0, "courriel"], "pas-un-courriel"), "sites[0].courriel: adresse e-mail invalide"),
    "ETP with three decimals": (
        set_in(["partie_1", "affectations", 0, "etp"], 15.625),
        "partie_1.affectations[0].etp: au plus 2 décimales",
    ),
}


def assert_nothing_written():
    assert not Caisse.objects.filter(code__startswith="CPAM-EX").exists()
    assert not Caisse.objects.filter(code="CARSAT-EX").exists()
    assert not Site.objects.filter(code__startswith="EX").exists()
    assert not RapportAnnuel.objects.filter(caisse__code="CARSAT-EX").exists()
    assert not Effectif.objects.exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_document(org, name):
    mutate, expected = CASES[name]
    document = base()
    mutate(document)
    result = import_document(json.dumps(document), mode=ADMIN)
    assert not result.ok
    assert any(line.startswith(expected) for line in result.errors.lines()), result.errors.lines()
    assert_nothing_written()


def test_every_error_is_listed_at_once(org):
    document = base()
    document["partie_1"]["effectifs"][0]["reel_31_decembre"]["etp"] = -1
    document["partie_1"]["formations"][2]["jours"] = "dix"
    document["format"] = "autre"
    lines = import_document(json.dumps(document), mode=ADMIN).errors.lines()
    assert len(lines) == 3
    assert_nothing_written()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"format": NaN}', "JSON invalide : NaN n'est pas une valeur JSON autorisée"),
        (b'{"version": Infinity}', "JSON invalide : Infinity n'est pas une valeur JSON autorisée"),
        (b'{"format": "x",', "JSON invalide, ligne 1"),
        ("{}".encode("utf-16"), "le document n'est pas encodé en UTF-8"),
        (b"[1, 2]", "le document doit être un objet JSON, pas une liste"),
    ],
)
def test_not_a_document(org, raw, expected):
    result = import_document(raw, mode=ADMIN)
    assert any(line.startswith(expected) for line in result.errors.lines()), result.errors.lines()
    assert_nothing_written()


def test_eleven_megabytes_is_refused(org, tmp_path):
    document = base()
    document["partie_1"]["ameliorations_obtenues"] = "x" * (11 * 1024 * 1024)
    raw = json.dumps(document).encode()
    result = import_document(raw, mode=ADMIN)
    assert result.errors.lines() == ["document trop volumineux (11,0 Mo ; au plus 10 Mo)"]
    assert_nothing_written()


def test_eleven_megabytes_file_through_the_command(org, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "gros.json"
    path.write_bytes(b" " * (11 * 1024 * 1024) + b"{}")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importer_rapport", str(path), stderr=err)
    assert "document trop volumineux (11,0 Mo ; au plus 10 Mo)" in err.getvalue()


@pytest.mark.parametrize("etat", ["transmis", "valide"])
def test_import_into_a_transmitted_report_is_refused(org, etat):
    document = base()
    document["caisse"] = {"code": org.region.code, "nom": org.region.nom, "type": "regionale"}
    document["caisses_primaires"] = [{"code": c.code, "nom": c.nom} for c in org.cpams]
    document["sites"] = []
    document["partie_1"]["affectations"] = []
    document["partie_1"]["conventions"] = []
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=etat)
    result = import_document(json.dumps(document), mode=ADMIN)
    assert not result.ok
    assert "import refusé" in str(result.errors)
    assert not Effectif.objects.exists()
    assert Exercice.objects.get(annee=2025).jours_theoriques_travail == 208
