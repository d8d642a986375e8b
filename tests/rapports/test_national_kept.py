"""The national figures are kept per state of everything they read: an unchanged nation costs a few queries, and
any write through the guard, a renamed region, a change of the catalogue or of the staff categories, a new day
or a transmission gives a fresh answer, never a stale one."""

import datetime

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from activites.models import Indicateur, Valeur
from caisses.models import Caisse, RapportAnnuel
from effectifs.models import Categorie
from rapports.national import regions_de_l_exercice, synthese_nationale
from rapports.peers import de_la_region
from tests.rapports.national_data import build_national


def measured(call):
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, len(queries)


def people(synthese, code):
    return next(ligne.n.personnes_aidees for ligne in synthese.lignes if ligne.region.code == code)


def bump(rapport):
    """What the guard does with every write (caisses.guard)."""
    RapportAnnuel.objects.filter(pk=rapport.pk).update(version_donnees=F("version_donnees") + 1)


def test_an_unchanged_nation_is_answered_from_what_was_kept(org):
    build_national(org)
    first, cold = measured(lambda: synthese_nationale(2025))
    again, warm = measured(lambda: synthese_nationale(2025))
    assert people(again, "CARSAT-T1") == people(first, "CARSAT-T1") == 200
    assert [ligne.region.code for ligne in again.lignes] == [ligne.region.code for ligne in first.lignes]
    assert warm < cold and warm <= 8  # exercices, regions, reports and the reference stamp


def test_a_guarded_write_gives_fresh_figures(org):
    built = build_national(org)
    assert people(synthese_nationale(2025), "CARSAT-T1") == 200
    Valeur.objects.filter(rapport=built["t1"], caisse=None, indicateur__code="personnes_aidees_collectif").update(
        valeur=115
    )
    bump(built["t1"])
    assert people(synthese_nationale(2025), "CARSAT-T1") == 300


def test_a_renamed_region_a_transmission_and_a_new_day_give_a_fresh_answer(org):
    built = build_national(org)
    synthese = synthese_nationale(2025)
    assert {ligne.region.code: ligne.en_retard for ligne in synthese.lignes}["CARSAT-T2"] is True
    Caisse.objects.filter(code="CARSAT-T3").update(nom="CARSAT Renommée")
    assert "CARSAT Renommée" in [ligne.region.nom for ligne in synthese_nationale(2025).lignes]
    RapportAnnuel.objects.filter(pk=built["t2"].pk).update(etat=RapportAnnuel.Etat.TRANSMIS)
    assert synthese_nationale(2025).transmis == 2
    long_ago = org.exercice.date_limite - datetime.timedelta(days=30)
    assert not any(ligne.en_retard for ligne in synthese_nationale(2025, today=long_ago).lignes)


def test_a_change_of_the_catalogue_or_of_the_categories_gives_a_fresh_answer(org):
    build_national(org)
    synthese_nationale(2025)
    _, warm = measured(lambda: synthese_nationale(2025))
    Indicateur.objects.filter(code="personnes_aidees_collectif").update(libelle="Personnes aidées en groupe")
    _, after_catalogue = measured(lambda: synthese_nationale(2025))
    Categorie.objects.filter(code="secretariat").update(libelle="Secrétariat administratif")
    _, after_categories = measured(lambda: synthese_nationale(2025))
    assert after_catalogue > warm and after_categories > warm  # computed again, not read from the cache


def test_a_region_s_place_among_the_others_is_kept_and_follows_writes(org):
    built = build_national(org)
    _, cold = measured(lambda: regions_de_l_exercice(org.exercice))
    _, warm = measured(lambda: regions_de_l_exercice(org.exercice))
    assert warm < cold  # regions, reports and the reference stamp; no aggregation
    before = de_la_region(built["t1"])
    Valeur.objects.filter(rapport=built["t1"], caisse=None, indicateur__code="personnes_aidees_collectif").update(
        valeur=115
    )
    bump(built["t1"])
    after = de_la_region(built["t1"])
    assert before[0][1] == "20,0" and after[0][1] == "30,0"  # 200 then 300 people for 10 ETP of social workers
