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


def test_database_sums_equal_the_units_summed_one_by_one(org):
    """Each rule of aggregation, on units of every level: the database's sums (and the weighted means from their
    units) give exactly the totals of the per-unit path they replace."""
    from activites import queries
    from activites.aggregation import spec_of, totals_by_region
    from activites.models import GroupeIndicateurs

    groupe = GroupeIndicateurs.objects.first()
    poids = Indicateur.objects.get(code="accompagnements_termines")
    moyenne = Indicateur.objects.create(
        code="duree_moyenne_test",
        libelle="Durée moyenne",
        groupe=groupe,
        agregation="moyenne_ponderee",
        poids=poids,
        decimales=2,
        unite_mesure="jours",
    )
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    cpam_a, cpam_b = org.cpams
    put(rapport, "accompagnements_termines", D("0.1"), caisse=cpam_a)
    put(rapport, "accompagnements_termines", D("0.2"), caisse=cpam_b)
    Valeur.objects.create(rapport=rapport, indicateur=poids, site=org.sites[0], valeur=D("12.25"))
    put(rapport, "objectifs_atteints", 7)  # the region as a whole
    regionale = Indicateur.objects.create(
        code="delai_regional_test", libelle="Délai régional", groupe=groupe, agregation="aucune", unite_mesure="jours"
    )
    Valeur.objects.create(rapport=rapport, indicateur=regionale, valeur=40)  # « aucune »: the region's own value …
    Valeur.objects.create(rapport=rapport, indicateur=regionale, caisse=cpam_a, valeur=90)  # … never a unit's
    Valeur.objects.create(rapport=rapport, indicateur=moyenne, caisse=cpam_a, valeur=D("10"))
    Valeur.objects.create(rapport=rapport, indicateur=moyenne, caisse=cpam_b, valeur=D("40"))
    other = new_region(org, 1)

    table = tableau_national(2025)
    specs = [spec_of(i) for i in queries.catalogue(2025)]
    one_by_one = totals_by_region(queries.valeurs_nationales(2025), specs)
    assert table.par_region == one_by_one
    figures = table.par_region[org.region.pk]
    assert figures["accompagnements_termines"] == D("12.55")
    assert figures["delai_regional_test"] == 40
    assert figures["taux_objectifs_atteints"] == D(7) / D("12.55") * 100
    # (10 × 0,1 + 40 × 0,2) / 0,3 = 30
    assert figures["duree_moyenne_test"] == 30
    assert table.par_region[other.pk]["accompagnements_termines"] == 100
