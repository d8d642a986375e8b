"""Region names sort as a reader expects: « Région 4 » before « Région 10 », accents and case ignored."""

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
