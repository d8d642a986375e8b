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
    assert format_nombre(-1234.5, 1) == f"-1{NBSP}234,5"
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
    assert format_evolution(97, 100) == f"-3,00{NBSP}%"
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
