"""Region names sort as a reader expects: « Région 4 » before « Région 10 », accents and case ignored; the
column groups a reviewer picks are shown, the ratios next to the state, and kept in the sort links."""

import re

import pytest

from caisses.models import Caisse
from rapports.national_table import cle_naturelle
from tests.factories import CaisseFactory
from tests.rapports.test_national import get, region_order, url


def test_numbers_in_names_compare_as_numbers():
    names = ["Région 10", "région 4", "Région 2", "Île-de-France", "Hauts-de-France", "Région 4 bis", "Zone 1"]
    assert sorted(names, key=cle_naturelle) == [
        "Hauts-de-France",
        "Île-de-France",
        "Région 2",
        "région 4",
        "Région 4 bis",
        "Région 10",
        "Zone 1",
    ]


def test_a_name_starting_with_digits_sorts_before_letters():
    assert sorted(["Nord", "13 Sud", "2 Est"], key=cle_naturelle) == ["2 Est", "13 Sud", "Nord"]


@pytest.mark.parametrize(
    ("ordre", "expected"),
    [("asc", ["CARSAT-T2", "CARSAT-R4", "CARSAT-T1"]), ("desc", ["CARSAT-T1", "CARSAT-R4", "CARSAT-T2"])],
)
def test_the_national_table_sorts_region_names_naturally(org, client_for, ordre, expected):
    Caisse.objects.filter(pk=org.region.pk).update(nom="Région 10")
    Caisse.objects.filter(pk=org.other_region.pk).update(nom="Région 2")
    CaisseFactory(code="CARSAT-R4", nom="Région 4", type=Caisse.Type.REGIONALE, parent=org.nationale)
    assert region_order(get(client_for, org, url(tri="region", ordre=ordre))) == expected


def header_labels(page):
    """The main table's column headers as a reader sees them (sort hint and arrow left out)."""
    from html import unescape

    table = page.split('tableau-rapport national-table"')[1].split("</thead>")[0]
    cells = re.findall(r'<th scope="col".*?</th>', table, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).split(" (trier")[0].strip() for cell in cells]


def test_default_columns_put_the_ratios_next_to_the_state(org, client_for):
    html = get(client_for, org, url())
    labels = header_labels(html)
    assert labels[:7] == [
        "Caisse régionale",
        "État du rapport",
        "En retard",
        "Sections complètes",
        "Temps passé en formation",
        "Évolution du temps passé en formation 2024–2025",
        "Personnes aidées par ETP d'assistant social",
    ]
    assert "ETP réel au 31 décembre" not in labels  # the staff group is not shown by default


def test_chosen_column_groups_are_shown_and_kept_in_the_sort_links(org, client_for):
    html = get(client_for, org, url(colonnes="moyens", tri="etp"))
    labels = header_labels(html)
    assert "ETP réel au 31 décembre" in labels and "Personnes aidées 2025" not in labels
    thead = html.split('tableau-rapport national-table"')[1].split("</thead>")[0]
    assert 'aria-sort="ascending"' in next(
        c for c in thead.split("<th ") if c.startswith('scope="col"') and "ETP réel au 31" in c
    )
    links = re.findall(r'<a class="tri" href="([^"]+)"', html)
    assert links and all("colonnes=moyens" in link for link in links)
    assert 'value="moyens" id="colonnes-moyens" checked' in html


def test_an_unknown_column_group_falls_back_to_the_defaults(org, client_for):
    labels = header_labels(get(client_for, org, url(colonnes="inconnu")))
    assert "Personnes aidées par ETP d'assistant social" in labels
