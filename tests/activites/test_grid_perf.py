"""II.1 at national scale: the grid's SQL queries do not grow with its units, a region of 100 units with every
cell filled weighs under 2 MB, and the markup grille.js reads holds (a column's attributes once, in its header;
each unit's cell with its accessible name and its N−1)."""

import re
from decimal import Decimal as D
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activites import grid_html, queries
from activites.models import Indicateur, Regle, Valeur
from caisses.models import Caisse
from caisses.numbers import format_nombre, format_saisi
from tests.factories import CaisseFactory, SiteFactory

MO = 1_000_000


def url(org, groupe=None):
    base = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    return base + (f"?groupe={groupe}" if groupe else "")


def grow(org, cpams, sites_each):
    """The region's CPAMs up to `cpams`, each new one with `sites_each` sites."""
    have = Caisse.objects.primaires().filter(parent=org.region).count()
    for i in range(have, cpams):
        cpam = CaisseFactory(code=f"CPAM-P{i:02}", nom=f"CPAM Perf {i}", parent=org.region, type=Caisse.Type.PRIMAIRE)
        for j in range(sites_each):
            SiteFactory(code=f"UL-P{i:02}-{j}", nom=f"Unité locale Perf {i}-{j}", caisse=cpam)


def fill(*rapports):
    """Every donnée of every unit, in each report, consistent with the rules (each figure the same, the people
    helped individually the sum of the domains) but for one unit in four, whose objectives reached exceed the
    accompaniments ended: the grid shows findings at their cells too."""
    region = rapports[0].caisse
    donnees = [i for i in Indicateur.objects.all() if i.nature == "donnee"]
    domaines = Regle.objects.get(nature="somme_egale", indicateur__code="personnes_aidees_individuel").termes.count()
    for rapport in rapports:
        Valeur.objects.filter(rapport=rapport).delete()
        rows = []
        for n, unite in enumerate(queries.unites_de(region)):
            where = {"caisse_id": unite.pk if unite.kind == "caisse" else None}
            where["site_id"] = unite.pk if unite.kind == "site" else None
            figure = D(1000 + 37 * n + rapport.exercice.annee % 10)
            for indicateur in donnees:
                value = figure
                if indicateur.code == "personnes_aidees_individuel":
                    value = figure * domaines
                elif indicateur.code == "objectifs_atteints" and n % 4 == 0:
                    value = figure + 1
                rows.append(Valeur(rapport=rapport, indicateur=indicateur, valeur=value, **where))
        Valeur.objects.bulk_create(rows)


def queries_of(client, address):
    # Cold: the data here is written around the guard, so kept section states would not see it move.
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("role", ["responsable", "agent", "relecteur"])
def test_query_count_is_the_same_for_3_and_25_cpams(org, client_for, rapport, rapport_n1, role):
    client = client_for(org.user(role))
    grow(org, 3, 1)
    fill(rapport, rapport_n1)
    small = [queries_of(client, url(org)), queries_of(client, url(org, "accompagnements_termines"))]
    grow(org, 25, 3)
    fill(rapport, rapport_n1)
    large = [queries_of(client, url(org)), queries_of(client, url(org, "accompagnements_termines"))]
    assert [count for count, _html in large] == [count for count, _html in small]
    # The larger region is really on the page, findings included: the same count is not an empty page's.
    html = large[0][1]
    assert 'data-row="CPAM-P24"' in html and 'data-row="UL-P24-2"' in html
    flagged = set(re.findall(r'id="cellule-([^"]+)-objectifs_atteints-erreur"', html))
    broken = {u.form_key for n, u in enumerate(queries.unites_de(org.region)) if n % 4 == 0}
    assert flagged == broken | {"total"}


def test_a_region_of_100_units_with_every_cell_filled_weighs_under_2_mo(org, client_for, rapport, rapport_n1):
    grow(org, 26, 3)  # the 2 CPAMs with a site each, 24 more with 3 sites each: 100 units and the region's row
    fill(rapport, rapport_n1)
    unites = queries.unites_de(org.region)
    assert len(unites) == 101
    donnees = Indicateur.objects.filter(nature="donnee").count()
    for role, inputs in [("responsable", len(unites) * donnees), ("relecteur", 0)]:
        response = client_for(org.user(role)).get(url(org))
        html = response.content.decode()
        assert len(response.content) < 2 * MO, (role, len(response.content))
        assert html.count('<input type="text" inputmode="decimal"') == inputs
        columns = html.count('<th scope="col" class="num grille-indicateur"')
        assert html.count('<span class="n1">N−1 : ') == len(unites) * columns  # N−1 under every unit's cell


def test_a_column_says_once_what_grille_js_needs_and_each_cell_keeps_its_name(org, client_for, rapport, rapport_n1):
    fill(rapport, rapport_n1)
    cpam = org.cpams[0]
    html = client_for(org.user("agent")).get(url(org, "accompagnements_termines")).content.decode()
    heads = re.findall(r'<th scope="col" class="num grille-indicateur" ([^>]*)>', html)
    assert 'data-col="accompagnements_termines"' in heads[0]
    assert 'data-col="taux_objectifs_atteints" data-ratio data-num="objectifs_atteints" ' in " ".join(heads)
    assert 'data-den="accompagnements_termines"' in " ".join(heads)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "data-col" not in body and "data-num" not in body and "data-ratio" not in body
    # One <td> per column in every row, in the header's order: grille.js maps the n-th cell to the n-th header.
    rows = re.findall(r'<tr data-row="([^"]+)"[^>]*>(.*?)</tr>', body, re.S)
    assert rows and all(cells.count("<td") == len(heads) for _row, cells in rows)
    # The agent's own row: inputs named after the indicator and the unit; another unit's row and every rate are
    # read-only; N−1 under each cell.
    own = unescape(dict(rows)[cpam.code])
    assert f'name="v-{cpam.code}-accompagnements_termines" id="cellule-{cpam.code}-accompagnements_termines"' in own
    assert 'aria-label="Accompagnements terminés — CPAM Test Onze"' in own
    assert f'<span id="cellule-{cpam.code}-taux_objectifs_atteints">' in own
    assert own.count('<span class="n1">N−1 : ') == len(heads)
    other = dict(rows)[org.cpams[1].code]
    assert "<input" not in other and f'id="cellule-{org.cpams[1].code}-accompagnements_termines" data-value=' in other


def test_a_figure_reads_the_same_whatever_its_stored_exponent():
    """The texts are kept per figure: 12.50 and 12.5 (equal Decimals) are one entry, and both read as
    caisses.numbers writes them."""
    for first, second in [(D("12.50"), D("12.5")), (D("1E+2"), D("100")), (D("0.00"), D("0"))]:
        assert grid_html.texte_saisi(first, 2) == grid_html.texte_saisi(second, 2) == format_saisi(second, 2)
        expected = format_nombre(second, max(0, -second.normalize().as_tuple().exponent), grouped=False)
        assert grid_html.texte_saisie(first) == grid_html.texte_saisie(second) == expected
    assert grid_html.texte_saisie(D("1234.5")) == "1234,5"
    assert grid_html.texte_saisi(D("1234.5"), 1) == "1\u00a0234,5"
    assert (grid_html.texte_saisie(None), grid_html.texte_saisi(None, 0)) == ("", "—")
