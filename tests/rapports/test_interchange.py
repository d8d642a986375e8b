"""Interchange: both examples imported then exported give the same envelope and partie_1; idempotent; commands."""

import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from caisses.models import RapportAnnuel, SectionVersion, Site
from effectifs.models import Affectation, Effectif, Formation
from effectifs.queries import etats_locaux_by_code
from rapports.interchange import ADMIN, PARTS, canonical, export_document, import_document
from tests.rapports.conftest import example_document

ENVELOPE = ("format", "version", "caisse", "exercice", "jours_theoriques_travail", "caisses_primaires", "sites")


def without_unregistered_parts(document):
    return {k: v for k, v in document.items() if k in ENVELOPE or k in PARTS}


@pytest.mark.parametrize("year", [2024, 2025])
def test_import_then_export_gives_the_document_back(org, year):
    document = without_unregistered_parts(example_document(year))
    result = import_document(json.dumps(document), mode=ADMIN)
    assert result.ok, result.errors
    exported = export_document(result.rapport)
    for key in (*ENVELOPE, "partie_1"):
        assert canonical(exported[key]) == canonical(document[key]), key
    # Same numbers, same types where the document says 7.0 or 640.
    assert json.loads(json.dumps(exported))["partie_1"]["effectifs"][0]["theorique_1er_janvier"]["etp"] == 7.0


def test_both_examples_make_two_reports_of_one_region(org):
    for year in (2024, 2025):
        assert import_document(json.dumps(without_unregistered_parts(example_document(year))), mode=ADMIN).ok
    rapports = RapportAnnuel.objects.filter(caisse__code="CARSAT-EX").order_by("exercice__annee")
    assert [r.exercice.annee for r in rapports] == [2024, 2025]
    assert Effectif.objects.filter(rapport=rapports[1], categorie__code="as").get().reel_etp == Decimal("34.6")
    assert Effectif.objects.filter(rapport=rapports[0], categorie__code="as").get().reel_etp == Decimal("35.1")


def test_reimport_changes_nothing(org):
    document = json.dumps(without_unregistered_parts(example_document(2025)))
    first = import_document(document, mode=ADMIN)
    versions = dict(SectionVersion.objects.filter(rapport=first.rapport).values_list("section", "version"))
    history = Effectif.history.count() + Formation.history.count()
    data_version = RapportAnnuel.objects.get(pk=first.rapport.pk).version_donnees
    second = import_document(document, mode=ADMIN)
    assert second.ok and not second.changed
    assert dict(SectionVersion.objects.filter(rapport=first.rapport).values_list("section", "version")) == versions
    assert Effectif.history.count() + Formation.history.count() == history
    assert RapportAnnuel.objects.get(pk=first.rapport.pk).version_donnees == data_version


def test_a_changed_document_replaces_only_what_changed(org):
    document = without_unregistered_parts(example_document(2025))
    rapport = import_document(json.dumps(document), mode=ADMIN).rapport
    kept = set(Affectation.objects.filter(rapport=rapport).values_list("pk", flat=True))
    changed = copy.deepcopy(document)
    changed["partie_1"]["affectations"][0]["etp"] = 15.5
    del changed["partie_1"]["formations"]  # a missing key leaves that data as it is
    result = import_document(json.dumps(changed), mode=ADMIN)
    assert result.ok and result.changed
    after = set(Affectation.objects.filter(rapport=rapport).values_list("pk", flat=True))
    assert len(kept & after) == 5 and len(after) == 6
    assert Formation.objects.filter(rapport=rapport).count() == 3
    assert SectionVersion.objects.get(rapport=rapport, section="I.1").version == 2


def test_unregistered_parts_are_refused_clearly(org, monkeypatch):
    monkeypatch.delitem(PARTS, "partie_2", raising=False)
    document = example_document(2025)
    result = import_document(json.dumps(document), mode=ADMIN)
    assert "partie_2 : non prise en charge pour le moment" in result.errors.lines()
    assert not RapportAnnuel.objects.filter(caisse__code="CARSAT-EX").exists()
    document["partie_2"] = {"indicateurs": [], "etudiants": [], "evolution_nature_activites": ""}
    result = import_document(json.dumps(document), mode=ADMIN)
    assert "partie_2 : non prise en charge pour le moment" not in result.errors.lines()


