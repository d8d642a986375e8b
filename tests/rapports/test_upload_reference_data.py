"""Who imports matters: an upload through a report's page writes that report only; the command may create
and update reference data (INTERCHANGE.md "Who imports matters", issue 9 point 2)."""

import copy
import html
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from caisses.models import Caisse, Exercice, Membership, RapportAnnuel, SectionVersion, Site
from effectifs.models import Effectif
from effectifs.queries import etats_locaux_by_code
from rapports.interchange import ADMIN, REGION, export_document, import_document
from tests.factories import ExerciceFactory, user_with_role
from tests.rapports.conftest import example_document, import_example


@pytest.fixture
def region_ex(org):
    """The example's region, created by the administrator's import of its 2024 document, and its responsable."""
    import_example(2024)
    region = Caisse.objects.get(code="CARSAT-EX")
    return {"region": region, "responsable": user_with_role("resp-ex", Membership.Role.RESPONSABLE, region)}


def upload(client, document, code="CARSAT-EX", annee=2025, follow=False):
    url = reverse("rapport_import", kwargs={"code": code, "annee": annee})
    raw = SimpleUploadedFile("rapport.json", json.dumps(document).encode(), content_type="application/json")
    return client.post(url, {"document": raw}, follow=follow)


def page(response):
    return html.unescape(response.content.decode())


def reference_data():
    """Every row an upload must not touch: caisses, sites (with their old état des locaux column), exercices."""
    return (
        list(Caisse.objects.order_by("code").values_list("code", "nom", "type", "parent__code")),
        list(Site.objects.order_by("code").values()),
        list(Exercice.objects.order_by("annee").values()),
    )


def renamed_document():
    document = copy.deepcopy(example_document(2025))
    document["caisse"]["nom"] = "CARSAT Rebaptisée"
    document["caisses_primaires"][0]["nom"] = "CPAM renommée"
    document["sites"][0]["adresse"] = "99 avenue Nouvelle"
    document["sites"][1]["nom"] = "Point d'accueil déménagé"
    document["sites"][1]["type"] = "pcs"
    return document


def report_2025():
    return RapportAnnuel.objects.filter(caisse__code="CARSAT-EX", exercice__annee=2025).first()


def test_upload_writes_the_report_and_ignores_reference_data(region_ex, client_for):
    before = reference_data()
    assert report_2025() is None  # nobody wrote to it yet: the guard creates it on the upload's write
    response = upload(client_for(region_ex["responsable"]), renamed_document(), follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert reference_data() == before
    rapport = report_2025()
    assert Effectif.objects.filter(rapport=rapport).count() == len(example_document(2025)["partie_1"]["effectifs"])
    assert SectionVersion.objects.filter(rapport=rapport, section="I.1").get().version == 1
    text = page(response)
    assert "Document importé" in text
    for line in (
        "Ignoré : le nom de la caisse (« CARSAT Rebaptisée » dans le document, « CARSAT Exemple » enregistré)",
        "Ignoré : le nom de la caisse primaire CPAM-EX1 (« CPAM renommée » dans le document, "
        "« CPAM d'Exemple-Ville » enregistré)",
        "Ignoré : l'adresse du site EX1-UL (« 99 avenue Nouvelle » dans le document, « 12 rue des Écoles » enregistré)",
        "Ignoré : le nom du site EX1-PAS (« Point d'accueil déménagé » dans le document,",
        "Ignoré : le type du site EX1-PAS (« pcs » dans le document, « pas » enregistré)",
    ):
        assert line in text


def test_reupload_with_only_ignored_differences_changes_nothing(region_ex, client_for):
    client = client_for(region_ex["responsable"])
    upload(client, renamed_document())
    rapport = report_2025()
    versions = dict(SectionVersion.objects.filter(rapport=rapport).values_list("section", "version"))
    data_version = rapport.version_donnees
    response = upload(client, renamed_document(), follow=True)
    assert "identique aux données enregistrées" in page(response)
    assert "Ignoré : le nom de la caisse" in page(response)
    assert dict(SectionVersion.objects.filter(rapport=rapport).values_list("section", "version")) == versions
    assert RapportAnnuel.objects.get(pk=rapport.pk).version_donnees == data_version


def test_an_administrator_uploading_through_the_page_is_a_region_upload_too(region_ex, org, client_for):
    before = reference_data()
    response = upload(client_for(org.user("administrateur")), renamed_document(), follow=True)
    assert "Ignoré : le nom de la caisse" in page(response)
    assert reference_data() == before


def test_etat_des_locaux_goes_to_the_report_not_to_the_site(region_ex, client_for):
    before = reference_data()
    document = example_document(2025)
    document["sites"][0]["etat_locaux"] = "Locaux refaits en 2025."
    upload(client_for(region_ex["responsable"]), document)
    assert reference_data() == before
    etats = etats_locaux_by_code(report_2025())
    assert etats["EX1-UL"] == "Locaux refaits en 2025."
    assert etats["EX2-PCS"] == "Bureau partagé avec l'accueil de la CPAM."
    assert "EX1-PAS" not in etats  # "" in the document: not described this year
    exported = {site["code"]: site["etat_locaux"] for site in export_document(report_2025())["sites"]}
    assert exported == {site["code"]: site["etat_locaux"] for site in document["sites"]}
    assert etats_locaux_by_code(RapportAnnuel.objects.get(caisse__code="CARSAT-EX", exercice__annee=2024))[
        "EX1-UL"
    ] == next(s["etat_locaux"] for s in example_document(2024)["sites"] if s["code"] == "EX1-UL")


def test_working_days_other_than_the_exercices_is_an_error_naming_the_right_value(region_ex, client_for):
    before = reference_data()
    document = example_document(2025)
    document["jours_theoriques_travail"] = 218
    response = upload(client_for(region_ex["responsable"]), document)
    assert response.status_code == 422
    text = page(response)
    assert "<code>jours_theoriques_travail</code>" in text
    assert "218 ne correspond pas à l'exercice 2025 (208 jours) ; corrigez le document" in text
    assert reference_data() == before
    assert report_2025() is None


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (
            lambda d: d["caisses_primaires"].append({"code": "CPAM-EX9", "nom": "CPAM nouvelle"}),
            "caisses_primaires[3].code",
            "caisse primaire inconnue de CARSAT-EX : « CPAM-EX9 » ; l'import depuis la page d'un rapport ne crée",
        ),
        (
            lambda d: d["sites"].append({**d["sites"][0], "code": "EX9-UL"}),
            "sites[4].code",
            "site inconnu de CARSAT-EX : « EX9-UL »",
        ),
        (
            lambda d: d["caisses_primaires"].append({"code": "CPAM-T11", "nom": "CPAM annexée"}),
            "caisses_primaires[3].code",
            "« CPAM-T11 » n'est pas une caisse primaire de CARSAT-EX (rattachée à CARSAT-T1)",
        ),
        (
            lambda d: d["sites"].append({**d["sites"][0], "code": "EX1-UL"}),
            "sites[4].code",
            "site « EX1-UL » en double dans le document",
        ),
    ],
    ids=["CPAM inconnue", "site inconnu", "CPAM d'une autre région", "site en double"],
)
def test_unknown_units_are_errors_of_the_upload(region_ex, client_for, mutate, path, message):
    before = reference_data()
    document = example_document(2025)
    mutate(document)
    response = upload(client_for(region_ex["responsable"]), document)
    assert response.status_code == 422
    text = page(response)
    assert f"<code>{path}</code>" in text
    assert message in text
    assert reference_data() == before
    assert report_2025() is None


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d.update(exercice=2031),
            "exercice: l'exercice 2031 n'existe pas : l'import depuis la page d'un rapport ne crée ni ne modifie",
        ),
        (
            lambda d: d["caisse"].update(code="CARSAT-ZZ"),
            "caisse.code: caisse régionale inconnue « CARSAT-ZZ » : l'import depuis la page d'un rapport",
        ),
    ],
    ids=["exercice inconnu", "région inconnue"],
)
def test_region_mode_needs_an_existing_region_and_exercice(region_ex, mutate, expected):
    before = reference_data()
    document = example_document(2025)
    mutate(document)
    result = import_document(json.dumps(document), mode=REGION)
    assert any(line.startswith(expected) for line in result.errors.lines()), result.errors.lines()
    assert reference_data() == before


