"""The one French formatter of numbers, amounts and dates: 25 948 ; 10,25 % ; +10,25 % ; −4,7 pts ; 1 200,50 € ;
31/12/2025 ; 1er janvier 2026 ; non calculable. Pages, the PDF, exports and e-mails all go through it.

It is also the one parser of numbers people type (`parse_nombre`): every form field (caisses.fields), the II.1
grid and the II.2–II.4 pages read « 1 234,5 » through it and refuse what it refuses with the same message.

A negative number read by people carries the minus sign U+2212 (« −4,7 pts », French typography: a hyphen is
not a minus); one written for a machine (`grouped=False`: a form input, the CSV for French Excel) keeps the
ASCII hyphen-minus that spreadsheets read as a number. The parser reads both.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NBSP = "\u00a0"
NON_CALCULABLE = "non calculable"
NON_RENSEIGNE = "non renseigné"
NOMBRE_ATTENDU = "Saisissez un nombre (par exemple 1 234 ou 12,5)."

# Thousands separators people type or paste: space, no-break space, narrow no-break space, thin space.
SEPARATEURS = " \u00a0\u202f\u2009"
# A sign, then either digits grouped by three with separators or plain digits, then one decimal mark (comma or
# point) and digits. ASCII digits only: str.isdigit() and Decimal() would take "٣" or "１" too.
_NOMBRE = re.compile(
    rf"(?P<signe>[-+\u2212]?)"
    rf"(?P<entier>[0-9]{{1,3}}(?:[{SEPARATEURS}][0-9]{{3}})+|[0-9]*)"
    rf"(?:[.,](?P<fraction>[0-9]*))?"
)


class NombreInvalide(ValueError):
    """A typed number that cannot be read or is outside its bound; str() is the French message to show."""


def parse_nombre(text, bound=None):
    """A number typed the French way → Decimal; "" (or blanks) → None; anything else → NombreInvalide.

    Accepted: « 1 234,5 » with a space, a no-break, narrow no-break or thin space between groups of three digits
    (or none: « 1234,5 »), a comma or a point as the decimal mark (« 12,5 », « 12.5 », « ,5 », « 12, »), an
    optional sign (+, - or the minus sign U+2212). Refused with NOMBRE_ATTENDU: letters, exponents (« 1e5 »),
    NaN and Infinity, two decimal marks (« 1.234,5 » and « 1,234.5 » alike: a point is never a thousands
    separator, so such a number has no single reading), groups that are not of three digits (« 12 34 »).
    With `bound` (caisses.limits.Bound), a number outside it or with more decimals than it allows is refused with
    the bound's own French message.
    """
    text = (text or "").strip(SEPARATEURS + "\t\r\n")
    if not text:
        return None
    match = _NOMBRE.fullmatch(text)
    if match is None or not (match["entier"] or match["fraction"]):
        raise NombreInvalide(NOMBRE_ATTENDU)
    digits = re.sub(f"[{SEPARATEURS}]", "", match["entier"]) or "0"
    sign = "-" if match["signe"] in ("-", "\u2212") else ""
    fraction = f".{match['fraction']}" if match["fraction"] else ""
    value = Decimal(f"{sign}{digits}{fraction}")
    value = value.copy_abs() if value.is_zero() else value  # "-0" is 0
    if bound is not None:
        error = bound.check(value)
        if error:
            raise NombreInvalide(error)
    return value


def decimales_saisies(value, places=None):
    """How many decimals `value` was entered with: its trailing zeros dropped, at most `places` (int or Bound)."""
    number = _to_decimal(value)
    if number is None or not number.is_finite():
        return 0
    places = getattr(places, "places", places)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    exponent = number.normalize().as_tuple().exponent
    # normalize() writes 100 as 1E+2: a positive exponent means no decimals.
    return max(0, -exponent)


def format_saisi(value, places=None, empty="—", grouped=True):
    """A stored figure with the precision it was entered with: 31,47 ; 31,5 ; 12 ; 1 234,5 ; never 350,00.

    Decimal columns keep a fixed number of places (31.50 for « 31,5 »): the trailing zeros are not the user's.
    `places` (an int, or a caisses.limits.Bound) caps the decimals shown; a count (int) never shows any.
    """
    if value is None or value == "":
        return empty
    return format_nombre(value, decimales_saisies(value, places), empty=empty, grouped=grouped)


def format_pourcent_saisi(value, places=None, empty=NON_CALCULABLE):
    """An entered percentage (a response rate): « 31,47 % », « 31,5 % », « 100 % »."""
    if value is None:
        return empty
    return f"{format_saisi(value, places, empty=empty)}{NBSP}%"


def _to_decimal(value):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_nombre(value, decimals=0, empty="—", grouped=True):
    """French format: thousands separated by a no-break space, decimal comma.

    grouped=False gives "1234,5" and "-3": what a form input or a French spreadsheet reads back as a number;
    grouped text is for people: "1 234,5" and "−3" (U+2212).
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
    sign = ("\u2212" if grouped else "-") if number < 0 else ""
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


TAUX = "taux"  # a ratio expressed in %: its evolution is a difference in points
NOMBRE = "nombre"  # a count, an amount, days, ETP: its evolution is relative, in %


def kind_of(unite="", is_ratio=False):
    """TAUX for a ratio or a figure whose unit is a percentage, else NOMBRE."""
    return TAUX if is_ratio or "%" in (unite or "") else NOMBRE


def variation(current, previous, kind=NOMBRE, decimals=1):
    """The raw evolution from N−1 to N: points (TAUX) or % (NOMBRE); None when it cannot be computed.

    Points are the difference of the two rates as printed (rounded to `decimals`), so that the reader who
    subtracts the two figures of the table finds the same number: 70,9 % and 75,6 % make -4,7 pts. A rate of
    0 % in N−1 is a rate: its evolution in points is computed. A relative evolution needs N−1 ≠ 0.
    """
    if kind != TAUX:
        return evolution(current, previous)
    current, previous = _to_decimal(current), _to_decimal(previous)
    if current is None or previous is None or not (current.is_finite() and previous.is_finite()):
        return None
    quantum = Decimal(1).scaleb(-decimals)
    return current.quantize(quantum, rounding=ROUND_HALF_UP) - previous.quantize(quantum, rounding=ROUND_HALF_UP)


def format_points(value, decimals=1):
    """'+1,2 pt', '-4,7 pts', '0,0 pt': signed; « pt » below 2 in absolute value, « pts » from 2 on.

    French puts a noun in the plural from 2 on (« 1,5 point », « 2 points »); the abbreviation follows it.
    """
    if value is None:
        return NON_CALCULABLE
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    unit = "pts" if abs(rounded) >= 2 else "pt"
    sign = "+" if rounded > 0 else ""
    return f"{sign}{format_nombre(rounded, decimals)}{NBSP}{unit}"


def format_variation(current, previous, kind=NOMBRE, decimals=None):
    """The one evolution text of the report, the PDF, the national view and the CSV.

    kind TAUX (a response rate, the training or absenteeism rate, a catalogue ratio or any figure in %):
    the difference in points, « -4,7 pts » (1 decimal unless `decimals`); kind NOMBRE (counts, amounts, ETP,
    days): the relative evolution, « +7,54 % » (2 decimals unless `decimals`). « non calculable » when N or
    N−1 is missing, or for a relative evolution when N−1 is zero.
    """
    if kind == TAUX:
        decimals = 1 if decimals is None else decimals
        return format_points(variation(current, previous, TAUX, decimals), decimals)
    return format_evolution(current, previous, 2 if decimals is None else decimals)


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
