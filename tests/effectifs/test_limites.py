"""Limits of Part I: every figure declares its bound on the model, and every entry path refuses what lies outside it.

The fields come from the models' `_meta`: a new numeric field without a bound, or without a way to reach it from
the entry pages and the interchange document, fails here.
"""

import copy
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.html import escape

from caisses.limits import bounds_of
from caisses.models import Caisse, Membership, RapportAnnuel, SectionVersion
from effectifs.models import (
    Absence,
    Affectation,
    Boursier,
    Categorie,
    Convention,
    Effectif,
    Formation,
    Installation,
    Mouvement,
    Reunion,
    ReunionAutreService,
)
from tests.factories import user_with_role
from tests.rapports.conftest import example_document, import_example

PART_ONE = [m for m in apps.get_app_config("effectifs").get_models() if not m.__name__.startswith("Historical")]


def numeric_fields():
    return [
        (model, field.name)
        for model in PART_ONE
        for field in model._meta.concrete_fields
        if isinstance(field, (models.IntegerField, models.DecimalField)) and not field.primary_key
    ]


def text_fields():
    return [
        (model, field.name)
        for model in PART_ONE
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
    ]


def ids(params):
    return [f"{model.__name__}.{name}" for model, name in params]


TWENTY_DIGITS = "12345678901234567890"


def too_big(model, name):
    bound = bounds_of(model, name)
    return str(int(bound.maximum) + 1)


# --- Declared once, on the model ------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "name"), numeric_fields(), ids=ids(numeric_fields()))
def test_every_numeric_field_declares_a_bound_its_column_holds(model, name):
    bound = bounds_of(model, name)
    assert bound is not None, f"{model.__name__}.{name} n'a pas de borne (caisses.limits)"
    field = model._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        assert (field.max_digits, field.decimal_places) == (bound.max_digits, bound.places)
    else:
        assert bound.places == 0 and bound.maximum <= 2_147_483_647


@pytest.mark.parametrize(("model", "name"), text_fields(), ids=ids(text_fields()))
def test_every_text_field_has_a_max_length_that_validation_enforces(model, name):
    field = model._meta.get_field(name)
    assert field.max_length
    assert any(isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length for v in field.validators)


# --- Entry pages ----------------------------------------------------------------------------------------------


