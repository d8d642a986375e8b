"""II.1 « Proposition de rédaction »: hand-checked sentences (agreements, zero, N−1 or not, the minus sign), the
example documents, and the page: who sees it, escaping, no extra query."""

import html
import json
from decimal import Decimal as D
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activites.aggregation import Spec, aggregate
from activites.models import GroupeIndicateurs, Indicateur, PartieDeux, Valeur
from activites.redaction import Chiffre, modeles_du_catalogue, paragraphe, unite_accordee, valider_phrase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NB = "\u00a0"
PERSONNES = ("personnes_aidees_individuel", "personnes_aidees_collectif", "personnes_aidees_non_reparties")


def spec(code, unite="personnes", **fields):
    return Spec(code=code, unite_mesure=unite, **fields)


def total():
    return spec("personnes_aidees_total", nature="total")


def taux(code):
    return spec(code, unite="%", nature="ratio", agregation="aucune")


def test_the_issue_sentence_with_n1():
    chiffres = [
        Chiffre(spec("personnes_aidees_individuel"), D(12893), D(12800)),
        Chiffre(spec("personnes_aidees_collectif"), D(1500), D(1696)),
        Chiffre(spec("personnes_aidees_non_reparties"), D(190), D(190)),
        Chiffre(total(), D(14583), D(14686)),
    ]
    # 14 583 / 14 686 = −0,70 % ; 12 893 / 12 800 = +0,73 % ; 1 500 / 1 696 = −11,56 % ; 190 / 190 = 0.
    assert paragraphe(2025, chiffres, avec_n1=True) == (
        f"En 2025, le service social a aidé 14{NB}583 personnes (\u22120,7{NB}%), dont 12{NB}893 individuellement "
        f"(+0,7{NB}%), 1{NB}500 collectivement (\u221211,6{NB}%) et 190 sans répartition (0,0{NB}%)."
    )


def test_without_n1_report_there_is_no_variation():
    chiffres = [Chiffre(spec("personnes_aidees_individuel"), D(12893), D(12800)), Chiffre(total(), D(12893), None)]
    assert paragraphe(2025, chiffres, avec_n1=False) == (
        f"En 2025, le service social a aidé 12{NB}893 personnes, dont 12{NB}893 individuellement."
    )


def test_singular_plural_and_zero():
    def phrase(value):
        return paragraphe(2025, [Chiffre(spec("domaine_acces_soins"), D(value))], avec_n1=False)

    assert phrase(0) == "En 2025, aucune personne n'a été aidée pour l'accès aux soins."
    assert phrase(1) == "En 2025, 1 personne a été aidée pour l'accès aux soins."
    assert phrase(2) == "En 2025, 2 personnes ont été aidées pour l'accès aux soins."
    assert phrase(1234) == f"En 2025, 1{NB}234 personnes ont été aidées pour l'accès aux soins."


def test_masculine_zero_detail_and_rates_in_points():
    chiffres = [
        Chiffre(spec("accompagnements_termines", "accompagnements"), D(1), D(4)),
        Chiffre(spec("objectifs_atteints", "accompagnements"), D(0), D(3)),
        Chiffre(taux("taux_objectifs_atteints"), D(0), D(75)),
    ]
    assert paragraphe(2025, chiffres, avec_n1=True) == (
        f"En 2025, 1 accompagnement s'est terminé (\u221275,0{NB}%), dont aucun avec des objectifs totalement "
        f"atteints (\u2212100,0{NB}%). Le taux d'objectifs totalement atteints est de 0,0{NB}% (\u221275,0{NB}pts)."
    )


def test_a_detail_without_its_parent_is_its_own_sentence_and_missing_figures_write_nothing():
    chiffres = [
        Chiffre(total(), None),
        Chiffre(spec("personnes_aidees_individuel"), None, D(5)),
        Chiffre(spec("personnes_aidees_collectif"), D(1), D(0)),  # N−1 of 0: no relative variation
    ]
    assert paragraphe(2025, chiffres, avec_n1=True) == "En 2025, 1 personne a été aidée collectivement."
    assert paragraphe(2025, [Chiffre(total(), None)], avec_n1=True) == ""


