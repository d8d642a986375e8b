"""Variations explained (issue 12): the threshold rule, the figures of a report, blocking at transmission, the
annex of the report, the interchange key and the diff between transmissions."""

import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.models import RapportAnnuel
from caisses.numbers import NBSP, NOMBRE, TAUX
from effectifs.models import Absence, Categorie, Effectif, Formation
from rapports import diff, lifecycle, variations
from rapports.interchange import ADMIN, REGION, export_document, import_document
from rapports.lifecycle import Action, TransitionRefusee
from rapports.models import ExplicationVariation, SeuilVariationPartieUn
from rapports.variations import Chiffre, Seuil, Variation, depasse

DEFAUT = Seuil(D(20), D(30))


# --- The rule, no database -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "n1", "expected"),
    [
        (185, 150, True),  # +35 and +23,3 %: both thresholds passed
        (180, 150, True),  # +30 and +20 % exactly: « at least » on both sides
        (125, 100, False),  # +25 %, but only +25 < 30
        (1100, 1000, False),  # +100, but only +10 %
        (100, 150, True),  # −50 and −33,3 %: a fall counts as a rise does
        (45, 0, True),  # N−1 zero: the relative change is unbounded, the absolute one decides
        (12, 0, False),
        (None, 150, False),  # no N
        (150, None, False),  # no N−1
        (150, 150, False),
    ],
)
def test_a_count_passes_when_both_thresholds_are_passed(n, n1, expected):
    assert depasse(None if n is None else D(n), None if n1 is None else D(n1), NOMBRE, DEFAUT) is expected


@pytest.mark.parametrize(
    ("n", "n1", "expected"),
    [
        ("48", "70", True),  # −22 points ≥ 20
        ("55", "70", False),  # −15 points
        ("25", "0", True),  # a rate of 0 % is a rate: +25 points
        ("69.96", "49.94", True),  # as printed: 70,0 % and 49,9 %: +20,1 points
        ("69.94", "49.96", False),  # 69,9 % and 50,0 %: +19,9 points
        (None, "70", False),  # not computable in N (zero denominator)
    ],
)
def test_a_rate_compares_its_change_in_points_with_the_relative_threshold(n, n1, expected):
    n, n1 = (None if v is None else D(v) for v in (n, n1))
    assert depasse(n, n1, TAUX, DEFAUT) is expected
    # The absolute threshold means nothing for a rate: it is ignored, however large.
    assert depasse(n, n1, TAUX, Seuil(D(20), D(1_000_000))) is expected


def test_thresholds_of_zero_never_flag_an_unchanged_figure():
    assert not depasse(D(5), D(5), NOMBRE, Seuil(D(0), D(0)))
    assert not depasse(D(70), D(70), TAUX, Seuil(D(0), D(0)))
    assert depasse(D(6), D(5), NOMBRE, Seuil(D(0), D(0)))


def test_the_change_is_printed_the_french_way():
    def texte(n, n1, kind=NOMBRE, decimales=0):
        chiffre = Chiffre("indicateur:x", "X", "II.1", D(n), D(n1), DEFAUT, kind, decimales)
        return Variation(chiffre).variation_texte

    assert texte(185, 150) == f"+23,3{NBSP}% (+35)"
    assert texte(100, 150) == f"\u221233,3{NBSP}% (\u221250)"
    assert texte(45, 0) == "+45 (N−1 nul)"
    assert texte("48", "70", TAUX) == f"\u221222,0{NBSP}pts"
    assert texte("150.5", "100", decimales=1) == f"+50,5{NBSP}% (+50,5)"


# --- The figures of a report -----------------------------------------------------------------------------------


def valeur(rapport, code, value):
    Valeur.objects.create(rapport=rapport, indicateur=Indicateur.objects.get(code=code), valeur=D(value))