def test_closed_exercice_refuses_both_modes(region_ex, org):
    Exercice.objects.filter(annee=2025).update(ouvert=False)
    for mode in (REGION, ADMIN):
        result = import_document(json.dumps(example_document(2025)), mode=mode)
        assert (
            "l'exercice 2025 est clos : import refusé (ses rapports ne sont plus modifiables)" in result.errors.lines()
        )
    assert report_2025() is None


def test_the_command_creates_and_updates_reference_data(region_ex, tmp_path):
    ExerciceFactory(annee=2026, jours_theoriques_travail=210)
    document = renamed_document()
    document["exercice"] = 2027
    document["jours_theoriques_travail"] = 211
    document["caisses_primaires"].append({"code": "CPAM-EX9", "nom": "CPAM nouvelle"})
    document["sites"].append({**document["sites"][0], "code": "EX9-UL", "caisse": "CPAM-EX9", "etat_locaux": "Neuf."})
    path = tmp_path / "rapport.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    call_command("importer_rapport", str(path), stdout=out)
    assert "rapport CARSAT-EX 2027 importé" in out.getvalue()
    assert "Ignoré" not in out.getvalue()
    assert Caisse.objects.get(code="CARSAT-EX").nom == "CARSAT Rebaptisée"
    assert Caisse.objects.get(code="CPAM-EX1").nom == "CPAM renommée"
    assert Caisse.objects.get(code="CPAM-EX9").parent.code == "CARSAT-EX"
    assert Site.objects.get(code="EX1-UL").adresse == "99 avenue Nouvelle"
    assert Site.objects.get(code="EX9-UL").caisse.code == "CPAM-EX9"
    assert Exercice.objects.get(annee=2027).jours_theoriques_travail == 211
    rapport = RapportAnnuel.objects.get(caisse__code="CARSAT-EX", exercice__annee=2027)
    assert etats_locaux_by_code(rapport)["EX9-UL"] == "Neuf."


def test_the_command_updates_the_exercices_working_days(region_ex, tmp_path):
    document = example_document(2025)
    document["jours_theoriques_travail"] = 218
    path = tmp_path / "rapport.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("importer_rapport", str(path), stdout=io.StringIO())
    assert Exercice.objects.get(annee=2025).jours_theoriques_travail == 218


def test_the_command_refuses_a_document_with_a_unit_twice(region_ex, tmp_path):
    document = example_document(2025)
    document["caisses_primaires"].append(document["caisses_primaires"][0])
    path = tmp_path / "rapport.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importer_rapport", str(path), stdout=io.StringIO(), stderr=err)
    assert "caisses_primaires[3].code: caisse « CPAM-EX1 » en double dans le document" in err.getvalue()