def test_generic_sentence_for_an_indicator_without_template():
    chiffres = [
        Chiffre(spec("domaine_acces_soins"), D(3)),
        Chiffre(spec("essai", "demandes", libelle="Demandes en ligne"), D(1), D(2)),
        Chiffre(spec("essai_taux", "%", nature="ratio", libelle="Taux en ligne"), D("12.34"), None),
    ]
    assert paragraphe(2025, chiffres, avec_n1=True) == (
        "En 2025, 3 personnes ont été aidées pour l'accès aux soins. Demandes en ligne : 1 demande "
        f"(\u221250,0{NB}%). Taux en ligne : 12,3{NB}%."
    )
    only = paragraphe(2025, [Chiffre(spec("essai", "demandes", libelle="Demandes"), D(0))], avec_n1=False)
    assert only == "Exercice 2025. Demandes : 0 demande."
    assert unite_accordee(D(1), "fois") == "fois"
    assert unite_accordee(D(5), "ETP") == "ETP"


def _example(year):
    document = json.loads((FIXTURES / f"exemple-rapport-CARSAT-EX-{year}.json").read_text(encoding="utf-8"))
    values = {}
    for item in document["partie_2"]["indicateurs"]:
        values.setdefault(item["unite"], {})[item["code"]] = D(str(item["valeur"]))
    return values


def test_the_example_documents():
    specs = [spec(code) for code in (*PERSONNES, "domaine_acces_soins")]
    n, n1 = aggregate(_example(2025), specs), aggregate(_example(2024), specs)
    chiffres = [Chiffre(s, n.get(s.code), n1.get(s.code)) for s in [*specs, total()]]
    by_group = {
        "personnes": [c for c in chiffres if c.spec.code != "domaine_acces_soins"],
        "domaines": [c for c in chiffres if c.spec.code == "domaine_acces_soins"],
    }
    # 8 891 + 1 380 + 0 = 10 271 against 8 269 + 1 283 + 0 = 9 552: +7,53 % ; +7,52 % ; +7,56 % ; 0 → 0.
    assert paragraphe(2025, by_group["personnes"], avec_n1=True) == (
        f"En 2025, le service social a aidé 10{NB}271 personnes (+7,5{NB}%), dont 8{NB}891 individuellement "
        f"(+7,5{NB}%), 1{NB}380 collectivement (+7,6{NB}%) et aucune sans répartition."
    )
    # 1 895 + 1 473 + 842 = 4 210 against 3 915: +7,54 %.
    assert paragraphe(2025, by_group["domaines"], avec_n1=True) == (
        f"En 2025, 4{NB}210 personnes ont été aidées pour l'accès aux soins (+7,5{NB}%)."
    )


# --- the II.1 page ------------------------------------------------------------------------------------------


def url(org):
    return reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee})


def put(rapport, code, value, caisse):
    Valeur.objects.create(rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, valeur=D(value))


@pytest.fixture
def figures(org, rapport, rapport_n1):
    one, two = org.cpams
    put(rapport, "personnes_aidees_individuel", 10000, one)
    put(rapport, "personnes_aidees_individuel", 2893, two)
    put(rapport, "personnes_aidees_collectif", 1500, one)
    put(rapport, "personnes_aidees_non_reparties", 190, two)
    put(rapport_n1, "personnes_aidees_individuel", 12800, one)
    put(rapport_n1, "personnes_aidees_collectif", 1696, one)
    put(rapport_n1, "personnes_aidees_non_reparties", 190, two)
    put(rapport, "domaine_acces_soins", 1, one)