@pytest.fixture
def deux_ans(org):
    """A draft 2025 report and its validated 2024, with one count and one rate past their thresholds, one count
    that moved less, and Part I's training days past theirs."""
    n = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    n1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice, etat=RapportAnnuel.Etat.VALIDE)
    for rapport, collectif, atteints, precarite in ((n1, 150, 70, 1000), (n, 185, 48, 1100)):
        valeur(rapport, "personnes_aidees_collectif", collectif)  # +35, +23,3 %
        valeur(rapport, "accompagnements_termines", 100)
        valeur(rapport, "objectifs_atteints", atteints)  # −22 but −31,4 %: the count passes only one threshold;
        valeur(rapport, "publics_precarite", precarite)  # the rate 70 % → 48 % falls 22 points
    Formation.objects.create(rapport=n1, nature="formation", intitule="A", participants=3, jours=D(100))
    Formation.objects.create(rapport=n, nature="formation", intitule="A", participants=3, jours=D(150))
    Absence.objects.create(rapport=n, motif="maladie", jours=D(900))  # no absence in 2024: nothing to compare
    return n, n1


def cles(found):
    return [v.cle for v in found]


def test_the_report_s_findings(deux_ans):
    n, _n1 = deux_ans
    found = variations.variations_du_rapport(n)
    assert cles(found) == [
        "partie1:jours_formation",
        "indicateur:personnes_aidees_collectif",
        "indicateur:taux_objectifs_atteints",
    ]
    formation, collectif, taux = found
    assert (formation.n1_texte, formation.n_texte, formation.variation_texte) == ("100", "150", f"+50,0{NBSP}% (+50)")
    assert (collectif.n1_texte, collectif.n_texte) == ("150", "185")
    assert (taux.n1_texte, taux.n_texte, taux.variation_texte) == (
        f"70,0{NBSP}%",
        f"48,0{NBSP}%",
        f"\u221222,0{NBSP}pts",
    )
    assert not any(v.expliquee for v in found)


def test_the_administrator_s_thresholds_decide(deux_ans):
    n, _n1 = deux_ans
    Indicateur.objects.filter(code="personnes_aidees_collectif").update(seuil_relatif=25)
    Indicateur.objects.filter(code="taux_objectifs_atteints").update(seuil_relatif=D("22.5"))
    SeuilVariationPartieUn.objects.filter(cle="jours_formation").update(seuil_absolu=51)
    Indicateur.objects.filter(code="publics_precarite").update(seuil_relatif=10, seuil_absolu=100)  # +10 %, +100
    assert cles(variations.variations_du_rapport(n)) == ["indicateur:publics_precarite"]


def test_staff_etp_and_the_missing_n_minus_1(deux_ans, org):
    n, n1 = deux_ans
    categorie = Categorie.objects.get(code="as")
    Effectif.objects.create(rapport=n, categorie=categorie, reel_etp=D("45.5"))
    assert "partie1:etp" not in cles(variations.variations_du_rapport(n))  # no staff line in 2024
    Effectif.objects.create(rapport=n1, categorie=categorie, reel_etp=D("10"))
    found = {v.cle: v for v in variations.variations_du_rapport(n)}
    assert found["partie1:etp"].variation_texte == f"+355,0{NBSP}% (+35,5)"
    n1.delete()  # no report of the exercice before: nothing is a finding
    assert variations.variations_du_rapport(n) == []


def test_findings_cost_a_fixed_number_of_queries(deux_ans, org, django_assert_num_queries):
    n, n1 = deux_ans
    with django_assert_num_queries(9):
        variations.variations_du_rapport(n)
    for cpam in org.cpams:  # more units and figures: the same count
        Valeur.objects.create(
            rapport=n, caisse=cpam, indicateur=Indicateur.objects.get(code="publics_precarite"), valeur=1
        )
        Formation.objects.create(rapport=n1, nature="formation", intitule=cpam.code, participants=1, jours=1)
    with django_assert_num_queries(9):
        variations.variations_du_rapport(n)


