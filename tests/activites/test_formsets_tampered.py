"""The row tables of II.2–II.4 (model formsets of one report's rows) against tampered pages.

A management form that lies, a row id of another report, an unknown or absurd id: a French form error or a
conflict, never a 500; nothing of this report nor of another one changes. The honest page still saves, by
row identity (a deletion touches only that row).
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from activites.forms import LIGNE_ETRANGERE, LIGNES_FALSIFIEES, MAX_LIGNES
from activites.models import Circonscription, EnqueteSatisfaction, Etudiant, ItemSatisfaction
from caisses.guard import section_version
from caisses.models import RapportAnnuel


@dataclass
class Table:
    page: str
    section: str
    prefix: str
    model: type
    values: dict  # one row's fields as posted
    page_data: dict  # the rest of the page's form

    def parent(self, rapport):
        if self.model is ItemSatisfaction:
            enquete, _ = EnqueteSatisfaction.objects.get_or_create(
                rapport=rapport, defaults={"periode": "nov.", "echantillon": 100, "taux_reponse": 30}
            )
            return {"enquete": enquete}
        return {"rapport": rapport}

    def create(self, rapport, name, ordre):
        first = next(iter(self.values))
        return self.model.objects.create(**self.parent(rapport), **{**self.values, first: name}, ordre=ordre)

    def snapshot(self):
        return sorted(self.model.objects.values_list(*["pk", *self.values]))


SURVEY = {
    "autres_activites": "",
    "avec_enquete": "on",
    "enquete-periode": "nov.",
    "enquete-echantillon": "100",
    "enquete-taux_reponse": "30",
    "enquete-organisme": "",
}
TABLES = {
    "II.2": Table(
        "saisie_ii2",
        "II.2",
        "etudiants",
        Etudiant,
        {"ecole": "IRTS", "nombre": 2, "duree_semaines": 8},
        {"etudiants_commentaire": ""},
    ),
    "II.3": Table(
        "saisie_ii3",
        "II.3",
        "circonscriptions",
        Circonscription,
        {"nom": "Nord", "territoire": "", "referent": ""},
        {"coordination_commentaire": ""},
    ),
    "II.4": Table(
        "saisie_ii4",
        "II.4",
        "items",
        ItemSatisfaction,
        {"dimension": "Accueil", "satisfaits_pct": 80, "tres_satisfaits_pct": 30},
        SURVEY,
    ),
}


@pytest.fixture(params=sorted(TABLES))
def table(request):
    return TABLES[request.param]


@pytest.fixture
def rows(org, rapport, table):
    """Two rows of this report, one of another region's report."""
    other = RapportAnnuel.objects.create(caisse=org.other_region, exercice=org.exercice)
    return table.create(rapport, "A", 0), table.create(rapport, "B", 1), table.create(other, "X", 0)


def post(org, client_for, table, forms, total=None, initial=None, **extra):
    """`forms`: [(id or None, {field: value})]; the management form as the page would send it unless told."""
    data = {"version": 0, **table.page_data, **extra}
    for i, (pk, values) in enumerate(forms):
        if pk is not None:
            data[f"{table.prefix}-{i}-id"] = pk
        data.update({f"{table.prefix}-{i}-{k}": v for k, v in values.items()})
    honest_initial = sum(1 for pk, _values in forms if pk is not None)
    data[f"{table.prefix}-TOTAL_FORMS"] = len(forms) if total is None else total
    data[f"{table.prefix}-INITIAL_FORMS"] = honest_initial if initial is None else initial
    url = reverse(table.page, args=[org.region.code, org.exercice.annee])
    return client_for(org.user("responsable")).post(url, data)


def as_posted(row, table, **changes):
    return {name: changes.get(name, getattr(row, name)) for name in table.values}


def untouched(table, before, rapport):
    assert table.snapshot() == before
    assert section_version(rapport, table.section) == 0


@pytest.mark.parametrize("total", [10**9, "99999999999999999999", MAX_LIGNES + 1])
def test_huge_total_forms_is_a_form_error(org, client_for, rapport, table, rows, total):
    a, b, _x = rows
    before = table.snapshot()
    forms = [(a.pk, as_posted(a, table)), (b.pk, as_posted(b, table))]
    response = post(org, client_for, table, forms, total=total)
    assert response.status_code == 200
    assert f"Veuillez soumettre au plus {MAX_LIGNES} formulaires" in response.content.decode()
    untouched(table, before, rapport)