def test_responsable_sees_the_paragraphs_and_the_insert_buttons(org, client_for, figures):
    response = client_for(org.user("responsable")).get(url(org))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert '<h2 class="h5" id="titre-redaction">Proposition de rédaction</h2>' in text
    assert (
        '<p class="mb-2" id="redaction-personnes_aidees">'
        f"En 2025, le service social a aidé 14{NB}583 personnes (\u22120,7{NB}%), dont 12{NB}893 individuellement "
        f"(+0,7{NB}%), 1{NB}500 collectivement (\u221211,6{NB}%) et 190 sans répartition (0,0{NB}%).</p>"
    ) in text
    assert "En 2025, 1 personne a été aidée pour l'accès aux soins." in text
    assert 'data-inserer-redaction="redaction-personnes_aidees" aria-controls="id_evolution_nature_activites"' in text
    assert 'data-cible="id_evolution_nature_activites"' in text
    assert '<script src="/static/js/redaction.js"></script>' in text
    assert "<script>" not in text  # CSP: no inline script
    assert '<a href="/indicateurs/?exercice=2025">Dictionnaire des indicateurs 2025</a>' in text
    # A group filter shows that group's paragraph only.
    filtered = html.unescape(client_for(org.user("responsable")).get(url(org) + "?groupe=domaines").content.decode())
    assert 'id="redaction-domaines"' in filtered and 'id="redaction-personnes_aidees"' not in filtered


@pytest.mark.parametrize("role", ["relecteur", "agent"])
def test_who_may_not_write_the_narrative_does_not_see_it(org, client_for, figures, role):
    response = client_for(org.user(role)).get(url(org))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Proposition de rédaction" not in text
    assert "redaction.js" not in text and "data-inserer-redaction" not in text


def test_the_page_saves_nothing_by_itself(org, client_for, figures):
    client_for(org.user("responsable")).get(url(org))
    assert not PartieDeux.objects.exists()


def test_a_label_with_markup_is_escaped_in_the_paragraph(org, client_for, rapport):
    groupe = GroupeIndicateurs.objects.create(code="essai", libelle="<b>Groupe</b>", ordre=999)
    indicateur = Indicateur.objects.create(
        code="essai", libelle="<script>alert(1)</script>", groupe=groupe, unite_mesure="<i>u</i>s"
    )
    Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=D(3))
    raw = client_for(org.user("responsable")).get(url(org)).content.decode()
    assert "<script>alert(1)</script>" not in raw and "<i>u</i>" not in raw
    assert (
        '<p class="mb-2" id="redaction-essai">Exercice 2025. &lt;script&gt;alert(1)&lt;/script&gt; : 3 '
        "&lt;i&gt;u&lt;/i&gt;s.</p>"
    ) in raw
    assert '<h3 class="h6 mb-1">&lt;b&gt;Groupe&lt;/b&gt;</h3>' in raw


def test_no_extra_query(org, client_for, figures):
    client = client_for(org.user("responsable"))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(org)).status_code == 200
        return len(captured)

    count()  # the first look fills the caches (section states)
    with mock.patch("activites.redaction.paragraphes", return_value=[]):
        without = count()
    assert count() == without


# An indicator the code has no sentence for: its administrator writes the three forms in the catalogue.
ATELIERS = ("aucun atelier numérique n'a été animé{v}", "{n} atelier numérique a été animé{v}")
ATELIERS_PLUSIEURS = "{n} ateliers numériques ont été animés{v}"


def test_the_catalogues_sentences_agree_with_the_figure():
    essai = Indicateur(
        code="essai", phrase_aucun=ATELIERS[0], phrase_un=ATELIERS[1], phrase_plusieurs=ATELIERS_PLUSIEURS
    )
    catalogue = modeles_du_catalogue([essai])

    def phrase(n, n1=None):
        chiffre = Chiffre(spec("essai", "ateliers", libelle="Ateliers numériques"), D(n), None if n1 is None else D(n1))
        return paragraphe(2025, [chiffre], avec_n1=True, catalogue=catalogue)

    assert phrase(0) == "En 2025, aucun atelier numérique n'a été animé."
    assert phrase(1) == "En 2025, 1 atelier numérique a été animé."
    assert phrase(1250, 1000) == f"En 2025, 1{NB}250 ateliers numériques ont été animés (+25,0{NB}%)."
    # Without the catalogue's sentences, the generic one.
    assert paragraphe(2025, [Chiffre(spec("essai", "ateliers", libelle="Ateliers"), D(3))], True) == (
        "Exercice 2025. Ateliers : 3 ateliers."
    )


