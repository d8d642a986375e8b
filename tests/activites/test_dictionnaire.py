"""The data dictionary at /indicateurs/: every role, the exercice filter, formulas, rules, thresholds in French,
anchors, the report's annex, escaping, and a query count that does not grow with the catalogue."""

import html
import importlib
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activites import dictionnaire
from activites.models import GroupeIndicateurs, Indicateur, Regle

URL = "/indicateurs/"


def page(client, query=""):
    response = client.get(URL + query)
    return response, html.unescape(response.content.decode())


def entree(text, code):
    """The text of one entry (its <article>)."""
    match = re.search(rf'<article[^>]*id="{re.escape(code)}">(.*?)</article>', text, re.S)
    assert match, f"pas d'entrée {code}"
    return match.group(1)


def make(code, groupe, **fields):
    return Indicateur.objects.create(
        code=code, libelle=fields.pop("libelle", code.capitalize()), groupe=groupe, **fields
    )


@pytest.fixture
def groupe(db):
    return GroupeIndicateurs.objects.create(code="essai", libelle="Groupe d'essai", ordre=999)


def test_url_entree_is_the_stable_anchor():
    assert reverse("dictionnaire") == URL
    assert dictionnaire.url_entree("domaine_acces_soins") == "/indicateurs/#domaine_acces_soins"


@pytest.mark.parametrize("role", ["agent", "responsable", "relecteur", "administrateur"])
def test_every_signed_in_role_reads_the_whole_catalogue(org, client_for, role):
    response, text = page(client_for(org.user(role)))
    assert response.status_code == 200
    # The default catalogue (migration 0002): 8 groups in order in the table of contents, each entry anchored.
    sommaire = re.search(r'<nav aria-labelledby="titre-sommaire".*?</nav>', text, re.S).group(0)
    groupes = re.findall(r'href="#groupe-([a-z_]+)"', sommaire)
    assert groupes == [
        "personnes_aidees",
        "domaines",
        "types_intervention",
        "accompagnements_termines",
        "interventions_collectives",
        "origine_demandes",
        "reactivite",
        "precarite",
    ]
    codes = re.findall(r'<article[^>]*id="([a-z0-9_]+)"', text)
    assert len(codes) == Indicateur.objects.count() + 1  # and the computed total of the people helped
    assert codes[:4] == [
        "personnes_aidees_individuel",
        "personnes_aidees_collectif",
        "personnes_aidees_non_reparties",
        "personnes_aidees_total",
    ]
    assert 'href="/indicateurs/">Dictionnaire des indicateurs</a>' in text  # the site's navigation


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ratio_formula_links_numerator_and_denominator(org, client_for):
    _response, text = page(client_for(org.user("agent")))
    taux = entree(text, "taux_objectifs_atteints")
    assert "Ratio calculé" in taux
    formule = re.search(r"<dd[^>]*data-formule>(.*?)</dd>", taux, re.S).group(1)
    assert formule.startswith(
        '<a href="#objectifs_atteints">dont objectifs totalement atteints</a> / '
        '<a href="#accompagnements_termines">Accompagnements terminés</a> × 100'
    )
    total = entree(text, "personnes_aidees_total")
    assert "Total calculé" in total
    assert (
        '<a href="#personnes_aidees_individuel">Personnes aidées individuellement</a> + '
        '<a href="#personnes_aidees_collectif">Personnes aidées collectivement</a> + '
        '<a href="#personnes_aidees_non_reparties">Personnes aidées non réparties</a>'
    ) in total


def test_rules_are_listed_on_their_subject_and_their_terms(org, client_for):
    _response, text = page(client_for(org.user("agent")))
    individuel = entree(text, "personnes_aidees_individuel")
    assert "Valeur positive ou nulle (erreur bloquante)" in individuel
    assert 'égale à la somme de : <a href="#domaine_acces_soins">Accès aux soins</a>, ' in individuel
    assert '<a href="#domaine_non_repartis">Non répartis</a> (erreur bloquante)' in individuel
    # A term of that rule shows it too; an inactive rule is not shown.
    assert "égale à la somme de" in entree(text, "domaine_acces_soins")
    Regle.objects.filter(nature="somme_egale").update(active=False)
    _response, text = page(client_for(org.user("agent")))
    assert "égale à la somme de" not in entree(text, "domaine_acces_soins")


def test_thresholds_definition_and_periods_in_french(org, client_for, groupe):
    make(
        "essai_toujours",
        groupe,
        unite_mesure="personnes",
        seuil_relatif=D("12.5"),
        seuil_absolu=D("1500"),
        definition="Personnes reçues au moins une fois.\nHors appels.",
    )
    make("essai_depuis", groupe, actif_depuis=2019, seuil_absolu=D(1), unite_mesure="demandes")
    make("essai_borne", groupe, actif_depuis=2015, actif_jusqu_a=2022)
    num = make("essai_num", groupe, actif_jusqu_a=2030)
    make(
        "essai_taux",
        groupe,
        nature="ratio",
        agregation="aucune",
        numerateur=num,
        denominateur=num,
        unite_mesure="%",
        seuil_relatif=D(5),
        seuil_absolu=D("1.5"),
    )
    _response, text = page(client_for(org.user("relecteur")))
    toujours = entree(text, "essai_toujours")
    assert "±12,5\u00a0% et un écart d'au moins 1\u00a0500\u00a0personnes par rapport à N−1" in toujours
    assert "Personnes reçues au moins une fois.<br>Hors appels." in toujours
    assert "tous les exercices" in toujours
    depuis = entree(text, "essai_depuis")
    assert "±20\u00a0% et un écart d'au moins 1\u00a0demande par rapport à N−1" in depuis
    assert "depuis 2019" in depuis
    assert "Définition à compléter par l'administrateur" in depuis
    assert "de 2015 à 2022" in entree(text, "essai_borne")
    assert "jusqu'en 2030" in entree(text, "essai_num")
    # A ratio moves in points, and only its points count (rapports.variations).
    assert "±5\u00a0points par rapport à N−1" in entree(text, "essai_taux")
    assert "écart d'au moins" not in entree(text, "essai_taux")


