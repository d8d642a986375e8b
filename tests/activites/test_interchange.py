"""partie_2 / partie_3 of the interchange: whole-document round trip of both examples, idempotence, bad documents."""

import copy
import json
from decimal import Decimal as D

import pytest

from activites.aggregation import tableau_region
from activites.models import EnqueteSatisfaction, Etudiant, PartieDeux, Valeur
from caisses.models import RapportAnnuel
from rapports.interchange import canonical, export_document, import_document
from rapports.models import PartieTrois
from tests.rapports.conftest import example_document
from tests.rapports.test_interchange_errors import set_in


@pytest.mark.parametrize("year", [2024, 2025])
def test_whole_document_round_trip(org, year):
    document = example_document(year)
    result = import_document(json.dumps(document))
    assert result.ok, result.errors
    exported = json.loads(json.dumps(export_document(result.rapport)))
    # The examples predate the explanations of variations (issue 12): an optional key, exported empty.
    assert set(exported) == set(document) | {"explications_variations"}
    assert exported["explications_variations"] == []
    for key in document:
        assert canonical(exported[key]) == canonical(document[key]), key
    # Counts stay integers, percentages stay decimals.
    assert exported["partie_2"]["indicateurs"][0]["valeur"] == int(exported["partie_2"]["indicateurs"][0]["valeur"])
    assert isinstance(exported["partie_2"]["indicateurs"][0]["valeur"], int)
    assert exported["partie_2"]["enquete_satisfaction"]["items"][0]["satisfaits_pct"] == 89.0
    assert exported["partie_3"]["observations"] == document["partie_3"]["observations"]


def test_both_examples_give_n_and_n1(org):
    for year in (2024, 2025):
        assert import_document(json.dumps(example_document(year))).ok
    rapport = RapportAnnuel.objects.get(caisse__code="CARSAT-EX", exercice__annee=2025)
    lignes = tableau_region(rapport).by_code()
    # 1 895 + 1 473 + 842 = 4 210 against 1 762 + 1 370 + 783 = 3 915.
    assert (lignes["domaine_acces_soins"].n, lignes["domaine_acces_soins"].n1) == (D(4210), D(3915))
    assert lignes["domaine_acces_soins"].evolution_texte == "+7,54\u00a0%"
    # 8 891 + 1 380 + 0 against 8 269 + 1 283 + 0.
    assert (lignes["personnes_aidees_total"].n, lignes["personnes_aidees_total"].n1) == (D(10271), D(9552))


def test_reimport_changes_nothing(org):
    document = json.dumps(example_document(2025))
    first = import_document(document)
    counts = (Valeur.history.count(), Etudiant.history.count(), PartieTrois.history.count())
    second = import_document(document)
    assert second.ok and not second.changed
    assert (Valeur.history.count(), Etudiant.history.count(), PartieTrois.history.count()) == counts
    assert Valeur.objects.filter(rapport=first.rapport).count() == 45


def test_changed_figure_only_touches_that_figure(org):
    document = example_document(2025)
    rapport = import_document(json.dumps(document)).rapport
    before = Valeur.history.count()
    changed = copy.deepcopy(document)
    changed["partie_2"]["indicateurs"] = [
        i for i in changed["partie_2"]["indicateurs"] if i["code"] != "publics_precarite"
    ]
    changed["partie_2"]["enquete_satisfaction"] = None
    changed["partie_3"]["observations"] = "Nouveau texte."
    result = import_document(json.dumps(changed))
    assert result.ok, result.errors
    assert Valeur.history.count() == before + 1  # one deletion recorded
    assert not Valeur.objects.filter(rapport=rapport, indicateur__code="publics_precarite").exists()
    assert not EnqueteSatisfaction.objects.exists()
    assert PartieTrois.objects.get(rapport=rapport).observations == "Nouveau texte."


def test_missing_keys_leave_data_as_it_is(org):
    document = example_document(2025)
    rapport = import_document(json.dumps(document)).rapport
    partial = copy.deepcopy(document)
    partial["partie_2"] = {"autres_activites": "Autre texte."}
    partial["partie_3"] = {}
    assert import_document(json.dumps(partial)).ok
    assert Valeur.objects.filter(rapport=rapport).count() == 45
    assert PartieDeux.objects.get(rapport=rapport).autres_activites == "Autre texte."
    assert PartieTrois.objects.get(rapport=rapport).observations.startswith("## Expériences")


def item_index(document, code, unite):
    for i, item in enumerate(document["partie_2"]["indicateurs"]):
        if item["code"] == code and item["unite"] == unite:
            return i
    raise KeyError(code)


def set_figure(code, unite, value):
    def mutate(document):
        document["partie_2"]["indicateurs"][item_index(document, code, unite)]["valeur"] = value

    return mutate


def append_indicator(item):
    def mutate(document):
        document["partie_2"]["indicateurs"].append(item)

    return mutate