def test_the_report_annex_finds_the_same_with_three_queries_of_its_own(deux_ans, django_assert_num_queries):
    from rapports.report import ReportContext

    n, n1 = deux_ans
    Effectif.objects.create(rapport=n, categorie=Categorie.objects.get(code="as"), reel_etp=D("45.5"))
    Effectif.objects.create(rapport=n1, categorie=Categorie.objects.get(code="as"), reel_etp=D("10"))
    ExplicationVariation.objects.create(rapport=n, cle="partie1:etp", texte="Recrutements.")
    ctx = ReportContext(n)
    ctx.preload()
    with django_assert_num_queries(3):
        annexe = variations.annexe(ctx)
    assert annexe == variations.variations_du_rapport(n)
    assert cles(annexe)[:2] == ["partie1:etp", "partie1:jours_formation"]
    assert annexe[0].explication == "Recrutements."


# --- Blocking at transmission ----------------------------------------------------------------------------------


@pytest.fixture
def pdf(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", lambda figee: b"%PDF-1.7 test")


def test_transmission_is_blocked_until_every_finding_is_explained(deux_ans, org, checks, pdf):
    n, _n1 = deux_ans
    responsable = org.user("responsable")
    with pytest.raises(TransitionRefusee) as refused:
        lifecycle.perform(responsable, n, Action.TRANSMETTRE)
    assert refused.value.message.startswith(
        "Le rapport ne peut pas être transmis : 3 variations par rapport à l'exercice précédent dépassent le seuil "
        "fixé et ne sont pas encore expliquées."
    )
    page = reverse("rapport_variations", kwargs={"code": org.region.code, "annee": 2025})
    assert [e.url for e in refused.value.errors] == [
        f"{page}#variation-partie1-jours_formation",
        f"{page}#variation-indicateur-personnes_aidees_collectif",
        f"{page}#variation-indicateur-taux_objectifs_atteints",
    ]
    assert refused.value.errors[1].message == (
        "Personnes aidées collectivement : 150 en 2024, 185 en 2025, "
        f"soit +23,3{NBSP}% (+35) — variation à expliquer avant la transmission"
    )
    n.refresh_from_db()
    assert n.etat == RapportAnnuel.Etat.BROUILLON
    variations.write_explications(n, {"partie1:jours_formation": "Plan de formation.", "indicateur:x": ""})
    variations.write_explications(n, {"indicateur:personnes_aidees_collectif": "Nouveaux ateliers."})
    with pytest.raises(TransitionRefusee) as refused:
        lifecycle.perform(responsable, n, Action.TRANSMETTRE)
    assert "1 variation par rapport à l'exercice précédent dépasse le seuil fixé et n'est pas encore expliquée" in (
        refused.value.message
    )
    variations.write_explications(n, {"indicateur:taux_objectifs_atteints": "Publics plus fragiles."})
    lifecycle.perform(responsable, n, Action.TRANSMETTRE)
    n.refresh_from_db()
    assert n.etat == RapportAnnuel.Etat.TRANSMIS


def test_rule_errors_and_variations_are_listed_together(deux_ans, org, checks, pdf):
    from caisses.checks import Constat

    n, _n1 = deux_ans
    checks.errors = [Constat("Total faux.", "II.1")]
    with pytest.raises(TransitionRefusee) as refused:
        lifecycle.perform(org.user("responsable"), n, Action.TRANSMETTRE)
    assert refused.value.message == "Le rapport ne peut pas être transmis : corrigez d'abord les erreurs ci-dessous."
    assert [e.message for e in refused.value.errors][0] == "Total faux."
    assert len(refused.value.errors) == 4


def test_the_transmit_button_is_refused_with_links_then_accepted(deux_ans, org, checks, pdf, client_for):
    n, _n1 = deux_ans
    client = client_for(org.user("responsable"))
    kwargs = {"code": org.region.code, "annee": 2025}
    page = client.get(reverse("rapport_transmission", kwargs=kwargs)).content.decode()
    assert 'id="variations"' in page and "3 à expliquer" in page and "Non expliquée" in page
    response = client.post(reverse("rapport_transmettre", kwargs=kwargs))
    assert response.status_code == 422
    body = response.content.decode()
    assert "3 variations par rapport à l&#x27;exercice précédent dépassent le seuil" in body
    assert f'href="{reverse("rapport_variations", kwargs=kwargs)}#variation-indicateur-taux_objectifs_atteints"' in body
    variations.write_explications(n, {v.cle: f"Explication de {v.cle}." for v in variations.variations_du_rapport(n)})
    response = client.post(reverse("rapport_transmettre", kwargs=kwargs))
    assert response.status_code == 302
    relecteur = client_for(org.user("relecteur")).get(reverse("rapport_transmission", kwargs=kwargs)).content.decode()
    assert "Toutes expliquées" in relecteur
    assert "Explication de indicateur:taux_objectifs_atteints." in relecteur


# --- The report's annex ----------------------------------------------------------------------------------------


def test_the_report_prints_the_annex(deux_ans, org, client_for):
    n, _n1 = deux_ans
    ExplicationVariation.objects.create(rapport=n, cle="indicateur:personnes_aidees_collectif", texte="Ateliers <b>")
    html = client_for(org.user("relecteur")).get(
        reverse("rapport_detail", kwargs={"code": org.region.code, "annee": 2025})
    )
    html = html.content.decode()
    annexe = html[html.index('id="s-annexe-variations"') :]
    assert "Explications des variations" in annexe
    assert "Personnes aidées collectivement" in annexe and "Ateliers &lt;b&gt;" in annexe
    assert f"+23,3{NBSP}% (+35)" in annexe
    assert annexe.count("Non expliquée.") == 2
    # Three rows: a small table, kept on one PDF page like the report's other small tables.
    assert '<div class="table-responsive petit-tableau"' in annexe


def test_the_annex_says_neant_without_findings(org, client_for):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    html = client_for(org.user("responsable")).get(
        reverse("rapport_detail", kwargs={"code": org.region.code, "annee": 2025})
    )
    assert "Néant : aucun chiffre ne varie au-delà de son seuil par rapport à 2024." in html.content.decode()


# --- Interchange -----------------------------------------------------------------------------------------------


def test_export_carries_the_explanations_and_import_restores_them(deux_ans):
    n, _n1 = deux_ans
    assert export_document(n)["explications_variations"] == []
    variations.write_explications(n, {"partie1:jours_formation": "Plan.", "indicateur:publics_precarite": "Hausse."})
    document = export_document(n)
    assert document["explications_variations"] == [
        {"cle": "indicateur:publics_precarite", "texte": "Hausse."},
        {"cle": "partie1:jours_formation", "texte": "Plan."},
    ]
    again = import_document(json.dumps(document), mode=REGION)
    assert again.ok and not again.changed  # idempotent
    document["explications_variations"] = [{"cle": "partie1:jours_formation", "texte": "Plan revu."}]
    assert import_document(json.dumps(document), mode=REGION).ok
    assert dict(ExplicationVariation.objects.filter(rapport=n).values_list("cle", "texte")) == {
        "partie1:jours_formation": "Plan revu."
    }


def test_a_document_without_the_key_still_imports_and_keeps_them(deux_ans):
    n, _n1 = deux_ans
    variations.write_explications(n, {"partie1:jours_formation": "Plan."})
    document = export_document(n)
    del document["explications_variations"]
    document["partie_3"] = {"observations": "Nouveau texte."}
    result = import_document(json.dumps(document), mode=ADMIN)
    assert result.ok and result.changed, result.errors
    assert ExplicationVariation.objects.get(rapport=n).texte == "Plan."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"cle": "partie1:etp"}, "explications_variations[0].texte: clé manquante"),
        ({"cle": "partie1:etp", "texte": 3}, "explications_variations[0].texte: doit être un texte, pas un nombre"),
        ({"cle": "partie1:etp", "texte": "x" * 5001}, "explications_variations[0].texte: trop long (5001 caractères"),
        (
            {"cle": "indicateur:inconnu", "texte": "x"},
            "explications_variations[0].cle: chiffre inconnu « indicateur:inconnu »",
        ),
        ({"cle": ["partie1:etp"], "texte": "x"}, "explications_variations[0].cle: doit être un texte"),
        ({"cle": "partie1:etp", "texte": "x", "autre": 1}, "explications_variations[0].autre: clé inconnue"),
        ("texte", "explications_variations[0]: doit être un objet, pas un texte"),
    ],
)
def test_bad_explanations_are_refused_with_their_path(deux_ans, value, message):
    n, _n1 = deux_ans
    document = export_document(n)
    document["explications_variations"] = [value]
    result = import_document(json.dumps(document), mode=REGION)
    assert not result.ok
    assert any(line.startswith(message) for line in result.errors.lines()), result.errors.lines()
    assert not ExplicationVariation.objects.exists()


