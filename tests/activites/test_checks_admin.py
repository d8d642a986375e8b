"""Part II at transmission (caisses.checks) and the catalogue in the Django admin."""

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from activites.rules import check_rapport
from caisses.checks import validate_rapport


def put(rapport, code, value, caisse=None):
    Valeur.objects.create(rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, valeur=value)


def test_empty_part_ii_is_a_warning(org, rapport):
    errors = check_rapport(rapport)
    assert [(e.niveau, e.message) for e in errors] == [
        ("avertissement", "Aucun indicateur des activités spécifiques (II.1) n'est renseigné.")
    ]


def test_totals_mismatch_blocks_the_transmission_and_links_to_the_cell(org, rapport):
    put(rapport, "personnes_aidees_individuel", 100)
    put(rapport, "domaine_acces_soins", 60, org.cpams[0])
    put(rapport, "domaine_acces_soins", 30, org.cpams[1])
    put(rapport, "accompagnements_termines", 10, org.cpams[0])
    put(rapport, "objectifs_atteints", 11, org.cpams[0])
    errors, _warnings = validate_rapport(rapport)
    ii1 = [e for e in errors if e.section == "II.1"]
    messages = [e.message for e in ii1]
    assert any(m.startswith("Total de la région : « Personnes aidées individuellement » (100)") for m in messages)
    unit_error = next(e for e in ii1 if "objectifs totalement atteints" in e.message and "Total" not in e.message)
    # The link opens the cell's group of the grid and names the cell (grille.js focuses it).
    target = f"/saisie/II-1/?groupe=accompagnements_termines#cellule-{org.cpams[0].code}-objectifs_atteints"
    assert unit_error.url.endswith(target)


@pytest.mark.parametrize("model", ["indicateur", "regle", "groupeindicateurs", "valeur"])
def test_admin_changelists_with_filters_and_search(org, client_for, model):
    client = client_for(org.user("administrateur"))
    response = client.get(reverse(f"admin:activites_{model}_changelist"), {"q": "taux"})
    assert response.status_code == 200


def test_admin_indicator_change_page(org, client_for):
    client = client_for(org.user("administrateur"))
    indicateur = Indicateur.objects.get(code="taux_contact")
    response = client.get(reverse("admin:activites_indicateur_change", args=[indicateur.pk]))
    assert response.status_code == 200
    assert "Numérateur" in response.content.decode()