def test_commands_round_trip(org, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(without_unregistered_parts(example_document(2025))), encoding="utf-8")
    out = io.StringIO()
    call_command("importer_rapport", str(source), stdout=out)
    assert "rapport CARSAT-EX 2025 importé" in out.getvalue()
    target = tmp_path / "out.json"
    call_command("exporter_rapport", "CARSAT-EX", "2025", "-o", str(target), stderr=io.StringIO())
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert canonical(exported["partie_1"]) == canonical(json.loads(source.read_text())["partie_1"])
    out = io.StringIO()
    call_command("importer_rapport", str(target), stdout=out)
    assert "déjà à jour" in out.getvalue()


def test_import_command_lists_errors_and_exits_non_zero(org, tmp_path):
    bad = tmp_path / "bad.json"
    document = without_unregistered_parts(example_document(2025))
    document["partie_1"]["effectifs"][2]["reel_31_decembre"]["etp"] = -1
    bad.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("importer_rapport", str(bad), stderr=err)
    assert "partie_1.effectifs[2].reel_31_decembre.etp: Valeur hors limites (ETP)" in err.getvalue()


def test_export_command_unknown_report(org):
    with pytest.raises(CommandError, match="Aucun rapport"):
        call_command("exporter_rapport", "CARSAT-XX", "2025")


def test_export_view_downloads_the_document(org, client_for):
    url = reverse("rapport_export_json", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    response = client_for(org.user("relecteur")).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="rapport-CARSAT-T1-2025.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["caisse"]["code"] == "CARSAT-T1"
    assert {c["code"] for c in document["caisses_primaires"]} == {"CPAM-T11", "CPAM-T12"}
    assert document["partie_1"]["effectifs"] == []


def test_etat_des_locaux_is_the_reports_in_both_directions(org):
    """sites[].etat_locaux is written to and read from the report's yearly rows, never the site."""
    rapport = import_document(json.dumps(without_unregistered_parts(example_document(2025))), mode=ADMIN).rapport
    assert etats_locaux_by_code(rapport) == {
        site["code"]: site["etat_locaux"] for site in example_document(2025)["sites"] if site["etat_locaux"]
    }
    assert not Site.objects.filter(code__startswith="EX").exclude(etat_locaux="").exists()
    previous = without_unregistered_parts(example_document(2024))
    previous["sites"][0]["etat_locaux"] = "Locaux en travaux en 2024."
    rapport_2024 = import_document(json.dumps(previous), mode=ADMIN).rapport
    exported_2025 = {s["code"]: s["etat_locaux"] for s in export_document(rapport)["sites"]}
    assert exported_2025 == {s["code"]: s["etat_locaux"] for s in example_document(2025)["sites"]}
    exported_2024 = {s["code"]: s["etat_locaux"] for s in export_document(rapport_2024)["sites"]}
    assert exported_2024["EX1-UL"] == "Locaux en travaux en 2024."
    assert exported_2025["EX1-UL"] == "Locaux rénovés, accessibles."


def test_export_of_a_report_nobody_wrote_to(org):
    """An unsaved report (reading never creates rows) exports its envelope and empty parts."""
    rapport = RapportAnnuel(caisse=org.region, exercice=org.exercice)
    document = export_document(rapport)
    assert document["caisse"]["code"] == org.region.code
    assert all(site["etat_locaux"] == "" for site in document["sites"])
    assert rapport.pk is None and not RapportAnnuel.objects.filter(caisse=org.region, exercice=org.exercice).exists()


def test_a_first_import_creates_the_report_through_the_write_guard(org, monkeypatch):
    from caisses import guard

    created = []
    lock = guard._lock

    def spy(rapport):
        created.append(rapport.pk is None)
        return lock(rapport)

    monkeypatch.setattr(guard, "_lock", spy)
    result = import_document(json.dumps(without_unregistered_parts(example_document(2025))), mode=ADMIN)
    assert result.ok and created == [True]
    assert RapportAnnuel.objects.filter(pk=result.rapport.pk).exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [(lambda tmp: tmp / "absent.json", "fichier introuvable"), (lambda tmp: tmp, "c'est un dossier, pas un fichier")],
)
def test_import_command_unreadable_file_is_a_french_error(org, tmp_path, make, reason):
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("importer_rapport", str(make(tmp_path)), stderr=err)
    assert f"lecture impossible ({reason}), rien n'a été importé." in err.getvalue()
