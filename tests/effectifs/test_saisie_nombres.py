"""French numbers in the Part I pages: « 1 234,5 » with any kind of space is read, garbage refused in French."""

from decimal import Decimal

import pytest

from caisses.numbers import NOMBRE_ATTENDU
from effectifs.models import Effectif, Formation

from .test_saisie import effectifs_rows, i1_data, i3_data, url

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


@pytest.mark.parametrize("space", [" ", NBSP, NNBSP])
def test_i1_reads_thousands_and_a_decimal_comma(org, responsable, space):
    rows = effectifs_rows(**{"as": (f"1{space}240", f"1{space}234,5", f"1{space}239", f"1{space}230,25", "42,7")})
    response = responsable.post(url(org, "saisie_i1"), i1_data(effectifs=rows))
    assert response.status_code == 302
    effectif = Effectif.objects.get(categorie__code="as")
    assert (effectif.theorique_effectif, effectif.theorique_etp) == (1240, Decimal("1234.5"))
    assert (effectif.reel_effectif, effectif.reel_etp) == (1239, Decimal("1230.25"))
    assert effectif.age_moyen == Decimal("42.7")


def test_i1_shows_saved_figures_in_french_that_read_back(org, responsable):
    rows = effectifs_rows(**{"as": ("1240", "1234,5", "1239", "12,5", "")})
    assert responsable.post(url(org, "saisie_i1"), i1_data(effectifs=rows)).status_code == 302
    html = responsable.get(url(org, "saisie_i1")).content.decode()
    # The precision typed, no trailing zero, thousands with a no-break space; a text input, never type=number.
    assert f'value="1{NBSP}234,5"' in html and 'value="12,5"' in html and f'value="1{NBSP}240"' in html
    assert 'inputmode="decimal"' in html and 'inputmode="numeric"' in html
    assert 'type="number"' not in html
    # Saving the page as shown changes nothing.
    again = effectifs_rows(**{"as": (f"1{NBSP}240", f"1{NBSP}234,5", f"1{NBSP}239", "12,5", "")})
    assert responsable.post(url(org, "saisie_i1"), i1_data(version=1, effectifs=again)).status_code == 302
    assert Effectif.objects.get(categorie__code="as").theorique_etp == Decimal("1234.5")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("douze", NOMBRE_ATTENDU),
        ("1e5", NOMBRE_ATTENDU),
        ("1.234,5", NOMBRE_ATTENDU),
        ("12 34", NOMBRE_ATTENDU),
        ("12,345", "Au plus 2 décimales."),
    ],
)
def test_i1_refuses_in_french_and_keeps_what_was_typed(org, responsable, typed, message):
    rows = effectifs_rows(**{"as": ("38", typed, "37", "34,6", "")})
    response = responsable.post(url(org, "saisie_i1"), i1_data(effectifs=rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html
    assert not Effectif.objects.exists()


def test_i1_a_count_with_decimals_is_refused(org, responsable):
    rows = effectifs_rows(**{"as": ("2,5", "2,5", "3", "3", "")})
    response = responsable.post(url(org, "saisie_i1"), i1_data(effectifs=rows))
    assert response.status_code == 200
    assert "Saisissez un nombre entier." in response.content.decode()
    assert not Effectif.objects.exists()


@pytest.mark.parametrize("space", [" ", NBSP, NNBSP])
def test_i3_reads_a_count_with_a_narrow_no_break_space(org, responsable, space):
    row = {"nature": "formation", "intitule": "Accueil", "organisme": "IRTS", "participants": f"1{space}234"}
    response = responsable.post(url(org, "saisie_i3"), i3_data(rows=[{**row, "jours": f"2{space}345,5"}]))
    assert response.status_code == 302
    formation = Formation.objects.get()
    assert (formation.participants, formation.jours) == (1234, Decimal("2345.5"))


@pytest.mark.parametrize(("typed", "message"), [("abc", NOMBRE_ATTENDU), ("2,5", "Saisissez un nombre entier.")])
def test_i3_refuses_a_bad_count_in_french(org, responsable, typed, message):
    row = {"nature": "formation", "intitule": "Accueil", "organisme": "", "participants": typed, "jours": "3"}
    response = responsable.post(url(org, "saisie_i3"), i3_data(rows=[row]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Formation.objects.exists()