FALSIFIEES = LIGNES_FALSIFIEES.replace("'", "&#x27;")


@pytest.mark.parametrize(
    ("total", "initial", "message"),
    [
        ("abc", None, "ManagementForm"),
        ("", None, "ManagementForm"),
        ("-1", None, FALSIFIEES),
        (1, 2, FALSIFIEES),
        (1, "-1", FALSIFIEES),
    ],
)
def test_unreadable_management_form_is_a_form_error(org, client_for, rapport, table, rows, total, initial, message):
    a, b, _x = rows
    before = table.snapshot()
    response = post(org, client_for, table, [(a.pk, as_posted(a, table))], total=total, initial=initial)
    assert response.status_code == 200
    assert message in response.content.decode()
    untouched(table, before, rapport)


def test_saved_rows_sent_as_new_ones_are_refused(org, client_for, rapport, table, rows):
    a, b, _x = rows
    before = table.snapshot()
    forms = [(a.pk, as_posted(a, table, **{next(iter(table.values)): "A2"})), (b.pk, as_posted(b, table))]
    response = post(org, client_for, table, forms, initial=0)
    assert response.status_code == 200
    assert FALSIFIEES in response.content.decode()
    untouched(table, before, rapport)


def test_more_initial_forms_than_rows_is_a_form_error(org, client_for, rapport, table, rows):
    a, b, _x = rows
    before = table.snapshot()
    forms = [(a.pk, as_posted(a, table)), (b.pk, as_posted(b, table)), (None, as_posted(a, table))]
    response = post(org, client_for, table, forms, initial=3)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    untouched(table, before, rapport)


def test_rows_left_out_of_the_page_are_not_deleted(org, client_for, rapport, table, rows):
    before = table.snapshot()
    response = post(org, client_for, table, [], total=0, initial=0)
    assert response.status_code == 409
    html = response.content.decode()
    assert "ne sont plus celles de la page" in html
    assert 'value="A"' in html and 'value="B"' in html  # the rows as saved, on the re-shown page
    untouched(table, before, rapport)


@pytest.mark.parametrize("foreign", ["other report", "unknown", "abc", "99999999999999999999", "-5"])
def test_foreign_or_unknown_row_id_is_a_form_error(org, client_for, rapport, table, rows, foreign):
    a, b, x = rows
    before = table.snapshot()
    pk = {"other report": x.pk, "unknown": x.pk + 1000}.get(foreign, foreign)
    changed = {next(iter(table.values)): "Volé"}
    response = post(org, client_for, table, [(pk, as_posted(a, table, **changed)), (b.pk, as_posted(b, table))])
    assert response.status_code == 200
    assert LIGNE_ETRANGERE.replace("'", "&#x27;") in response.content.decode()
    untouched(table, before, rapport)


def test_the_same_row_twice_is_refused(org, client_for, rapport, table, rows):
    a, _b, _x = rows
    before = table.snapshot()
    response = post(org, client_for, table, [(a.pk, as_posted(a, table)), (a.pk, as_posted(a, table))])
    assert response.status_code == 200
    assert FALSIFIEES in response.content.decode()
    untouched(table, before, rapport)


def test_honest_page_updates_deletes_and_adds_by_row(org, client_for, rapport, table, rows):
    a, b, x = rows
    first = next(iter(table.values))
    history = table.model.history.count()
    forms = [
        (a.pk, {**as_posted(a, table), "DELETE": "on"}),
        (b.pk, as_posted(b, table, **{first: "B2"})),
        (None, as_posted(b, table, **{first: "C"})),
    ]
    response = post(org, client_for, table, forms)
    assert response.status_code == 302
    mine = table.model.objects.exclude(pk=x.pk).order_by("ordre")
    assert [(getattr(r, first), r.ordre) for r in mine] == [("B2", 0), ("C", 1)]
    assert mine[0].pk == b.pk  # the kept row is the same row, updated in place
    assert table.model.history.count() == history + 3  # one deletion, one change, one addition
    assert table.model.objects.get(pk=x.pk).__dict__[first] == "X"
