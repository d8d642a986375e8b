"""The one French formatter of numbers, amounts and dates: 25 948 ; 10,25 % ; +10,25 % ; 1 200,50 € ;
31/12/2025 ; 1er janvier 2026 ; non calculable. Pages, the PDF, exports and e-mails all go through it."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NBSP = "\u00a0"
NON_CALCULABLE = "non calculable"
NON_RENSEIGNE = "non renseigné"


def _to_decimal(value):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_nombre(value, decimals=0, empty="—", grouped=True):
    """French format: thousands separated by a no-break space, decimal comma.

    grouped=False gives "1234,5": what a form input or a French spreadsheet reads back as a number.
    """
    if value is None or value == "":
        return empty
    number = _to_decimal(value)
    if number is None or not number.is_finite():
        return empty
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{decimals}f}"
    integer, _, fraction = text.partition(".")
    groups = []
    while grouped and len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    result = sign + NBSP.join(groups)
    if fraction:
        result += "," + fraction
    return result


def format_pourcent(value, decimals=1, empty=NON_CALCULABLE):
    if value is None:
        return empty
    return f"{format_nombre(value, decimals, empty=empty)}{NBSP}%"


def evolution(current, previous):
    """Evolution in % from previous to current, None when it cannot be computed."""
    current, previous = (
        _to_decimal(current) if current is not None else None,
        (_to_decimal(previous) if previous is not None else None),
    )
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100


def format_evolution(current, previous, decimals=2):
    """'+10,25 %', '-3,00 %', or 'non calculable' when N−1 is zero or missing."""
    value = evolution(current, previous)
    if value is None:
        return NON_CALCULABLE
    text = format_pourcent(value, decimals)
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return ("+" + text) if rounded > 0 else text


def format_euros(value, empty="—"):
    """'48 500,00 €' (two decimals, no-break spaces), or `empty`."""
    text = format_nombre(value, 2, empty=None)
    return empty if text is None else f"{text}{NBSP}€"


MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _local(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def format_date(value, empty="—"):
    """'31/12/2025' (a date, or a datetime in local time), or `empty`."""
    if not value:
        return empty
    return f"{_local(value):%d/%m/%Y}"


def format_date_longue(value, empty="—"):
    """'1er janvier 2026', '15 mars 2026' (French typography: « 1er » for the first of the month)."""
    if not value:
        return empty
    value = _local(value)
    jour = "1er" if value.day == 1 else str(value.day)
    return f"{jour} {MOIS[value.month - 1]} {value.year}"


def format_date_heure(value, empty="—"):
    """'31/12/2025 à 14:05' in local time."""
    if not value:
        return empty
    value = _local(value)
    return f"{value:%d/%m/%Y} à {value:%H:%M}"