def test_a_key_given_twice_and_a_list_expected(deux_ans):
    n, _n1 = deux_ans
    document = export_document(n)
    document["explications_variations"] = [{"cle": "partie1:etp", "texte": "a"}, {"cle": "partie1:etp", "texte": "b"}]
    lines = import_document(json.dumps(document), mode=REGION).errors.lines()
    assert "explications_variations[1].cle: « partie1:etp » figure déjà en explications_variations[0]" in lines
    document["explications_variations"] = {"partie1:etp": "a"}
    lines = import_document(json.dumps(document), mode=REGION).errors.lines()
    assert "explications_variations: doit être une liste, pas un objet" in lines


# --- The diff between transmissions ----------------------------------------------------------------------------


def test_the_diff_between_transmissions_shows_the_explanations(deux_ans, org, checks, pdf):
    n, _n1 = deux_ans
    textes = {v.cle: "Première explication." for v in variations.variations_du_rapport(n)}
    variations.write_explications(n, textes)
    lifecycle.perform(org.user("responsable"), n, Action.TRANSMETTRE)
    lifecycle.perform(org.user("relecteur"), n, Action.RENVOYER, motif="Préciser.")
    variations.write_explications(n, {"indicateur:personnes_aidees_collectif": "Deux ateliers de plus par mois."})
    lifecycle.perform(org.user("responsable"), n, Action.TRANSMETTRE)
    comparaison = diff.derniere_comparaison(n)
    (change,) = comparaison.textes
    assert change.section == "II.1"
    assert change.libelle == "Explication de la variation — Personnes aidées collectivement"
    assert (change.avant, change.apres) == ("Première explication.", "Deux ateliers de plus par mois.")


