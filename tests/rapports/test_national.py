"""The national view: figures against hand-computed totals, sorting, filtering, access, constant query count."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caisses.models import Caisse, RapportAnnuel
from caisses.plan import section_states, section_states_many
from rapports.national import par_etp, synthese_nationale
from tests.factories import CaisseFactory
from tests.rapports.national_data import NATIONAL, build_national, effectifs, formations, valeurs

NBSP = "\u00a0"
D = Decimal


@pytest.fixture
def national(org):
    return build_national(org)


def url(annee=2025, **params):
    base = reverse("national", kwargs={"annee": annee})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def visible_text(html):
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\r\n]+", " ", text.replace("&#x27;", "'").replace("&amp;", "&"))


def region_order(html):
    """Region codes in the order of the main table's rows."""
    table = html.split('class="table table-sm table-bordered table-figures tableau-rapport national-table"')[1]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<span class="d-block small text-body-secondary">([A-Z0-9-]+)</span>', body)


def get(client_for, org, path):
    response = client_for(org.user("relecteur")).get(path)
    assert response.status_code == 200
    return response.content.decode()


# --- Figures --------------------------------------------------------------------------------------------------


def test_region_figures_match_the_hand_computed_ones(org, national):
    lignes = {ligne.region.code: ligne for ligne in synthese_nationale(2025).lignes}
    t1, t2, t3 = lignes["CARSAT-T1"], lignes["CARSAT-T2"], lignes["CARSAT-T3"]
    assert (t1.n.personnes_aidees, t1.n.individuel, t1.n.collectif) == (200, 160, 35)
    assert (t1.n.etp_reel, t1.n.etp_assistants_sociaux, t1.n.jours_formation) == (D("13.5"), 10, D("20.8"))
    assert round(t1.n.taux_formation, 4) == D("1.0000")
    assert t1.n.personnes_par_etp == 20
    assert t1.n1.personnes_aidees == 160
    assert t1.evolution_personnes == 25
    assert (t2.n.personnes_aidees, t2.n.etp_assistants_sociaux, t2.n.personnes_par_etp) == (360, 15, 24)
    assert round(t2.n.taux_formation, 4) == D("2.0000")
    assert t2.n1.personnes_aidees is None and t2.evolution_personnes is None
    assert t3.rapport.pk is None and t3.n.personnes_aidees is None and t3.n.taux_formation is None


def test_national_totals_and_ratios_come_from_the_totals(org, national):
    synthese = synthese_nationale(2025)
    total = synthese.total
    assert total.personnes_aidees == NATIONAL["personnes"]
    assert (total.individuel, total.collectif) == (NATIONAL["individuel"], NATIONAL["collectif"])
    assert synthese.total_n1.personnes_aidees == NATIONAL["personnes_n1"]
    assert (total.etp_reel, total.etp_assistants_sociaux) == (NATIONAL["etp_reel"], NATIONAL["etp_as"])
    assert total.jours_formation == NATIONAL["jours_formation"]
    assert round(total.taux_formation, 4) == NATIONAL["taux_formation"]
    # 560 / 25 = 22,4 — not the mean of the regions' 20 and 24.
    assert total.personnes_par_etp == NATIONAL["par_etp"]


def test_state_late_flag_and_completeness(org, national):
    lignes = {ligne.region.code: ligne for ligne in synthese_nationale(2025).lignes}
    assert [lignes[c].etat_libelle for c in ("CARSAT-T1", "CARSAT-T2", "CARSAT-T3")] == [
        "Transmis",
        "Brouillon",
        "Non commencé",
    ]
    # The due date was yesterday: only the transmitted report is on time.
    assert [lignes[c].en_retard for c in ("CARSAT-T1", "CARSAT-T2", "CARSAT-T3")] == [False, True, True]
    assert lignes["CARSAT-T1"].sections["I.3"] == "complet"
    assert lignes["CARSAT-T2"].sections_completes == 1  # I.3: its training actions
    assert lignes["CARSAT-T3"].sections_completes == 0


def test_par_etp_is_not_computable_without_staff():
    assert par_etp(D(10), D(0)) is None
    assert par_etp(None, D(3)) is None
    assert par_etp(D(10), D(4)) == D("2.5")