I_ACCES = 0  # domaine_acces_soins / CPAM-EX1 is the first item of both examples
CASES = {
    "unknown indicator": (
        set_in(["partie_2", "indicateurs", I_ACCES, "code"], "domaine_logement"),
        "partie_2.indicateurs[0].code: indicateur inconnu : « domaine_logement »",
    ),
    "ratio in the document": (
        append_indicator({"code": "taux_contact", "unite": None, "valeur": 87}),
        "partie_2.indicateurs[45].code: « taux_contact » est un ratio calculé",
    ),
    "unit of another region": (
        set_in(["partie_2", "indicateurs", I_ACCES, "unite"], "CPAM-T21"),
        "partie_2.indicateurs[0].unite: unité (CPAM ou site) inconnue ou hors de la région : « CPAM-T21 »",
    ),
    "unknown unit": (
        set_in(["partie_2", "indicateurs", I_ACCES, "unite"], "CPAM-ZZ"),
        "partie_2.indicateurs[0].unite: unité (CPAM ou site) inconnue ou hors de la région : « CPAM-ZZ »",
    ),
    "text as a figure": (
        set_in(["partie_2", "indicateurs", I_ACCES, "valeur"], "1895"),
        "partie_2.indicateurs[0].valeur: doit être un nombre, pas un texte",
    ),
    "decimal count": (
        set_in(["partie_2", "indicateurs", I_ACCES, "valeur"], 1895.5),
        "partie_2.indicateurs[0].valeur: au plus 0 décimale",
    ),
    "negative count": (
        set_figure("publics_precarite", None, -1),
        "partie_2.indicateurs[44].valeur: Valeur hors limites : saisissez un nombre entre 0 et 100\u00a0000\u00a0000.",
    ),
    "duplicate figure": (
        append_indicator({"code": "publics_precarite", "unite": None, "valeur": 1}),
        "partie_2.indicateurs[45]: valeur en double pour « publics_precarite »",
    ),
    "domaines do not add up": (
        set_figure("personnes_aidees_individuel", None, 8890),
        "partie_2.indicateurs[18].valeur: Total de la région : « Personnes aidées individuellement » "
        "(8\u00a0890) doit être égal à la somme de : Accès aux soins, Insertion professionnelle",
    ),
    "numerator above denominator": (
        set_figure("objectifs_atteints", None, 1211),
        "partie_2.indicateurs[25].valeur: « dont objectifs totalement atteints » (1\u00a0211) ne peut pas dépasser "
        "« Accompagnements terminés » (1\u00a0210).",
    ),
    "percentage above 100": (
        set_in(["partie_2", "enquete_satisfaction", "items", 1, "satisfaits_pct"], 100.5),
        "partie_2.enquete_satisfaction.items[1].satisfaits_pct: Valeur hors limites (%) : saisissez un nombre "
        "entre 0 et 100.",
    ),
    "negative percentage": (
        set_in(["partie_2", "enquete_satisfaction", "items", 0, "tres_satisfaits_pct"], -3),
        "partie_2.enquete_satisfaction.items[0].tres_satisfaits_pct: Valeur hors limites (%)",
    ),
    "response rate above 100": (
        set_in(["partie_2", "enquete_satisfaction", "taux_reponse"], 131.5),
        "partie_2.enquete_satisfaction.taux_reponse: Valeur hors limites (%)",
    ),
    "survey without items key": (
        lambda d: d["partie_2"]["enquete_satisfaction"].pop("items"),
        "partie_2.enquete_satisfaction.items: clé manquante",
    ),
    "unknown key in partie_2": (set_in(["partie_2", "budget"], 12), "partie_2.budget: clé inconnue"),
    "trainees as an object": (
        set_in(["partie_2", "etudiants"], {"ecole": "IRTS"}),
        "partie_2.etudiants: doit être une liste, pas un objet",
    ),
    "negative trainees": (
        set_in(["partie_2", "etudiants", 0, "nombre"], -5),
        "partie_2.etudiants[0].nombre: Valeur hors limites : saisissez un nombre entre 0 et",
    ),
    "district without a name": (
        set_in(["partie_2", "circonscriptions", 1, "nom"], " "),
        "partie_2.circonscriptions[1].nom: ne doit pas être vide",
    ),
    "observations as a list": (
        set_in(["partie_3", "observations"], ["texte"]),
        "partie_3.observations: doit être un texte, pas une liste",
    ),
    "unknown key in partie_3": (set_in(["partie_3", "html"], "<p>"), "partie_3.html: clé inconnue"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_document(org, name):
    document = example_document(2025)
    mutate, expected = CASES[name]
    mutate(document)
    result = import_document(json.dumps(document))
    assert not result.ok
    assert any(line.startswith(expected) for line in result.errors.lines()), result.errors.lines()
    assert not RapportAnnuel.objects.filter(caisse__code="CARSAT-EX").exists()
    assert not Valeur.objects.exists() and not PartieTrois.objects.exists()


def test_bad_document_into_existing_report_writes_nothing(org):
    rapport = import_document(json.dumps(example_document(2025))).rapport
    before = Valeur.history.count()
    document = example_document(2025)
    document["partie_2"]["autres_activites"] = "Changé"
    set_figure("objectifs_atteints", None, 5000)(document)
    assert not import_document(json.dumps(document)).ok
    assert Valeur.history.count() == before
    assert PartieDeux.objects.get(rapport=rapport).autres_activites == "Participation au comité local de santé."
