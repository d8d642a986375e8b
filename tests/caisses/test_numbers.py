import datetime
from decimal import Decimal

from caisses.numbers import (
    NBSP,
    evolution,
    format_date,
    format_date_heure,
    format_date_longue,
    format_euros,
    format_evolution,
    format_nombre,
    format_pourcent,
)


def test_thousands_separated_by_no_break_space():
    assert format_nombre(25948) == f"25{NBSP}948"
    assert format_nombre(1234567) == f"1{NBSP}234{NBSP}567"
    assert format_nombre(999) == "999"
    assert format_nombre(0) == "0"


def test_decimal_comma_and_rounding_half_up():
    assert format_nombre(Decimal("34.6"), 2) == "34,60"
    assert format_nombre(2.345, 2) == "2,35"
    assert format_nombre(-1234.5, 1) == f"\u22121{NBSP}234,5"
    assert format_nombre(-0.01, 1) == "0,0"


def test_missing_values():
    assert format_nombre(None) == "—"
    assert format_nombre("") == "—"
    assert format_nombre("abc") == "—"
    assert format_pourcent(None) == "non calculable"


def test_percent():
    assert format_pourcent(10.254, 2) == f"10,25{NBSP}%"
    assert format_pourcent(Decimal("3.44")) == f"3,4{NBSP}%"


def test_evolution():
    assert evolution(110, 100) == Decimal(10)
    assert format_evolution(110.25, 100) == f"+10,25{NBSP}%"
    assert format_evolution(97, 100) == f"\u22123,00{NBSP}%"
    assert format_evolution(100, 100) == f"0,00{NBSP}%"


def test_evolution_non_calculable():
    assert format_evolution(10, 0) == "non calculable"
    assert format_evolution(10, None) == "non calculable"
    assert format_evolution(None, 10) == "non calculable"


def test_ungrouped_for_inputs_and_spreadsheets():
    assert format_nombre(1234567.5, 1, grouped=False) == "1234567,5"
    assert format_nombre(-1234, grouped=False) == "-1234"
    assert format_nombre(None, 2, empty="", grouped=False) == ""


def test_euros():
    assert format_euros(Decimal("48500")) == f"48{NBSP}500,00{NBSP}€"
    assert format_euros("1200.5") == f"1{NBSP}200,50{NBSP}€"
    assert format_euros(None) == "—"


def test_dates():
    assert format_date(datetime.date(2026, 4, 30)) == "30/04/2026"
    assert format_date_longue(datetime.date(2026, 1, 1)) == "1er janvier 2026"
    assert format_date_longue(datetime.date(2025, 8, 15)) == "15 août 2025"
    assert format_date(None) == "—" and format_date_longue(None, empty="") == ""


def test_datetimes_in_paris_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    winter = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    assert format_date_heure(winter) == "16/01/2026 à 00:30"
    assert format_date(winter) == "16/01/2026"


# --- Precision entered, and evolutions in points or in % -----------------------------------------------------


def test_format_saisi_prints_the_precision_entered():
    from caisses.limits import POURCENTAGE
    from caisses.numbers import format_pourcent_saisi, format_saisi

    assert format_saisi(Decimal("31.47"), 2) == "31,47"
    assert format_saisi(Decimal("31.50"), 2) == "31,5"
    assert format_saisi(Decimal("350.00"), 2) == "350"
    assert format_saisi(Decimal("1E+2")) == "100"  # never exponent notation
    assert format_saisi(Decimal("1.2E+5")) == f"120{NBSP}000"
    assert format_saisi(Decimal("1234.50")) == f"1{NBSP}234,5"
    assert format_saisi(Decimal("1234.50"), grouped=False) == "1234,5"
    assert format_saisi(25948) == f"25{NBSP}948"  # a count never prints decimals
    assert format_saisi(Decimal("0.00"), 2) == "0"
    assert format_saisi(Decimal("2.345"), 2) == "2,35"  # capped at the field's places
    assert format_saisi(None) == "—" and format_saisi(None, empty="") == ""
    assert format_pourcent_saisi(Decimal("31.47"), POURCENTAGE) == f"31,47{NBSP}%"
    assert format_pourcent_saisi(Decimal("31.50"), POURCENTAGE) == f"31,5{NBSP}%"
    assert format_pourcent_saisi(None) == "non calculable"


def test_variation_of_a_rate_is_in_points():
    from caisses.numbers import TAUX, format_variation

    # 70,9 % vs 75,6 %: -4,7 points, not -6,19 %.
    assert format_variation(Decimal("70.9"), Decimal("75.6"), TAUX) == f"\u22124,7{NBSP}pts"
    assert format_variation(Decimal("31.2"), Decimal("30"), TAUX) == f"+1,2{NBSP}pt"
    assert format_variation(Decimal("31"), Decimal("30"), TAUX) == f"+1,0{NBSP}pt"
    assert format_variation(Decimal("28"), Decimal("30"), TAUX) == f"\u22122,0{NBSP}pts"
    assert format_variation(Decimal("30"), Decimal("30"), TAUX) == f"0,0{NBSP}pt"
    assert format_variation(Decimal("31.47"), Decimal("30"), TAUX, decimals=2) == f"+1,47{NBSP}pt"


def test_points_are_the_difference_of_the_rates_as_printed():
    from caisses.numbers import TAUX, format_pourcent, format_variation

    # 70,94 % prints 70,9 %, 75,56 % prints 75,6 %: the reader subtracts 4,7, not 4,62.
    n, n1 = Decimal("70.94"), Decimal("75.56")
    assert (format_pourcent(n), format_pourcent(n1)) == (f"70,9{NBSP}%", f"75,6{NBSP}%")
    assert format_variation(n, n1, TAUX) == f"\u22124,7{NBSP}pts"


def test_variation_of_a_count_is_relative():
    from caisses.numbers import NOMBRE, format_variation

    assert format_variation(Decimal("993"), Decimal("1000"), NOMBRE) == f"\u22120,70{NBSP}%"
    assert format_variation(Decimal("993"), Decimal("1000"), NOMBRE, decimals=1) == f"\u22120,7{NBSP}%"
    assert format_variation(110, 100) == f"+10,00{NBSP}%"


def test_variation_non_calculable():
    from caisses.numbers import NOMBRE, TAUX, format_variation

    assert format_variation(10, 0, NOMBRE) == "non calculable"
    assert format_variation(10, None, NOMBRE) == "non calculable"
    assert format_variation(None, 10, TAUX) == "non calculable"
    assert format_variation(10, None, TAUX) == "non calculable"
    # A rate of 0 % in N−1 is a rate: 0 % → 5 % is +5 points.
    assert format_variation(5, 0, TAUX) == f"+5,0{NBSP}pts"


def test_kind_of_a_figure():
    from caisses.numbers import NOMBRE, TAUX, kind_of

    assert kind_of("%") == TAUX and kind_of("taux (%)") == TAUX and kind_of("", is_ratio=True) == TAUX
    assert kind_of("personnes") == NOMBRE and kind_of("") == NOMBRE