def test_section_states_many_agree_with_section_states(org, national):
    from activites.models import Circonscription, EnqueteSatisfaction, Etudiant, PartieDeux
    from effectifs.models import Absence, Installation, Reunion
    from rapports.models import PartieTrois

    t1, t2 = national["t1"], national["t2"]
    # Something in every section of T1, half of the texts of T2: complete, in progress and empty states.
    PartieDeux.objects.create(rapport=t1, etudiants_commentaire="Deux écoles.", coordination_commentaire="Réseau.")
    PartieDeux.objects.create(rapport=t2, autres_activites="Forum.")
    Etudiant.objects.create(rapport=t1, ecole="IRTS", nombre=2, duree_semaines=D(6))
    Circonscription.objects.create(rapport=t1, nom="Nord")
    EnqueteSatisfaction.objects.create(rapport=t2, periode="mars", echantillon=100, taux_reponse=D(40))
    PartieTrois.objects.create(rapport=t1, observations="Une année riche.")
    Absence.objects.create(rapport=t1, motif="maladie", jours=D(12))
    Installation.objects.create(rapport=t1, moyens_materiels="Véhicules de service.")
    Reunion.objects.create(rapport=t2, niveau="regional", periodicite="mensuelle", nombre=12)
    rapports = list(RapportAnnuel.objects.select_related("caisse", "exercice"))
    many = section_states_many(rapports)
    assert many == {r.pk: section_states(r) for r in rapports}
    assert {state for states in many.values() for state in states.values()} >= {"vide", "en_cours", "complet"}


# --- The page -------------------------------------------------------------------------------------------------


def test_page_shows_every_region_totals_and_links_in_french_format(org, client_for, national):
    html = get(client_for, org, url())
    text = visible_text(html)
    for name in ("CARSAT Test Un", "CARSAT Test Deux", "CARSAT Test Trois"):
        assert name in text
    assert "France entière" in text
    # The training rate's evolution is in points; without any 2024 staff it is not computable.
    # Every region, drafts included; then the transmitted report alone (T1), against its own N−1 (150 + 10).
    assert (
        f"France entière toutes les régions, brouillons compris 2 / 27 1,6{NBSP}% non calculable 22,4 560 160 "
        f"+250,00{NBSP}% 460 95" in text
    )
    assert (
        f"France entière rapports transmis et validés (1 région) 1 / 9 1,0{NBSP}% non calculable 20,0 200 160 "
        f"+25,00{NBSP}% 160 35" in text
    )
    assert f"+25,00{NBSP}%" in text  # CARSAT-T1's people helped, 2024 → 2025
    assert f"1,0{NBSP}%" in text and f"2,0{NBSP}%" in text
    assert "Totaux et ratios nationaux" in text
    # Totals table: T1 transmitted (1,0 %, no 2024 staff), every region beside (1,6 %).
    assert f"Temps passé en formation 1,0{NBSP}% non calculable non calculable 1,6{NBSP}%" in text
    for code in ("CARSAT-T1", "CARSAT-T2", "CARSAT-T3"):
        assert reverse("rapport_detail", kwargs={"code": code, "annee": 2025}) in html
        assert reverse("rapport_pdf", kwargs={"code": code, "annee": 2025}) in html
    assert reverse("national_xlsx", kwargs={"annee": 2025}) in html
    assert reverse("national_pdf", kwargs={"annee": 2025}) in html
    # Charts are SVG data URIs, each with its caption and its data table.
    # 3 key ratios with a value (no absences entered: no absenteeism chart) and 3 comparisons of the regions.
    assert html.count('src="data:image/svg+xml;base64,') == 6
    assert html.count("<figcaption>") == 6


def test_default_order_is_by_region_name(org, client_for, national):
    html = get(client_for, org, url())
    assert region_order(html) == ["CARSAT-T2", "CARSAT-T3", "CARSAT-T1"]  # Deux, Trois, Un
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tri": "personnes", "ordre": "desc"}, ["CARSAT-T2", "CARSAT-T1", "CARSAT-T3"]),
        # Regions without a value come last in both orders.
        ({"tri": "personnes", "ordre": "asc"}, ["CARSAT-T1", "CARSAT-T2", "CARSAT-T3"]),
        ({"tri": "par_etp", "ordre": "desc"}, ["CARSAT-T2", "CARSAT-T1", "CARSAT-T3"]),
        ({"tri": "etat"}, ["CARSAT-T2", "CARSAT-T3", "CARSAT-T1"]),  # Brouillon, Non commencé, Transmis
        ({"tri": "region", "ordre": "desc"}, ["CARSAT-T1", "CARSAT-T3", "CARSAT-T2"]),
        ({"tri": "inconnue", "ordre": "n'importe"}, ["CARSAT-T2", "CARSAT-T3", "CARSAT-T1"]),
    ],
)
def test_sorting(org, client_for, national, params, expected):
    assert region_order(get(client_for, org, url(**params))) == expected


