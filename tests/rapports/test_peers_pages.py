"""The national page's « Les régions entre elles » and a region's place among the others beside its report."""

from django.db.models import F
from django.urls import reverse

from caisses.models import Caisse, RapportAnnuel
from tests.factories import CaisseFactory
from tests.rapports.national_data import build_national, effectifs, valeurs
from tests.rapports.test_national import get, url, visible_text


def add_transmitted_regions(org, people):
    """One transmitted region per figure of `people`, each with 10 ETP of social workers."""
    for index, count in enumerate(people):
        region = CaisseFactory(
            code=f"CARSAT-P{index}", nom=f"CARSAT Pair {index}", type=Caisse.Type.REGIONALE, parent=org.nationale
        )
        rapport = RapportAnnuel.objects.create(caisse=region, exercice=org.exercice, etat=RapportAnnuel.Etat.TRANSMIS)
        valeurs(rapport, [(None, "personnes_aidees_individuel", count)])
        effectifs(rapport, {"as": 10})


def test_national_page_gives_median_quartiles_and_the_far_region(org, client_for):
    build_national(org)  # T1 transmitted: 200 people, 10 ETP → 20 per ETP; T2 a draft: 24 per ETP
    add_transmitted_regions(org, [100, 110, 120, 130, 1000])  # 10, 11, 12, 13, 100 per ETP
    text = visible_text(get(client_for, org, url()))
    assert "Rapports transmis ou validés pris en compte : 6 ;" in text
    # 10, 11, 12, 13, 20, 100: Q1 at 2,25 → 11,25; median 12,5; Q3 at 4,75 → 18,25; MAD of
    # 2,5 1,5 0,5 0,5 7,5 87,5 = 2 → 100 lies 0,6745 × 87,5 / 2 = 29,5 robust deviations away, 20 only 2,5.
    assert "Personnes aidées par ETP d'assistant social 6 11,3 12,5 18,3 CARSAT Pair 4 (100,0)" in text
    assert "CARSAT Pair 4 100,0 1re sur 6 · premier quart atypique" in text
    assert "CARSAT Test Un 20,0 2e sur 6 · premier quart" in text
    # The draft is placed among them (24 > 20) without being counted.
    assert "CARSAT Test Deux brouillon 24,0 2e sur 7 · premier quart" in text


def test_with_too_few_regions_nothing_is_flagged(org, client_for):
    build_national(org)
    add_transmitted_regions(org, [100, 1000])
    text = visible_text(get(client_for, org, url()))
    assert "Personnes aidées par ETP d'assistant social 3 15,0 20,0 60,0 aucune" in text
    assert "atypique</span>" not in get(client_for, org, url())


def test_report_page_says_where_the_region_stands(org, client_for):
    build_national(org)
    add_transmitted_regions(org, [100, 110, 120, 130, 1000])
    page = reverse("rapport_detail", kwargs={"code": org.other_region.code, "annee": 2025})
    response = client_for(org.user("responsable_autre")).get(page)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Parmi les régions en 2025" in text
    assert "Personnes aidées par ETP d'assistant social : 24,0 — 2e sur 7, premier quart des régions" in text
    # Other regions are not named on a region's page.
    assert "CARSAT Pair" not in text


def test_the_page_opens_on_the_counts_a_reviewer_asks_first(org, client_for):
    build_national(org)  # due yesterday: T1 transmitted (to review), T2 a draft, T3 not started: both late
    html = get(client_for, org, url())
    text = visible_text(html)
    assert (
        "En bref Rapports reçus 1 sur 3 À relire 1 : afficher les rapports transmis Validés 0 "
        "En retard 2 : afficher les régions en retard" in text
    )
    assert text.index("En bref") < text.index("Totaux et ratios nationaux") < text.index("Ratios clés par région")
    assert text.index("Ratios clés par région") < text.index("Rapports et chiffres clés par région")
    assert 'href="?etat=transmis#titre-regions"' in html and 'href="?retard=on#titre-regions"' in html


def test_each_key_ratio_has_a_chart_with_its_marks_and_data_table(org, client_for):
    build_national(org)
    add_transmitted_regions(org, [100, 110, 120, 130, 1000])
    text = visible_text(get(client_for, org, url()))
    # Transmitted: T1 20 and 10, 11, 12, 13, 100 per ETP → 1 660 people / 60 ETP = 27,7 for France entière.
    assert (
        "Personnes aidées par ETP d'assistant social par région, exercice 2025 ; France entière (rapports "
        "transmis et validés) : 27,7 ; médiane 12,5, quartiles 11,3 et 18,3 sur 6 rapports transmis ou validés." in text
    )
    # Highest first; the draft marked, placed without being counted.
    assert (
        "Caisse régionale Personnes aidées par ETP d'assistant social Rang Quart CARSAT Pair 4 100,0 1re sur 6 "
        "premier quart CARSAT Test Deux (non transmis) 24,0 2e sur 7 premier quart CARSAT Test Un 20,0 2e sur 6" in text
    )


def test_a_chart_is_drawn_again_when_a_figure_it_shows_changes(org, client_for):
    import re

    from activites.models import Valeur

    built = build_national(org)
    add_transmitted_regions(org, [100, 110, 120, 130, 1000])

    def ratio_images():
        html = get(client_for, org, url())
        section = html.split('id="titre-ratios"')[1].split('id="titre-pairs"')[0]
        return re.findall(r'src="(data:image/svg\+xml;base64,[^"]+)"', section)

    before = ratio_images()
    assert ratio_images() == before  # unchanged figures: the same kept images
    valeur = Valeur.objects.get(rapport=built["t1"], caisse=None, indicateur__code="personnes_aidees_collectif")
    valeur.valeur = 500
    valeur.save()
    # As the guard does with every write (caisses.guard): the report's data version moves on.
    RapportAnnuel.objects.filter(pk=built["t1"].pk).update(version_donnees=F("version_donnees") + 1)
    after = ratio_images()
    assert after[0] != before[0]  # people per ETP moved with the people helped
    assert after[1] == before[1]  # the training rate did not


def test_activity_rates_are_recomputed_from_the_sums_of_the_regions_counted(org, client_for):
    built = build_national(org)  # T1 transmitted, T2 a draft
    valeurs(built["t1"], [(None, "objectifs_atteints", 30), (None, "accompagnements_termines", 60)])
    valeurs(built["t2"], [(None, "objectifs_atteints", 9), (None, "accompagnements_termines", 10)])
    add_transmitted_regions(org, [100])
    pair = RapportAnnuel.objects.get(caisse__code="CARSAT-P0")
    valeurs(pair, [(None, "objectifs_atteints", 10), (None, "accompagnements_termines", 40)])
    text = visible_text(get(client_for, org, url()))
    # Transmitted: 50 % and 25 %; France entière (30 + 10) / (60 + 40) = 40 %, never the mean of the rates.
    # Median 37,5 %; quartiles at positions 1,25 and 1,75: 31,25 % and 43,75 %.
    assert (
        "Taux d'objectifs totalement atteints par région, exercice 2025 ; France entière (rapports transmis et "
        "validés) : 40,0 % ; médiane 37,5 %, quartiles 31,3 % et 43,8 % sur 2 rapports transmis ou validés."
        in text.replace("\u00a0", " ")
    )
    # The draft (90 %) is placed first without being counted.
    assert "CARSAT Test Deux (non transmis) 90,0 % 1re sur 3 premier quart" in text.replace("\u00a0", " ")
