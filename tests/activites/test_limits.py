"""Limits of Part II (caisses.limits): declared once on the models, enforced by the grid, the forms and the admin.

The upload and the command are in test_limits_import.py. Every test here fails when a numeric field of a yearly
model of `activites` has no bound, or when one is entered somewhere no test below covers.
"""

from decimal import Decimal as D

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from activites.models import (
    Circonscription,
    EnqueteSatisfaction,
    Etudiant,
    GroupeIndicateurs,
    Indicateur,
    ItemSatisfaction,
    PartieDeux,
    Regle,
    Valeur,
)
from caisses.guard import section_version
from caisses.limits import TEXTE_LONG, bounds_of

CATALOGUE = {GroupeIndicateurs, Indicateur, Regle}
NUMERIC = (models.IntegerField, models.DecimalField, models.FloatField)


def yearly_models():
    return [
        model
        for model in apps.get_app_config("activites").get_models()
        if model not in CATALOGUE and not model.__name__.startswith("Historical")
    ]


def numeric_fields():
    return [
        (model, field.name)
        for model in yearly_models()
        for field in model._meta.concrete_fields
        if isinstance(field, NUMERIC) and not field.primary_key and not field.is_relation
    ]


def too_big(model, name):
    """max + 1 and a 20-digit number, as typed in a form."""
    bound = bounds_of(model, name)
    return [str(bound.maximum + 1), "9" * 20]


# Where each entered figure is typed: the II.1 grid for the catalogue's figures, the II.2 and II.4 forms.
def etudiants(value_of):
    return {
        "version": 0,
        "etudiants-TOTAL_FORMS": "1",
        "etudiants-INITIAL_FORMS": "0",
        "etudiants-0-ecole": "IRTS",
        "etudiants-0-nombre": value_of("nombre", "4"),
        "etudiants-0-duree_semaines": value_of("duree_semaines", "12"),
        "etudiants_commentaire": "Texte gardé",
    }


def enquete(value_of):
    return {
        "version": 0,
        "autres_activites": "Texte gardé",
        "avec_enquete": "on",
        "enquete-periode": "novembre",
        "enquete-echantillon": value_of("echantillon", "1200"),
        "enquete-taux_reponse": value_of("taux_reponse", "31.5"),
        "enquete-organisme": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-dimension": "Accueil",
        "items-0-satisfaits_pct": value_of("satisfaits_pct", "89"),
        "items-0-tres_satisfaits_pct": value_of("tres_satisfaits_pct", "37"),
    }


FORMS = {
    (Etudiant, "nombre"): ("saisie_ii2", etudiants),
    (Etudiant, "duree_semaines"): ("saisie_ii2", etudiants),
    (EnqueteSatisfaction, "echantillon"): ("saisie_ii4", enquete),
    (EnqueteSatisfaction, "taux_reponse"): ("saisie_ii4", enquete),
    (ItemSatisfaction, "satisfaits_pct"): ("saisie_ii4", enquete),
    (ItemSatisfaction, "tres_satisfaits_pct"): ("saisie_ii4", enquete),
}
GRID = {(Valeur, "valeur")}
NOT_ENTERED = {(Etudiant, "ordre"), (Circonscription, "ordre"), (ItemSatisfaction, "ordre")}  # a row's position


def label(case):
    model, name = case
    return f"{model.__name__}.{name}"


@pytest.mark.parametrize("case", numeric_fields(), ids=label)
def test_every_numeric_field_of_a_yearly_model_has_a_bound_its_column_holds(case):
    model, name = case
    bound = bounds_of(model, name)
    assert bound is not None, f"{label(case)} n'a pas de borne (caisses.limits)"
    field = model._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        assert (field.max_digits, field.decimal_places) == (bound.max_digits, bound.places)


def test_every_entered_numeric_field_is_covered_by_the_entry_tests():
    assert set(numeric_fields()) == set(FORMS) | GRID | NOT_ENTERED
    assert all(not model._meta.get_field(name).editable for model, name in NOT_ENTERED)