def test_sorted_header_says_so_and_links_to_the_other_order(org, client_for, national):
    html = get(client_for, org, url(tri="personnes", ordre="desc", q="carsat"))
    header = re.search(r'<th scope="col" class="num" aria-sort="descending">\s*<a class="tri" href="([^"]+)"', html)
    assert header, "the sorted column carries aria-sort"
    link = header.group(1).replace("&amp;", "&")
    assert "tri=personnes" in link and "ordre=asc" in link and "q=carsat" in link
    assert html.count("aria-sort=") == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"etat": "transmis"}, ["CARSAT-T1"]),
        ({"etat": "brouillon"}, ["CARSAT-T2", "CARSAT-T3"]),
        ({"retard": "on"}, ["CARSAT-T2", "CARSAT-T3"]),
        ({"q": "trois"}, ["CARSAT-T3"]),
        ({"q": "carsat-t1"}, ["CARSAT-T1"]),
        ({"q": "deux", "retard": "on"}, ["CARSAT-T2"]),
        ({"etat": "inexistant"}, ["CARSAT-T2", "CARSAT-T3", "CARSAT-T1"]),
    ],
)
def test_filtering(org, client_for, national, params, expected):
    assert region_order(get(client_for, org, url(**params))) == expected


def test_filter_without_match_says_so_and_keeps_national_totals(org, client_for, national):
    text = visible_text(get(client_for, org, url(q="aucune-region")))
    assert "Aucune région ne correspond à ces critères." in text
    assert "Totaux et ratios nationaux" in text
    assert "560" in text


def test_unknown_year_is_404(org, client_for, national):
    assert client_for(org.user("relecteur")).get(url(annee=1999)).status_code == 404


@pytest.mark.parametrize("role", ["responsable", "agent", "sans_role", "responsable_autre"])
def test_other_roles_do_not_see_that_the_page_exists(org, client_for, national, role):
    assert client_for(org.user(role)).get(url()).status_code == 404


def test_home_page_links_to_the_national_view_for_national_staff_only(org, client_for, national):
    link = reverse("national", kwargs={"annee": 2025})
    assert link in client_for(org.user("relecteur")).get("/").content.decode()
    assert link in client_for(org.user("administrateur")).get("/").content.decode()
    assert link not in client_for(org.user("responsable")).get("/").content.decode()


# --- Constant number of queries -------------------------------------------------------------------------------


def add_regions(org, count):
    """More regions, each with a report of 2025 and 2024 holding figures, staff and training."""
    for index in range(count):
        region = CaisseFactory(
            code=f"CARSAT-X{index}", nom=f"CARSAT Extra {index}", type=Caisse.Type.REGIONALE, parent=org.nationale
        )
        cpam = CaisseFactory(code=f"CPAM-X{index}", nom=f"CPAM Extra {index}", parent=region)
        for exercice in (org.exercice, org.previous_exercice):
            rapport = RapportAnnuel.objects.create(caisse=region, exercice=exercice)
            valeurs(
                rapport, [(cpam, "personnes_aidees_individuel", 10 + index), (None, "personnes_aidees_collectif", 3)]
            )
            effectifs(rapport, {"as": 4, "secretariat": 1})
            formations(rapport, [5])


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("name", ["national", "national_xlsx", "national_csv"])
def test_query_count_does_not_grow_with_the_number_of_regions(org, client_for, national, name):
    client = client_for(org.user("relecteur"))
    path = reverse(name, kwargs={"annee": 2025})
    count_queries(client, path)  # warm-up: session, content types, kept section states
    with_three = count_queries(client, path)
    add_regions(org, 7)
    assert Caisse.objects.regionales().count() == 10
    cold = count_queries(client, path)  # the new reports' section states are computed, in fixed queries too
    assert count_queries(client, path) == with_three
    cache.clear()
    assert count_queries(client, path) == cold


def test_national_view_queries_within_target(org, client_for, national):
    """Issue 11's target: at most 20 SQL queries once the section states of unchanged reports are kept."""
    client = client_for(org.user("relecteur"))
    path = reverse("national", kwargs={"annee": 2025})
    count_queries(client, path)
    assert count_queries(client, path) <= 20


def test_exercice_without_previous_year_or_figures(org, client_for, national):
    # 2024: only CARSAT-T1 has a report, and there is no 2023 exercice to compare with.
    text = visible_text(get(client_for, org, url(annee=2024)))
    assert "Vue nationale — exercice 2024" in text
    assert (
        "France entière toutes les régions, brouillons compris 0 / 27 non calculable non calculable — 160 — "
        "non calculable 150 10" in text
    )
    # Without any people helped per ETP nor training rate, those charts are left out rather than drawn empty.
    assert "Personnes aidées par région" in text
    assert "Temps passé en formation (% du temps" not in text