def test_the_catalogue_may_reword_a_default_indicator_and_keeps_its_detail():
    collectif = Indicateur(
        code="personnes_aidees_collectif",
        phrase_aucun="aucun groupe n'a été réuni{v}",
        phrase_un="{n} personne a participé à un groupe{v}",
        phrase_plusieurs="{n} personnes ont participé à un groupe{v}",
    )
    catalogue = modeles_du_catalogue([collectif])
    seul = paragraphe(2025, [Chiffre(spec("personnes_aidees_collectif"), D(40))], False, catalogue)
    assert seul == "En 2025, 40 personnes ont participé à un groupe."
    avec_total = paragraphe(
        2025, [Chiffre(total(), D(100)), Chiffre(spec("personnes_aidees_collectif"), D(40))], False, catalogue
    )
    assert avec_total == "En 2025, le service social a aidé 100 personnes, dont 40 collectivement."


@pytest.mark.parametrize(
    "phrase",
    ["{n.__class__}", "{0}", "{}", "{n!r}", "{n:>30}", "{valeur}", "accolade { seule", "fermante } seule", "{v[0]}"],
)
def test_a_sentence_holds_n_and_v_only(phrase):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        valider_phrase(phrase)
    # Stored by a path that skipped validation, it is never formatted: the generic sentence instead.
    hostile = Indicateur(code="essai", phrase_aucun=phrase, phrase_un=phrase, phrase_plusieurs=phrase)
    assert modeles_du_catalogue([hostile]) == {}


def test_the_three_sentences_or_none(db):
    groupe = GroupeIndicateurs.objects.create(code="essai", libelle="Essai", ordre=999)
    indicateur = Indicateur(code="essai", libelle="Essai", groupe=groupe, phrase_un="{n} atelier{v}")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        indicateur.full_clean()
    assert set(refused.value.message_dict) == {"phrase_aucun", "phrase_plusieurs"}
    assert refused.value.message_dict["phrase_aucun"] == ["Écrivez les trois phrases (0, 1, 2 ou plus), ou aucune."]


def test_the_admin_refuses_a_hostile_sentence_in_french(admin_client, db):
    groupe = GroupeIndicateurs.objects.create(code="essai", libelle="Essai", ordre=999)
    indicateur = Indicateur.objects.create(code="essai", libelle="Essai", groupe=groupe)
    url = reverse("admin:activites_indicateur_change", args=[indicateur.pk])
    form = {
        "code": "essai",
        "libelle": "Essai",
        "groupe": groupe.pk,
        "ordre": 0,
        "unite_mesure": "ateliers",
        "decimales": 0,
        "nature": "donnee",
        "agregation": "somme",
        "definition": "",
        "seuil_relatif": "20",
        "seuil_absolu": "30",
        "phrase_aucun": "aucun atelier{v}",
        "phrase_un": "{n.__class__.__init__}",
        "phrase_plusieurs": "{n} ateliers{v}",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "« {n.__class__.__init__} » n&#x27;est pas reconnu" in response.content.decode()
    indicateur.refresh_from_db()
    assert indicateur.phrase_un == ""
    form["phrase_un"] = "{n} atelier{v}"
    assert admin_client.post(url, form).status_code == 302
    indicateur.refresh_from_db()
    assert (indicateur.phrase_aucun, indicateur.phrase_un) == ("aucun atelier{v}", "{n} atelier{v}")


def test_the_page_writes_the_catalogues_sentence(org, client_for, rapport):
    groupe = GroupeIndicateurs.objects.create(code="essai", libelle="Ateliers", ordre=999)
    indicateur = Indicateur.objects.create(
        code="essai",
        libelle="Ateliers numériques",
        groupe=groupe,
        unite_mesure="ateliers",
        phrase_aucun=ATELIERS[0],
        phrase_un=ATELIERS[1],
        phrase_plusieurs=ATELIERS_PLUSIEURS,
    )
    Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=D(12))
    text = html.unescape(client_for(org.user("responsable")).get(url(org)).content.decode())
    assert '<p class="mb-2" id="redaction-essai">En 2025, 12 ateliers numériques ont été animés.</p>' in text