def text_fields():
    texts = (models.CharField, models.TextField)
    return [f for model in yearly_models() for f in model._meta.concrete_fields if isinstance(f, texts)]


@pytest.mark.parametrize("field", text_fields(), ids=lambda f: f"{f.model.__name__}.{f.name}")
def test_every_text_field_has_a_max_length(field):
    assert field.max_length
    if isinstance(field, models.TextField):
        assert field.max_length == TEXTE_LONG
        assert any(getattr(v, "limit_value", None) == TEXTE_LONG for v in field.validators)


def pages_still_answer(org, client_for, entry_url):
    responsable, relecteur = client_for(org.user("responsable")), client_for(org.user("relecteur"))
    assert responsable.get(entry_url).status_code == 200
    assert responsable.get(reverse("rapport_detail", args=[org.region.code, org.exercice.annee])).status_code == 200
    assert relecteur.get(reverse("national", args=[org.exercice.annee])).status_code == 200


# --- The II.1 grid -----------------------------------------------------------------------------------------


def grid_url(org):
    return reverse("saisie_ii1", args=[org.region.code, org.exercice.annee])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("100 000 001", "Valeur hors limites : saisissez un nombre entre 0 et 100\u00a0000\u00a0000."),
        ("1 234 567 890 123", "Valeur hors limites"),
        ("9" * 20, "Valeur hors limites"),
        ("12,345", "Saisissez un nombre entier."),  # publics_precarite is a count
        ("-1", "Valeur hors limites"),
    ],
)
def test_grid_refuses_out_of_range_at_the_cell_keeps_it_and_writes_nothing(org, client_for, rapport, typed, message):
    cpam = org.cpams[0].code
    data = {"version": 0, f"v-{cpam}-publics_precarite": typed, f"v-{cpam}-domaine_acces_soins": "5"}
    response = client_for(org.user("responsable")).post(grid_url(org), data)
    assert response.status_code == 200
    html = response.content.decode()
    error = html.split(f'id="cellule-{cpam}-publics_precarite-erreur"', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert f'value="{typed}"' in html and 'value="5"' in html
    assert not Valeur.objects.exists() and section_version(rapport, "II.1") == 0
    pages_still_answer(org, client_for, grid_url(org))


def test_grid_accepts_the_maximum_and_decimals_an_indicator_allows(org, client_for, rapport):
    indicateur = Indicateur.objects.get(code="publics_precarite")
    data = {"version": 0, "v-region-publics_precarite": "100 000 000"}
    assert client_for(org.user("responsable")).post(grid_url(org), data).status_code == 302
    assert Valeur.objects.get(indicateur=indicateur).valeur == D(100_000_000)
    Indicateur.objects.filter(pk=indicateur.pk).update(decimales=2)
    data = {"version": 1, "v-region-publics_precarite": "12,34"}
    assert client_for(org.user("responsable")).post(grid_url(org), data).status_code == 302
    assert Valeur.objects.get(indicateur=indicateur).valeur == D("12.34")


# --- The II.2 and II.4 forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(FORMS, key=label), ids=label)
@pytest.mark.parametrize("which", [0, 1], ids=["max+1", "20 chiffres"])
def test_forms_refuse_out_of_range_at_the_field_and_write_nothing(org, client_for, rapport, case, which):
    model, name = case
    page, build = FORMS[case]
    typed = too_big(model, name)[which]
    url = reverse(page, args=[org.region.code, org.exercice.annee])
    data = build(lambda field, default: typed if field == name else default)
    response = client_for(org.user("responsable")).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert bounds_of(model, name).message() in html
    assert f'value="{typed}"' in html and "Texte gardé" in html
    assert html.count("Valeur hors limites") == 1  # the bound's message alone, not Django's too
    for written in (Etudiant, EnqueteSatisfaction, ItemSatisfaction, PartieDeux):
        assert not written.objects.exists()
    pages_still_answer(org, client_for, url)


def test_texts_longer_than_the_limit_are_refused(org, client_for, rapport):
    url = reverse("saisie_ii3", args=[org.region.code, org.exercice.annee])
    data = {
        "version": 0,
        "circonscriptions-TOTAL_FORMS": "1",
        "circonscriptions-INITIAL_FORMS": "0",
        "circonscriptions-0-nom": "N" * 251,
        "coordination_commentaire": "x" * (TEXTE_LONG + 1),
    }
    response = client_for(org.user("responsable")).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "au plus 250 caractères" in html and "au plus 200000 caractères" in html
    assert not Circonscription.objects.exists() and not PartieDeux.objects.exists()


# --- The Django admin ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", too_big(Valeur, "valeur"))
def test_admin_refuses_an_out_of_range_figure_on_add_and_change(org, client_for, rapport, typed):
    admin = client_for(org.user("administrateur"))
    indicateur = Indicateur.objects.get(code="publics_precarite")
    data = {"rapport": rapport.pk, "indicateur": indicateur.pk, "caisse": org.cpams[0].pk, "valeur": typed}
    response = admin.post(reverse("admin:activites_valeur_add"), data)
    assert response.status_code == 200
    assert "Valeur hors limites : saisissez un nombre entre 0 et 100\u00a0000\u00a0000." in response.content.decode()
    assert not Valeur.objects.exists()

    valeur = Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=5)
    response = admin.post(reverse("admin:activites_valeur_change", args=[valeur.pk]), data)
    assert response.status_code == 200
    assert "Valeur hors limites" in response.content.decode()
    valeur.refresh_from_db()
    assert valeur.valeur == 5 and section_version(rapport, "II.1") == 0
    pages_still_answer(org, client_for, grid_url(org))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valeur": "12.5"}, "Saisissez un nombre entier."),
        ({"caisse": "other_cpam"}, "n'est pas une caisse primaire de la région"),
        ({"indicateur": "taux_contact"}, "Un ratio est calculé"),
    ],
)
def test_admin_checks_a_figure_as_the_grid_does(org, client_for, rapport, change, message):
    data = {
        "rapport": rapport.pk,
        "indicateur": Indicateur.objects.get(code="publics_precarite").pk,
        "caisse": org.cpams[0].pk,
        "valeur": "5",
        **change,
    }
    if data["caisse"] == "other_cpam":
        data["caisse"] = org.other_cpam.pk
    if data["indicateur"] == "taux_contact":
        data["indicateur"] = Indicateur.objects.get(code="taux_contact").pk
    response = client_for(org.user("administrateur")).post(reverse("admin:activites_valeur_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Valeur.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("decimales", "3", "inférieure ou égale à 2"),
        ("actif_depuis", "99999", "inférieure ou égale à 2100"),
        ("ordre", "99999999999999999999", "inférieure ou égale à"),
    ],
)
def test_admin_catalogue_numbers_are_bounded(org, client_for, field, typed, message):
    indicateur = Indicateur.objects.get(code="publics_precarite")
    data = {
        "code": indicateur.code,
        "libelle": indicateur.libelle,
        "groupe": indicateur.groupe_id,
        "ordre": indicateur.ordre,
        "unite_mesure": indicateur.unite_mesure,
        "decimales": indicateur.decimales,
        "nature": indicateur.nature,
        "agregation": indicateur.agregation,
        field: typed,
    }
    response = client_for(org.user("administrateur")).post(
        reverse("admin:activites_indicateur_change", args=[indicateur.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    refreshed = Indicateur.objects.get(pk=indicateur.pk)
    assert (refreshed.decimales, refreshed.actif_depuis, refreshed.ordre) == (
        indicateur.decimales,
        indicateur.actif_depuis,
        indicateur.ordre,
    )
