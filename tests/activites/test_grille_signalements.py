"""II.1's findings say who fixes them, as the viewer sees it, and link to their cell in its group."""

from decimal import Decimal as D
from html import unescape

import pytest
from django.urls import reverse

from activites.checks import constats_ii1
from activites.models import Indicateur, Valeur

GROUPE = "accompagnements_termines"


def url(org):
    return reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee}) + f"?groupe={GROUPE}"


def put(rapport, code, value, caisse=None):
    Valeur.objects.create(rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, valeur=D(value))


def broken(rapport, caisse=None):
    """« dont objectifs totalement atteints » (11) above « Accompagnements terminés » (10) on one row."""
    put(rapport, "accompagnements_termines", 10, caisse)
    put(rapport, "objectifs_atteints", 11, caisse)


def finding(html, row):
    """(the cell's class, the cell's findings) of objectifs_atteints on `row` (a unit code, "region", "total")."""
    cell = f"cellule-{row}-objectifs_atteints"
    td = html.split(f'id="{cell}"', 1)[0].rsplit("<td", 1)[1]
    return td.split(">", 1)[0], html.split(f'id="{cell}-erreur"', 1)[1].split("</div>", 1)[0]


def page(client_for, org, role):
    response = client_for(org.user(role)).get(url(org))
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize(
    ("role", "style", "qui"),
    [
        ("agent", "information", "à corriger par le responsable régional"),
        ("relecteur", "information", "à corriger par le responsable régional"),
        ("responsable", "erreur", "à corriger par vous"),
    ],
)
def test_region_row(org, client_for, rapport, role, style, qui):
    broken(rapport)
    html = page(client_for, org, role)
    td_class, messages = finding(html, "region")
    assert f'class="mb-0 signalement-{style}"' in messages
    said = '(11) ne peut pas dépasser « Accompagnements terminés » (10). <span class="qui-corrige">'
    assert f"{said}({qui})" in messages
    # Never the agent's red error: neither the highlight of a cell to fix nor a danger colour.
    assert ("cellule-signalee" in td_class) == (role == "responsable")
    assert "text-danger" not in messages


@pytest.mark.parametrize(
    ("role", "row", "style", "qui"),
    [
        ("agent", 0, "erreur", "à corriger par vous"),
        ("responsable", 0, "erreur", "à corriger par vous ou par « CPAM Test Onze »"),
        ("agent", 1, "information", "à corriger par « CPAM Test Douze » ou par le responsable régional"),
        ("relecteur", 0, "information", "à corriger par « CPAM Test Onze » ou par le responsable régional"),
    ],
)
def test_unit_row(org, client_for, rapport, role, row, style, qui):
    cpam = org.cpams[row]
    broken(rapport, cpam)
    html = page(client_for, org, role)
    td_class, messages = finding(html, cpam.code)
    assert f'class="mb-0 signalement-{style}"' in messages and f"({qui})" in messages
    assert ("cellule-signalee" in td_class) == (style == "erreur")


def test_summary_links_open_the_group_and_name_the_cell(org, client_for, rapport):
    broken(rapport, org.cpams[0])
    put(rapport, "publics_precarite", 3, org.cpams[0])
    # On another group's page, the finding's link goes to its own group, at its cell.
    other = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee}) + "?groupe=domaines"
    html = unescape(client_for(org.user("agent")).get(other).content.decode())
    link = f'href="?groupe={GROUPE}#cellule-{org.cpams[0].code}-objectifs_atteints"'
    assert f"<a {link}>CPAM Test Onze — dont objectifs totalement atteints</a>" in html
    assert "(à corriger par vous)" in html.split(link, 1)[1].split("</li>", 1)[0]


def test_total_cells_have_the_id_their_link_names(org, client_for, rapport):
    broken(rapport, org.cpams[0])
    broken(rapport, org.cpams[1])
    html = page(client_for, org, "agent")
    td_class, messages = finding(html, "total")
    assert "Total de la région : « dont objectifs totalement atteints » (22)" in messages
    assert "signalement-information" in messages and "(à corriger par le responsable régional)" in messages


def test_transmission_findings_say_who_fixes_and_link_into_the_group(org, rapport):
    broken(rapport)
    broken(rapport, org.cpams[0])
    errors, _warnings = constats_ii1(rapport)
    by_cell = {c.champ: c for c in errors}
    grid = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    region = by_cell["cellule-region-objectifs_atteints"]
    assert region.url == f"{grid}?groupe={GROUPE}#cellule-region-objectifs_atteints"
    assert region.message.endswith("— Région (ensemble), à corriger par le responsable régional")
    unit = by_cell[f"cellule-{org.cpams[0].code}-objectifs_atteints"]
    assert unit.message.endswith("— CPAM Test Onze, à corriger par cette unité ou par le responsable régional")
    total = by_cell["cellule-total-objectifs_atteints"]
    assert total.url == f"{grid}?groupe={GROUPE}#cellule-total-objectifs_atteints"
    assert total.message.startswith("Total de la région :")
    assert total.message.endswith("— à corriger par le responsable régional")


def test_summary_names_the_total_row_once(org, client_for, rapport):
    broken(rapport, org.cpams[0])
    broken(rapport, org.cpams[1])
    html = page(client_for, org, "responsable")
    item = html.split("Total de la région — dont objectifs totalement atteints</a>", 1)[1].split("</li>", 1)[0]
    assert item.startswith(" : « dont objectifs totalement atteints » (22) ne peut pas dépasser")
    assert "(à corriger par vous)" in item
