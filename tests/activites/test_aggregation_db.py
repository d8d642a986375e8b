"""The aggregation module on the database: one region's table and the national view, in constant queries."""

from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext

from activites.aggregation import tableau_national, tableau_region
from activites.models import Indicateur, Valeur
from caisses.models import Caisse, RapportAnnuel
from tests.factories import CaisseFactory


def put(rapport, code, value, caisse=None):
    Valeur.objects.create(rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, valeur=value)


def new_region(org, number):
    region = CaisseFactory(code=f"CARSAT-N{number}", type=Caisse.Type.REGIONALE, parent=org.nationale)
    cpam = CaisseFactory(code=f"CPAM-N{number}", parent=region)
    rapport = RapportAnnuel.objects.create(caisse=region, exercice=org.exercice)
    put(rapport, "accompagnements_termines", 100 * number, caisse=cpam)
    put(rapport, "objectifs_atteints", 50 * number)
    return region


def queries_of(function, *args):
    with CaptureQueriesContext(connection) as ctx:
        result = function(*args)
    return result, len(ctx.captured_queries)


def test_region_table_with_n1(org, rapport, rapport_n1):
    put(rapport, "accompagnements_termines", 300, org.cpams[0])
    put(rapport, "accompagnements_termines", 100, org.cpams[1])
    put(rapport, "objectifs_atteints", 100)
    put(rapport_n1, "accompagnements_termines", 200, org.cpams[0])
    lignes, count = queries_of(lambda: tableau_region(rapport).by_code())
    termines = lignes["accompagnements_termines"]
    assert (termines.n, termines.n1, termines.evolution_texte) == (D(400), D(200), "+100,00\u00a0%")
    assert termines.par_unite == {org.cpams[0].code: D(300), org.cpams[1].code: D(100), None: None}
    assert lignes["taux_objectifs_atteints"].n == D(25)
    assert lignes["taux_objectifs_atteints"].n1 is None
    assert count <= 6


def test_national_view_in_constant_queries(org):
    new_region(org, 1)
    new_region(org, 2)
    table, small = queries_of(tableau_national, 2025)
    for number in range(3, 11):
        new_region(org, number)
    table, large = queries_of(tableau_national, 2025)
    assert small == large
    assert len(table.par_region) == 10
    # 100 × (1 + … + 10) = 5 500 ; 50 × 55 = 2 750 ; rate 50 %.
    assert table.national["accompagnements_termines"] == D(5500)
    assert table.national["taux_objectifs_atteints"] == D(50)
    frame = table.frame()
    assert frame.loc["national", "accompagnements_termines"] == D(5500)
