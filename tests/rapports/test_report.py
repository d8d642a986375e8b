"""The report as HTML: the plan's order, empty sections, French figures, access, constant query count."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caisses.models import RapportAnnuel
from caisses.plan import PLAN
from rapports.models import PartieTrois
from rapports.report import build_report

NBSP = "\u00a0"


def url(rapport, name="rapport_detail"):
    return reverse(name, kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})


def visible_text(html):
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\r\n]+", " ", text.replace("&#x27;", "'").replace("&amp;", "&"))


def headings():
    """Every heading of the plan as the report prints it, in order."""
    result = []
    for partie in PLAN:
        result.append(f"{partie.numero}. {partie.titre}")
        for section in partie.sections:
            if section.numero:
                result.append(f"{section.numero}. {section.titre}")
            result.extend(f"{numero} {titre}" for _key, numero, titre in section.sous_sections)
    return [*result, "Annexes"]


def assert_in_order(text, expected):
    position = 0
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, f"« {item} » manque ou n'est pas à sa place"
        position = found + len(item)


@pytest.fixture
def empty_rapport(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)


def test_empty_report_renders_every_section_in_order(org, client_for, empty_rapport):
    response = client_for(org.user("responsable")).get(url(empty_rapport))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert_in_order(text, ["Rapport d'activité du service social", "Sommaire", *headings()])
    # Every section of the plan (and its sub-points) says it is empty rather than disappearing.
    assert text.count("Non renseigné.") >= 12
    assert "BROUILLON" in text


def test_transmitted_report_has_no_draft_mark(org, client_for, empty_rapport):
    empty_rapport.etat = RapportAnnuel.Etat.TRANSMIS
    empty_rapport.save()
    text = visible_text(client_for(org.user("relecteur")).get(url(empty_rapport)).content.decode())
    assert "BROUILLON" not in text
    assert "Transmis" in text


def test_part_one_figures_and_formulas(org, client_for, exemple):
    text = visible_text(client_for(org.user("relecteur")).get(url(exemple)).content.decode())
    # I.1: réel ETP 6,8 + 34,6 + 19,4 + 1,5 = 62,3 ; absenteeism 640 + 210 + 35 + 48 = 933 days.
    assert "62,3 " in text and "62,30" not in text  # ETP with the precision entered
    assert f"933 / (62,3{NBSP}×{NBSP}208){NBSP}×{NBSP}100 = 7,2{NBSP}%" in text  # 933 / 12 958,4 = 7,20 %
    # I.3: 36 + 40 + 18,5 = 94,5 days; social workers 6,8 + 34,6 = 41,4 ETP; 94,5 / 8 611,2 = 1,097 %.
    assert f"94,5 / (41,4{NBSP}×{NBSP}208){NBSP}×{NBSP}100 = 1,1{NBSP}%" in text
    # Effectifs over the years (the test has exercices 2024 and 2025): assistants sociaux 35,1 → 34,6 ETP,
    # (34,6 − 35,1) / 35,1 = −1,42 %.
    assert f"Assistants sociaux 35,1 34,6 \u22121,42{NBSP}%" in text
    # I.2: the conventions' participation, in euros, French format: 48 500 + 21 000.
    assert f"69{NBSP}500,00{NBSP}€" in text
    # Annex: the sites with their addresses and hours.
    assert "3 place du Marché, 99100 Exemple-Ville" in text
    assert "mardi et jeudi de 9h00 à 12h00" in text


def test_part_two_and_three_of_the_example(org, client_for, exemple):
    text = visible_text(client_for(org.user("relecteur")).get(url(exemple)).content.decode())
    pct = f"{NBSP}%"
    # Accès aux soins: 1 895 + 1 473 + 842 = 4 210 in 2025; 1 762 + 1 370 + 783 = 3 915 in 2024 → +7,54 %.
    assert f"Accès aux soins 4{NBSP}210 3{NBSP}915 +7,54{pct}" in text
    # People helped, total = individuel + collectif + non répartis: 8 891 + 1 380 + 0 = 10 271 ; 2024: 9 552.
    assert f"Personnes aidées (total) 10{NBSP}271 9{NBSP}552 +7,53{pct}" in text
    # A ratio: 950 / 1 210 = 78,5 % ; 884 / 1 125 = 78,6 %.
    assert f"Taux d'objectifs totalement atteints 78,5{pct} 78,6{pct}" in text
    # Charts' data tables: origin of requests per year, collective actions by modality.
    assert f"Offre de service (détection proactive) 4{NBSP}464 4{NBSP}800" in text
    assert "Informations collectives 64 900" in text
    # II.2–II.4: trainees, districts, survey.
    assert "Institut régional du travail social d'Exemple 5 12 " in text
    assert "Exemple-Ville Nord Cantons nord d'Exemple-Ville" in text
    assert f"Taux de réponse 31,5{pct}" in text
    assert f"Qualité de l'écoute 93{pct} 48{pct}" in text
    # III: the region's Markdown, rendered.
    assert "Mise en place d'une permanence commune" in text


def test_every_chart_has_a_caption_and_its_data(org, client_for, exemple):
    html = client_for(org.user("relecteur")).get(url(exemple)).content.decode()
    figures = re.findall(r'<figure class="graphique">(.*?)</figure>', html, flags=re.S)
    # Chiffres clés (people helped over the years), effectifs over the years, domains N/N−1, origin over the years,
    # collective actions.
    assert len(figures) == 5
    for figure in figures:
        assert 'src="data:image/svg+xml;base64,' in figure
        assert "<figcaption>" in figure and "<table" in figure


def test_part_three_markdown_is_rendered_safely(org, client_for, empty_rapport):
    PartieTrois.objects.create(
        rapport=empty_rapport,
        observations="## Perspectives\n\n- **renforcer** l'offre\n\n<script>alert(1)</script>"
        "[lien](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    html = client_for(org.user("responsable")).get(url(empty_rapport)).content.decode()
    assert "<h3>Perspectives</h3>" in html
    assert "<strong>renforcer</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html


def test_build_report_follows_the_plan(empty_rapport):
    report = build_report(empty_rapport)
    codes = [section.code for partie in report["parties"] for section in partie.sections]
    assert codes == ["I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "II.3", "II.4", "III"]
    assert [s.numero for s in report["parties"][0].sections[0].sous_sections] == ["a)", "b)", "c)", "d)"]


def count_queries(client, path, cold=False):
    if cold:
        cache.clear()  # the body of a draft is kept under the key of its inputs (rapports.pdf.corps_brouillon)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_region(org, client_for, exemple):
    """The example region (3 CPAMs, 4 sites), then the same region grown by 6 CPAMs with their sites and staff
    assignments: the HTML report costs the same number of queries, REPORT_QUERIES."""
    from effectifs.models import Affectation, Categorie
    from tests.factories import CaisseFactory, SiteFactory

    client = client_for(org.user("relecteur"))
    count_queries(client, url(exemple))  # warm-up: first-use caches (content types, catalogue)
    small_count, small_warm = count_queries(client, url(exemple), cold=True), count_queries(client, url(exemple))
    categorie = Categorie.objects.get(code="as")
    for index in range(6):
        cpam = CaisseFactory(code=f"CPAM-EXTRA{index}", parent=exemple.caisse)
        SiteFactory(code=f"SITE-EXTRA{index}", caisse=cpam, etat_locaux="Locaux neufs.")
        Affectation.objects.create(rapport=exemple, caisse_primaire=cpam, categorie=categorie, etp=2)
    large_count, large_warm = count_queries(client, url(exemple), cold=True), count_queries(client, url(exemple))
    assert small_count == large_count == REPORT_QUERIES
    assert small_warm == large_warm == REPORT_QUERIES_KEPT


# Nothing kept yet: 3 for the request (session, user with membership, the report with its one-to-one rows), 12 for
# the key of the body's inputs (rapports.pdf.cache_key), then the body: 10 for Part I (categories, 8 lists, sites),
# 1 for the catalogue, 3 for the 5-year charts (exercices, effectifs, values — which also give N and N−1), 3 for the
# lists of Part II (trainees, districts, survey items), 3 for the annex « Explications des variations » (N−1's
# training and absence days, Part I's thresholds, the explanations), 3 for the annex of the data dictionary
# (groups, indicators, rules); and 12 for the region's place among the others, beside the report (the regions,
# their reports, the 5 reads of the reference data that key the kept figures, then Part I's staff, absences and
# training, Part II's totals).
REPORT_QUERIES = 50
# Once kept (the body under its key, the nation's figures under theirs): the request, the key, and the place's
# regions, reports and reference data.
REPORT_QUERIES_KEPT = 3 + 12 + 7


def test_query_count_is_the_same_for_an_empty_report(org, client_for, empty_rapport):
    """Nothing entered, no survey, no Part III, no N−1: the same queries as a full report."""
    client = client_for(org.user("responsable"))
    count_queries(client, url(empty_rapport))  # warm-up, and the report's creation
    assert count_queries(client, url(empty_rapport), cold=True) == REPORT_QUERIES
    assert count_queries(client, url(empty_rapport)) == REPORT_QUERIES_KEPT


def test_one_to_one_rows_come_with_the_report_or_are_read_afresh(empty_rapport, django_assert_num_queries):
    from caisses.models import one_to_one_of

    PartieTrois.objects.create(rapport=empty_rapport, observations="Vu.")
    loaded = RapportAnnuel.objects.select_related("partie_trois", "installation").get(pk=empty_rapport.pk)
    with django_assert_num_queries(0):
        assert one_to_one_of(loaded, "partie_trois").observations == "Vu."
        assert one_to_one_of(loaded, "installation") is None
    plain = RapportAnnuel.objects.get(pk=empty_rapport.pk)
    with django_assert_num_queries(1):
        assert one_to_one_of(plain, "installation") is None
    # Not cached on the report: a row saved later in the same request is seen.
    from effectifs.models import Installation

    Installation.objects.create(rapport=plain, moyens_materiels="Deux véhicules.")
    assert one_to_one_of(plain, "installation").moyens_materiels == "Deux véhicules."


def test_the_report_prints_the_data_dictionary_as_an_annex(org, client_for, exemple):
    html = client_for(org.user("relecteur")).get(url(exemple)).content.decode()
    annex = html.split('id="s-dictionnaire"')[1]
    assert "Dictionnaire des indicateurs de l'exercice 2025" in annex
    entry = annex.split('id="dictionnaire-taux_objectifs_atteints"')[1].split("</article>")[0]
    # A ratio's formula links to its terms inside the annex, never to the site's page.
    assert 'href="#dictionnaire-objectifs_atteints"' in entry
    assert 'href="#dictionnaire-accompagnements_termines"' in entry


def test_a_draft_s_kept_body_follows_every_write_through_the_guard(org, client_for, empty_rapport):
    from django.db.models import F

    from activites.models import Indicateur, Valeur

    client = client_for(org.user("relecteur"))
    assert "4\u00a0321" not in visible_text(client.get(url(empty_rapport)).content.decode())
    Valeur.objects.create(
        rapport=empty_rapport, indicateur=Indicateur.objects.get(code="personnes_aidees_individuel"), valeur=4321
    )
    assert "4\u00a0321" not in visible_text(client.get(url(empty_rapport)).content.decode())  # around the guard
    RapportAnnuel.objects.filter(pk=empty_rapport.pk).update(version_donnees=F("version_donnees") + 1)  # the guard
    assert "4\u00a0321" in visible_text(client.get(url(empty_rapport)).content.decode())
