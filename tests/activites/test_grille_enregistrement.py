"""II.1's save rule: all or nothing, said on the page and in the answer; rules see only accepted figures."""

from decimal import Decimal as D
from html import unescape

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from activites.rules import SOMME_EGALE, RuleSpec, evaluate
from caisses.guard import section_version


def url(org, groupe=None):
    base = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    return base + (f"?groupe={groupe}" if groupe else "")


def put(rapport, code, value, caisse=None, site=None):
    Valeur.objects.create(
        rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, site=site, valeur=D(value)
    )


def post(client, org, data):
    response = client.post(url(org), {"version": 0, **data})
    return response, unescape(response.content.decode())


def test_the_page_states_the_save_rule_next_to_the_button(org, client_for, rapport):
    html = unescape(client_for(org.user("agent")).get(url(org)).content.decode())
    rule = "L'enregistrement est global : si une case est refusée, rien n'est enregistré"
    assert rule in html
    assert html.index(rule) < html.index(">Enregistrer</button>")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ({"domaine_acces_soins": "12a"}, "Rien n'a été enregistré : 1 case à corriger."),
        ({"domaine_acces_soins": "12a", "publics_precarite": "-4"}, "Rien n'a été enregistré : 2 cases à corriger."),
        # a number refused, and a rule broken by accepted figures: both count, and nothing is written
        (
            {"domaine_acces_soins": "x", "accompagnements_termines": "10", "objectifs_atteints": "11"},
            "Rien n'a été enregistré : 2 cases à corriger.",
        ),
    ],
)
def test_one_refused_cell_and_nothing_is_written(org, client_for, rapport, typed, expected):
    cpam = org.cpams[0].code
    data = {f"v-{cpam}-{code}": text for code, text in typed.items()}
    data[f"v-{cpam}-domaine_retour_emploi"] = "7"  # a good cell, not written either
    response, html = post(client_for(org.user("agent")), org, data)
    assert response.status_code == 200
    assert expected in html
    assert "Certaines valeurs" not in html
    assert 'value="7"' in html and all(f'value="{text}"' in html for text in typed.values())
    assert not Valeur.objects.exists()
    assert section_version(rapport, "II.1") == 0
    assert "data-garde-modifie" in html  # the typed figures shown are not saved: leaving the page warns


def test_success_says_how_many_cells_were_saved(org, client_for, rapport):
    client = client_for(org.user("agent"))
    cpam = org.cpams[0].code
    data = {f"v-{cpam}-domaine_acces_soins": "1 200", f"v-{cpam}-domaine_retour_emploi": "7"}
    response = client.post(url(org), {"version": 0, **data}, follow=True)
    assert "Les modifications de la section II.1 sont enregistrées. 2 cases modifiées." in response.content.decode()
    data[f"v-{cpam}-domaine_retour_emploi"] = "8"
    response = client.post(url(org), {"version": 1, **data}, follow=True)
    html = response.content.decode()
    assert "Les modifications de la section II.1 sont enregistrées. 1 case modifiée." in html
    assert "data-garde-modifie" not in html
    assert Valeur.objects.get(indicateur__code="domaine_retour_emploi").valeur == D(8)


def test_a_refused_cell_never_feeds_a_rule(org, client_for, rapport):
    # Saved: 100 people = 60 (accès aux soins) + 40 (maintien). The agent types a bad figure over the 60 and
    # 30 for the maintien: the sum is unknown, so no message may be computed with the old 60 (« (90) »).
    cpam = org.cpams[0]
    put(rapport, "personnes_aidees_individuel", 100, caisse=cpam)
    put(rapport, "domaine_acces_soins", 60, caisse=cpam)
    put(rapport, "domaine_maintien_emploi", 40, caisse=cpam)
    data = {f"v-{cpam.code}-domaine_acces_soins": "6O", f"v-{cpam.code}-domaine_maintien_emploi": "30"}
    response, html = post(client_for(org.user("agent")), org, data)
    assert response.status_code == 200
    assert "Rien n'a été enregistré : 1 case à corriger." in html
    assert "Saisissez un nombre" in html
    assert "doit être égal" not in html and "(90)" not in html
    assert Valeur.objects.get(indicateur__code="domaine_maintien_emploi").valeur == D(40)


def test_evaluate_skips_the_rules_over_a_refused_cell():
    rule = RuleSpec(SOMME_EGALE, "total", ("a", "b"))
    values = {"u1": {"total": D(10), "b": D(3)}, "u2": {"total": D(5), "a": D(2), "b": D(3)}}
    assert [e.unite for e in evaluate([rule], values)] == ["u1", "__total__"]
    # u1's « a » was typed and refused: neither u1 nor the totals (which need u1) are checked; u2 still is
    assert evaluate([rule], values, refuses={("u1", "a")}) == []
    values["u2"]["a"] = D(1)
    assert [e.unite for e in evaluate([rule], values, refuses={("u1", "a")})] == ["u2"]


def test_an_error_on_a_row_the_save_does_not_touch_does_not_block_it(org, client_for, rapport):
    # The region row breaks a rule only the responsable can fix; the agent's save of its own row goes through.
    put(rapport, "accompagnements_termines", 10)
    put(rapport, "objectifs_atteints", 11)
    client = client_for(org.user("agent"))
    response = client.post(url(org), {"version": 0, f"v-{org.cpams[0].code}-accompagnements_termines": "5"})
    assert response.status_code == 302
    assert Valeur.objects.filter(caisse=org.cpams[0]).count() == 1


def test_success_names_the_narrative_when_only_it_changed(org, client_for, rapport):
    data = {"version": 0, "evolution_nature_activites": "Plus d'offres de service."}
    response = client_for(org.user("responsable")).post(url(org), data, follow=True)
    html = unescape(response.content.decode())
    expected = "sont enregistrées. Aucune case modifiée, texte « Évolution dans la nature des activités » modifié."
    assert expected in html