def test_periods():
    assert dictionnaire.periode(None, None) == "tous les exercices"
    assert dictionnaire.periode(2019, None) == "depuis 2019"
    assert dictionnaire.periode(2015, 2022) == "de 2015 à 2022"
    assert dictionnaire.periode(None, 2022) == "jusqu'en 2022"
    assert dictionnaire.periode(2020, 2020) == "en 2020 seulement"


def test_exercice_filter_shows_only_what_is_active_that_year(org, client_for, groupe):
    make("essai_depuis_2026", groupe, actif_depuis=2026)
    make("essai_jusqu_2024", groupe, actif_jusqu_a=2024)
    make("essai_2025", groupe, actif_depuis=2025, actif_jusqu_a=2025)
    client = client_for(org.user("agent"))
    _response, tous = page(client)
    assert {"essai_depuis_2026", "essai_jusqu_2024", "essai_2025"} <= set(re.findall(r'id="(essai_[a-z0-9_]+)"', tous))
    response, text = page(client, "?exercice=2025")
    assert response.status_code == 200
    assert re.findall(r'<article[^>]*id="(essai_[a-z0-9_]+)"', text) == ["essai_2025"]
    assert '<h1 class="h3">Dictionnaire des indicateurs — exercice 2025</h1>' in text
    assert '<option value="2025" selected>2025</option>' in text
    _response, text = page(client, "?exercice=2024")
    assert re.findall(r'<article[^>]*id="(essai_[a-z0-9_]+)"', text) == ["essai_jusqu_2024"]


@pytest.mark.parametrize("value", ["abc", "20251", "1900", "-5", "２０２５", "2025' OR 1=1"])
def test_a_bad_exercice_is_a_french_400(org, client_for, value):
    response, text = page(client_for(org.user("agent")), f"?exercice={value}")
    assert response.status_code == 400
    assert "Exercice invalide : saisissez une année entre 1970 et 2100." in text
    assert 'id="personnes_aidees_individuel"' in text  # the whole dictionary still shows


def test_labels_and_definitions_are_escaped(org, client_for, groupe):
    make("essai_xss", groupe, libelle="<script>alert('x')</script>", definition="<img src=x onerror=alert(1)>")
    response = client_for(org.user("agent")).get(URL)
    raw = response.content.decode()
    assert "<script>alert" not in raw and "<img src=x" not in raw
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_catalogue(org, client_for, groupe):
    Regle.objects.all().delete()
    Indicateur.objects.filter(nature="ratio").delete()
    Indicateur.objects.all().delete()
    Regle.objects.create(nature="positif", niveau="erreur")

    def add(i):
        donnee = make(f"essai_{i}", groupe, poids=None)
        ratio = make(
            f"essai_taux_{i}", groupe, nature="ratio", agregation="aucune", numerateur=donnee, denominateur=donnee
        )
        regle = Regle.objects.create(nature="inferieur_ou_egal", indicateur=donnee)
        regle.termes.set([ratio.numerateur])
        return donnee

    add(0)
    client = client_for(org.user("responsable"))
    with_two = _queries(client)
    for i in range(1, 5):
        add(i)
    assert Indicateur.objects.count() == 10
    assert _queries(client) == with_two
    _response, text = page(client)
    assert len(re.findall(r"<article", text)) == 10


def test_annex_partial_for_the_report(org):
    context = dictionnaire.contexte_annexe(2025, niveau=3)
    text = html.unescape(render_to_string("activites/_dictionnaire_annexe.html", context))
    # Anchors prefixed so that they do not meet the report's ids; links stay inside the annex.
    assert 'id="dictionnaire-groupe-personnes_aidees"' in text
    assert '<h3 class="h4 border-bottom pb-1" id="dictionnaire-groupe-personnes_aidees">Personnes aidées</h3>' in text
    assert '<article class="dictionnaire-entree mb-3 text-break" id="dictionnaire-taux_objectifs_atteints">' in text
    assert '<a href="#dictionnaire-objectifs_atteints">dont objectifs totalement atteints</a>' in text
    assert '<h4 class="h6 mb-1">Taux d\'objectifs totalement atteints' in text
    assert 'id="taux_objectifs_atteints"' not in text


def test_default_catalogue_has_a_definition_for_every_indicator(org, client_for):
    catalogue = importlib.import_module("activites.migrations.0002_catalogue_par_defaut")
    definitions = importlib.import_module("activites.migrations.0006_definitions_par_defaut").DEFINITIONS
    codes = {row[1] for row in catalogue.DONNEES} | {row[1] for row in catalogue.RATIOS}
    assert set(definitions) == codes
    assert not Indicateur.objects.filter(code__in=codes, definition="").exists()
    _response, text = page(client_for(org.user("agent")))
    assert "Personnes ayant reçu un conseil social : information, orientation" in entree(text, "type_conseil")


def test_the_page_only_reads(org, client_for):
    client = client_for(org.user("administrateur"))
    client.handler.enforce_csrf_checks = False
    assert client.post(URL, {"exercice": "2025"}).status_code == 405
