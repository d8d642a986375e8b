"""rapports.diff: what changed between two frozen documents, with labels and French numbers."""

import copy
import json

import pytest

from caisses.models import RapportAnnuel
from rapports import diff
from rapports.models import ArchivePDF, CopieFigee, Transition
from tests.rapports.conftest import example_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    avant = example_document(2025)
    return avant, copy.deepcopy(avant)


def test_unchanged_documents_have_no_change(documents):
    avant, apres = documents
    assert diff.compare_documents(avant, apres) == ([], [])


def test_a_staff_figure_is_labelled_and_in_french(documents):
    avant, apres = documents
    row = next(r for r in apres["partie_1"]["effectifs"] if r["categorie"] == "as")
    row["reel_31_decembre"]["etp"] = 1234.5
    chiffres, textes = diff.compare_documents(avant, apres)
    assert textes == []
    [change] = chiffres
    assert change.section == "I.1"
    assert change.libelle == "Effectifs — Assistants sociaux — réel au 31 décembre — ETP"
    assert (change.avant, change.apres) == ("34,6", "1\u00a0234,5")


def test_an_indicator_uses_the_catalogue_label_and_the_unit_name(documents):
    avant, apres = documents
    row = next(r for r in apres["partie_2"]["indicateurs"] if r["code"] == "domaine_acces_soins")
    row["valeur"] = 2000
    [change], _ = diff.compare_documents(avant, apres)
    assert change.section == "II.1"
    assert "domaine_acces_soins" not in change.libelle
    assert change.libelle.endswith("— CPAM d'Exemple-Ville")
    assert (change.avant, change.apres) == ("1\u00a0895", "2\u00a0000")


def test_a_value_removed_reads_non_renseigne(documents):
    avant, apres = documents
    apres["partie_1"]["moyens_materiels"]["vehicules"] = None
    [change], _ = diff.compare_documents(avant, apres)
    assert change.libelle == "Moyens matériels — véhicules"
    assert (change.avant, change.apres) == ("9", "non renseigné")


def test_a_short_text_is_shown_whole(documents):
    avant, apres = documents
    apres["partie_2"]["autres_activites"] = "Comité local de santé et forum emploi."
    chiffres, [change] = diff.compare_documents(avant, apres)
    assert chiffres == []
    assert change.section == "II.4" and change.libelle == "Autres activités"
    assert change.apres == "Comité local de santé et forum emploi."
    assert change.diff_html == ""


def test_a_long_text_gets_an_escaped_word_diff(documents):
    avant, apres = documents
    base = "Le service a accompagné les assurés en arrêt de travail long. " * 3
    avant["partie_3"]["observations"] = base + "Les perspectives restent stables."
    apres["partie_3"]["observations"] = base + "Les perspectives <b>s'améliorent</b>."
    _, [change] = diff.compare_documents(avant, apres)
    assert change.section == "III"
    html = str(change.diff_html)
    assert "<del>restent stables.</del><ins>&lt;b&gt;s&#x27;améliorent&lt;/b&gt;.</ins>" in html
    assert "<b>" not in html
    assert html.startswith("Le service a accompagné")


def test_word_diff_marks_removed_and_added_words():
    html = str(diff.word_diff("un deux trois", "un quatre trois"))
    assert html == "un <del>deux</del><ins>quatre</ins> trois"


def test_a_new_training_row_and_a_site_text(documents):
    avant, apres = documents
    apres["partie_1"]["formations"].append(
        {"nature": "formation", "intitule": "Accueil numérique", "organisme": "CNAM", "participants": 4, "jours": 2.5}
    )
    apres["sites"][0]["etat_locaux"] = "Locaux à rénover."
    chiffres, textes = diff.compare_documents(avant, apres)
    labels = {c.libelle: (c.avant, c.apres) for c in chiffres}
    assert labels["Formations — Accueil numérique — participants"] == ("non renseigné", "4")
    assert labels["Formations — Accueil numérique — jours"] == ("non renseigné", "2,5")
    site = next(t for t in textes if t.section == "I.2" and t.libelle.startswith("État des locaux"))
    assert site.libelle == "État des locaux — Unité locale d'Exemple-Ville"
    assert (site.avant, site.apres) == ("Locaux rénovés, accessibles.", "Locaux à rénover.")


def _transmission(rapport, user, numero, document):
    transition = Transition.objects.create(
        rapport=rapport, action="transmettre", etat_avant="brouillon", etat_apres="transmis", auteur=user
    )
    archive = ArchivePDF.objects.create(
        rapport=rapport, transition=transition, numero=numero, fichier="x.pdf", sha256="0" * 64, taille=1
    )
    CopieFigee.objects.create(archive=archive, document=json.dumps(document), corps_html="")


def test_derniere_comparaison_of_two_transmissions_and_of_the_first(org, documents):
    avant, apres = documents
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="transmis")
    user = org.user("responsable")
    assert diff.derniere_comparaison(rapport) is None
    _transmission(rapport, user, 1, avant)
    first = diff.derniere_comparaison(rapport)
    assert first.premiere and first.numero_apres == 1 and not first.identiques
    apres["partie_1"]["absences"][0]["jours"] = 700
    _transmission(rapport, user, 2, apres)
    comparison = diff.derniere_comparaison(rapport)
    assert (comparison.numero_avant, comparison.numero_apres) == (1, 2)
    [change] = comparison.chiffres
    assert change.libelle == "Absentéisme — Maladie — jours"
    assert (change.avant, change.apres) == ("640", "700")
    _transmission(rapport, user, 3, apres)
    assert diff.derniere_comparaison(rapport).identiques


def test_a_previous_transmission_without_frozen_copy_is_not_compared(org, documents):
    avant, _ = documents
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="transmis")
    user = org.user("responsable")
    transition = Transition.objects.create(
        rapport=rapport, action="transmettre", etat_avant="brouillon", etat_apres="transmis", auteur=user
    )
    ArchivePDF.objects.create(
        rapport=rapport, transition=transition, numero=1, fichier="x.pdf", sha256="0" * 64, taille=1
    )
    _transmission(rapport, user, 2, avant)
    comparison = diff.derniere_comparaison(rapport)
    assert not comparison.comparable and not comparison.premiere and not comparison.identiques
    assert comparison.numero_avant == 1 and comparison.chiffres == []