def formset(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def effectifs_rows(**changes):
    rows = []
    for categorie in Categorie.objects.order_by("ordre", "code"):
        row = {"categorie": categorie.pk, "theorique_effectif": "1", "theorique_etp": "1"}
        row.update({"reel_effectif": "1", "reel_etp": "1", "age_moyen": ""})
        if categorie.code == "as":
            row.update(changes)
        rows.append(row)
    return rows


def i1(org, effectifs=None, **lists):
    rows = effectifs or effectifs_rows()
    data = {"version": "0", **formset("effectifs", rows, initial=len(rows))}
    for prefix in ("affectations", "mouvements", "absences", "boursiers"):
        data.update(formset(prefix, lists.get(prefix, [])))
    return data


def i2(org, installation=None, conventions=()):
    data = {"version": "0", **formset("conventions", list(conventions))}
    sites = [site for site in org.sites if site.caisse.parent_id == org.region.pk]
    data.update(formset("locaux", [{"site": str(s.pk), "etat_locaux": ""} for s in sites], initial=len(sites)))
    data.update({f"installation-{k}": v for k, v in (installation or {}).items()})
    return data


def as_pk():
    return str(Categorie.objects.get(code="as").pk)


def post_for(org, model, name, value):
    """(page, POST data) that saves `value` into `model.name` through its entry page."""
    if model is Effectif:
        return "saisie_i1", i1(org, effectifs=effectifs_rows(**{name: value}))
    if model is Affectation:
        return "saisie_i1", i1(org, affectations=[{"unite": org.cpams[0].code, "categorie": as_pk(), name: value}])
    if model is Mouvement:
        return "saisie_i1", i1(org, mouvements=[{"categorie": as_pk(), "type": "embauche", "motif": "", name: value}])
    if model is Absence:
        return "saisie_i1", i1(org, absences=[{"motif": "maladie", name: value}])
    if model is Boursier:
        row = {"nombre": "1", "ecole": "IRTS", "annee_etudes": "2", name: value}
        return "saisie_i1", i1(org, boursiers=[row])
    if model is Installation:
        return "saisie_i2", i2(org, installation={name: value})
    if model is Convention:
        row = {"caisse_primaire": str(org.cpams[0].pk), "date_signature": "2025-01-15", "objet": "Locaux", name: value}
        return "saisie_i2", i2(org, conventions=[row])
    if model is Formation:
        row = {"nature": "formation", "intitule": "Accueil", "organisme": "", "participants": "1", "jours": "1"}
        return "saisie_i3", {"version": "0", **formset("formations", [{**row, name: value}])}
    if model in (Reunion, ReunionAutreService):
        reunion = {"niveau": "regional", "periodicite": "mensuelle", "nombre": "1", "contenu": ""}
        autre = {"service": "Service médical", "objectifs": "", "nombre": "1"}
        if model is Reunion:
            reunion[name] = value
        else:
            autre[name] = value
        return "saisie_i4", {"version": "0", **formset("reunions", [reunion]), **formset("autres", [autre])}
    raise KeyError(f"{model.__name__}.{name}: aucune page de saisie ne l'atteint ; ajoutez-la ici")


ENTERED = [(m, n) for m, n in numeric_fields() if m is not Categorie]  # Categorie: the admin's reference data


def url(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def assert_every_page_answers(client, org):
    for name in ("saisie", "saisie_i1", "saisie_i2", "saisie_i3", "saisie_i4", "rapport_detail"):
        assert client.get(url(org, name)).status_code == 200, name
    assert client.get(url(org, "rapport_export_json")).status_code == 200


def nothing_written(org):
    return not SectionVersion.objects.filter(rapport__caisse=org.region).exists() and not any(
        model.objects.filter(rapport__caisse=org.region).exists() for model in PART_ONE if model is not Categorie
    )


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


@pytest.mark.parametrize(("model", "name"), ENTERED, ids=ids(ENTERED))
def test_form_refuses_out_of_bounds_at_the_field_and_writes_nothing(org, responsable, model, name):
    bound = bounds_of(model, name)
    for value in (too_big(model, name), TWENTY_DIGITS, str(int(bound.minimum) - 1)):
        page, data = post_for(org, model, name, value)
        response = responsable.post(url(org, page), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert escape(bound.message()) in html
        assert f'value="{value}"' in html  # what was typed is shown again
        assert "is-invalid" in html
        assert nothing_written(org)
    assert_every_page_answers(responsable, org)


@pytest.mark.parametrize(("model", "name"), ENTERED, ids=ids(ENTERED))
def test_form_accepts_the_maximum_and_reads_it_back(org, responsable, model, name):
    bound = bounds_of(model, name)
    page, data = post_for(org, model, name, str(bound.maximum))
    assert responsable.post(url(org, page), data).status_code == 302
    assert model.objects.filter(**{name: bound.maximum}).count() == 1
    assert_every_page_answers(responsable, org)


def test_etp_typed_the_french_way_is_refused_above_its_bound(org, responsable):
    response = responsable.post(url(org, "saisie_i1"), i1(org, effectifs=effectifs_rows(reel_etp="1 234 567,89")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valeur hors limites (ETP) : saisissez un nombre entre 0 et 100\u00a0000." in html
    assert 'value="1 234 567,89"' in html
    assert nothing_written(org)
    ok = responsable.post(url(org, "saisie_i1"), i1(org, effectifs=effectifs_rows(reel_etp="1 234,5")))
    assert ok.status_code == 302
    assert Effectif.objects.get(categorie__code="as").reel_etp == Decimal("1234.50")


def test_text_over_its_length_is_refused(org, responsable):
    limit = Installation._meta.get_field("moyens_materiels").max_length
    response = responsable.post(url(org, "saisie_i2"), i2(org, installation={"moyens_materiels": "x" * (limit + 1)}))
    assert response.status_code == 200
    assert "au plus 5000 caractères" in response.content.decode()
    assert nothing_written(org)


# --- Interchange: the UI upload and the command ---------------------------------------------------------------

JSON_PATHS = {
    (Effectif, "theorique_effectif"): ("effectifs", 0, "theorique_1er_janvier", "effectif"),
    (Effectif, "theorique_etp"): ("effectifs", 0, "theorique_1er_janvier", "etp"),
    (Effectif, "reel_effectif"): ("effectifs", 0, "reel_31_decembre", "effectif"),
    (Effectif, "reel_etp"): ("effectifs", 0, "reel_31_decembre", "etp"),
    (Effectif, "age_moyen"): ("effectifs", 0, "age_moyen"),
    (Affectation, "etp"): ("affectations", 0, "etp"),
    (Mouvement, "nombre"): ("mouvements", 0, "nombre"),
    (Absence, "jours"): ("absences", 0, "jours"),
    (Boursier, "nombre"): ("boursiers", 0, "nombre"),
    (Boursier, "annee_etudes"): ("boursiers", 0, "annee_etudes"),
    (Installation, "vehicules"): ("moyens_materiels", "vehicules"),
    (Installation, "postes_informatiques"): ("moyens_materiels", "postes_informatiques"),
    (Installation, "telephones"): ("moyens_materiels", "telephones"),
    (Convention, "montant_participation"): ("conventions", 0, "montant_participation_eur"),
    (Formation, "participants"): ("formations", 0, "participants"),
    (Formation, "jours"): ("formations", 0, "jours"),
    (Reunion, "nombre"): ("reunions", 0, "nombre"),
    (ReunionAutreService, "nombre"): ("reunions_autres_services", 0, "nombre"),
}


def json_path(keys):
    text = "partie_1"
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else f".{key}"
    return text


def document_with(model, name, raw):
    """The 2025 example with `raw` (a JSON number written as text) at the field's place, as bytes."""
    keys = JSON_PATHS[(model, name)]
    document = copy.deepcopy(example_document(2025))
    target = document["partie_1"]
    for key in keys[:-1]:
        target = target[key]
    marker = "@@VALEUR@@"
    target[keys[-1]] = marker
    quoted = f'"{raw}"' if model is Convention else raw  # the document writes euros as a decimal string
    return json.dumps(document).replace(f'"{marker}"', quoted).encode()


def test_every_entered_figure_has_its_place_in_the_document():
    assert set(JSON_PATHS) == set(ENTERED)


def out_of_bounds_values(model, name):
    return [too_big(model, name), TWENTY_DIGITS]


@pytest.fixture
def region_ex(org):
    import_example(2024)
    region = Caisse.objects.get(code="CARSAT-EX")
    return {"region": region, "responsable": user_with_role("resp-ex", Membership.Role.RESPONSABLE, region)}


def partie_1_of_2025_written():
    rapports = RapportAnnuel.objects.filter(caisse__code="CARSAT-EX", exercice__annee=2025)
    return any(model.objects.filter(rapport__in=rapports).exists() for model in PART_ONE if model is not Categorie)


@pytest.mark.parametrize(("model", "name"), ENTERED, ids=ids(ENTERED))
def test_upload_refuses_out_of_bounds_with_the_json_path(region_ex, client_for, model, name):
    client = client_for(region_ex["responsable"])
    upload = reverse("rapport_import", kwargs={"code": "CARSAT-EX", "annee": 2025})
    bound = bounds_of(model, name)
    for raw in out_of_bounds_values(model, name):
        document = SimpleUploadedFile("rapport.json", document_with(model, name, raw), "application/json")
        response = client.post(upload, {"document": document})
        assert response.status_code == 422
        html = response.content.decode()
        assert f"<code>{json_path(JSON_PATHS[(model, name)])}</code>" in html
        assert escape(bound.message()) in html
        assert not partie_1_of_2025_written()
    for page in ("saisie", "saisie_i1", "saisie_i2", "rapport_detail"):
        assert client.get(reverse(page, kwargs={"code": "CARSAT-EX", "annee": 2025})).status_code == 200


@pytest.mark.parametrize(("model", "name"), ENTERED, ids=ids(ENTERED))
def test_command_refuses_out_of_bounds_with_the_json_path(org, tmp_path, capsys, model, name):
    bound = bounds_of(model, name)
    for raw in out_of_bounds_values(model, name):
        path = tmp_path / "rapport.json"
        path.write_bytes(document_with(model, name, raw))
        with pytest.raises(CommandError):
            call_command("importer_rapport", str(path))
        err = capsys.readouterr().err
        assert f"{json_path(JSON_PATHS[(model, name)])}: {bound.message()}" in err
        assert not partie_1_of_2025_written()


def test_the_example_still_imports_within_the_bounds(org):
    import_example(2024)
    assert import_example(2025).effectifs.count() == 4


# --- The admin (categories of staff) ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["10000", TWENTY_DIGITS, "-1"])
def test_admin_refuses_an_out_of_bounds_order(org, client_for, value):
    admin = client_for(org.user("administrateur"))
    categorie = Categorie.objects.get(code="as")
    change = reverse("admin:effectifs_categorie_change", args=[categorie.pk])
    data = {"code": "as", "libelle": "Assistants sociaux", "est_assistant_social": "on", "ordre": value}
    response = admin.post(change, data)
    assert response.status_code == 200
    html = response.content.decode()
    # The admin's form field is caisses.fields' (French numbers): the bound's message, whatever the side.
    assert escape(bounds_of(Categorie, "ordre").message()) in html
    categorie.refresh_from_db()
    assert categorie.ordre == 20
    assert admin.get(reverse("admin:effectifs_categorie_changelist")).status_code == 200
    assert admin.post(change, {**data, "ordre": "9999"}).status_code == 302
