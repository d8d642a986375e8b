"""The national trends page: each region's figure over the last exercices (up to ten), the nation's over its
transmitted and validated reports, drafts marked, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapports.national_tendances import TENDANCE_ANNEES, tendances
from tests.factories import ExerciceFactory
from tests.rapports.national_data import build_national
from tests.rapports.test_national import add_regions, get, visible_text


def url(annee=2025, chiffre=None):
    return reverse("national_tendances", kwargs={"annee": annee}) + (f"?chiffre={chiffre}" if chiffre else "")


def test_people_helped_by_region_and_year_with_drafts_marked(org, client_for):
    build_national(org)  # 2025: T1 transmitted (200), T2 a draft (360); 2024: T1 a draft (160)
    text = visible_text(get(client_for, org, url()))
    assert "Tendances de 2024 à 2025" in text
    assert (
        "Caisse régionale 2024 2025 CARSAT Test Deux — 360 (p) CARSAT Test Trois — — CARSAT Test Un 160 (p) 200" in text
    )
    # The nation counts transmitted and validated reports only: none in 2024.
    assert "France entière (rapports transmis et validés) — 200" in text


def test_another_figure_and_an_unknown_one(org, client_for):
    build_national(org)
    text = visible_text(get(client_for, org, url(chiffre="par_etp")))
    assert "CARSAT Test Un — 20,0" in text  # 200 people, 10 ETP of social workers
    assert (
        'aria-current="page"'
        in get(client_for, org, url(chiffre="par_etp")).split("Personnes aidées par ETP")[0][-200:]
    )
    assert "Personnes aidées (total)" not in text
    assert "Tendances de 2024 à 2025" in visible_text(get(client_for, org, url(chiffre="n'importe")))


def test_ten_exercices_at_most(org):
    for annee in range(2012, 2024):
        ExerciceFactory(annee=annee)
    t = tendances(2025)
    assert len(t.annees) == TENDANCE_ANNEES
    assert t.annees == list(range(2016, 2026))
    assert tendances(2020).annees[-1] == 2020


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_regions_nor_exercices(org, client_for):
    build_national(org)
    client = client_for(org.user("relecteur"))
    count(client, url())
    small = count(client, url())
    add_regions(org, 7)
    for annee in range(2018, 2024):
        ExerciceFactory(annee=annee)
    assert count(client, url()) == small