# --- Every other way to a transmitted report, and the administrator's pages -------------------------------------


def test_no_other_path_transmits(deux_ans):
    """perform is the only transmission: the admin cannot type a state, an import never changes it."""
    from django.contrib import admin

    n, _n1 = deux_ans
    assert "etat" in admin.site._registry[RapportAnnuel].readonly_fields
    document = export_document(n)
    document["etat"] = "transmis"
    assert "etat: clé inconnue" in import_document(json.dumps(document), mode=ADMIN).errors.lines()
    del document["etat"]
    document["partie_3"] = {"observations": "Autre texte."}
    assert import_document(json.dumps(document), mode=ADMIN).ok
    n.refresh_from_db()
    assert n.etat == RapportAnnuel.Etat.BROUILLON


def test_the_administrator_sets_the_thresholds(org, client_for):
    client = client_for(org.user("administrateur"))
    indicateur = Indicateur.objects.get(code="personnes_aidees_collectif")
    html = client.get(reverse("admin:activites_indicateur_change", args=[indicateur.pk])).content.decode()
    assert 'name="seuil_relatif"' in html and 'name="seuil_absolu"' in html and 'name="definition"' in html
    assert "seul le seuil relatif compte, lu en points" in html
    seuils = client.get(reverse("admin:rapports_seuilvariationpartieun_changelist")).content.decode()
    assert "Jours de formation" in seuils and "Jours d&#x27;absence" in seuils
    assert list(SeuilVariationPartieUn.objects.values_list("cle", "seuil_relatif", "seuil_absolu")) == [
        ("etp", D(20), D(30)),
        ("jours_absence", D(20), D(30)),
        ("jours_formation", D(20), D(30)),
    ]
