"""The contract between the interchange document and the parts that fill it (INTERCHANGE.md).

Each part app registers a handler for its key of the document; rapports.interchange parses the document,
checks its envelope and runs the handlers. The helpers below give the standard French messages, each with its
JSON path::

    from caisses.interchange import register_part

    register_part(
        "partie_2",
        validate=validate_partie_2,  # (data, path, ctx, errors) -> cleaned
        write=write_partie_2,        # (cleaned, ctx) -> None, runs inside the write guard's transaction
        export=export_partie_2,      # (rapport) -> the JSON value of the part
        sections=("II.1", "II.2", "II.3", "II.4"),  # section versions bumped by an import
    )

- ``validate(data, path, ctx, errors)``: ``data`` is the raw JSON value of the part (floats arrive as
  ``Decimal``), ``path`` its JSON path (``"partie_2"``), ``ctx`` an :class:`ImportContext`, ``errors`` an
  :class:`Errors` to ``errors.add(path, message)`` into. It must not write. It returns whatever ``write``
  needs (codes already checked), or ``INVALID`` after recording the error.
- ``write(cleaned, ctx)``: only called when the whole document is valid. ``ctx.rapport`` is the locked report;
  ``ctx.caisse_primaire(code)``, ``ctx.site(code)`` and ``ctx.unit(code)`` give the model objects of unit codes.
  Write idempotently (re-importing the same document must change nothing).
- ``export(rapport)``: the part as it should appear in the document (same shape as the import accepts); the
  report may be unsaved (``pk`` None) when nobody wrote to it yet.

Numbers: pass the field's bound, ``expect_int(value, path, errors, bound=bounds_of(Effectif, "reel_effectif"))``
or ``expect_decimal(..., bound=ETP)``: the range, the decimals and the French message are the bound's (the same
as the forms'). The values arrive already checked for JSON's pitfalls (depth, over-long numbers, NUL characters,
lone surrogates: ``rapports.interchange_json``), but ``1e400`` is a valid ``Decimal`` that only a bound refuses.
"""

import datetime
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .models import Caisse, Exercice, RapportAnnuel, Site

# --- Registry ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartHandler:
    key: str
    validate: Callable
    write: Callable
    export: Callable
    sections: tuple = ()


PARTS = {}


def register_part(key, *, validate, write, export, sections=()):
    """Register the handler of one part of the document (see the module docstring)."""
    PARTS[key] = PartHandler(key, validate, write, export, tuple(sections))


# --- Errors and context --------------------------------------------------------------------------------------


class Errors(list):
    """[(path, message)] of a document; str() gives one line per error."""

    def add(self, path, message):
        self.append((path, message))

    def lines(self):
        return [f"{path}: {message}" if path else message for path, message in self]

    def __str__(self):
        return "\n".join(self.lines())


@dataclass
class ImportContext:
    """What the part handlers need to know about the document being imported.

    During validation: the region code and year, the region / exercice / report if they exist already (an
    unsaved report is not given: ``rapport`` is None until the first write creates it), and the unit codes a part
    may reference (for this region only: the database's, plus the document's new ones in ``"admin"`` mode).
    During the write: ``rapport`` is the (locked) report and the unit lookups return model objects.
    ``mode`` says who imports: ``"region"`` (an upload through a report's page: reference data is matched, never
    written) or ``"admin"`` (the ``importer_rapport`` command, which may create and update reference data).
    """

    mode: str = "admin"
    region_code: str = ""
    annee: int = None
    region: Caisse = None
    exercice: Exercice = None
    rapport: RapportAnnuel = None
    cpam_codes: set = field(default_factory=set)
    site_codes: set = field(default_factory=set)
    _units: dict = field(default_factory=dict)

    @property
    def unit_codes(self):
        return self.cpam_codes | self.site_codes

    def caisse_primaire(self, code):
        return self._units[("cpam", code)]

    def site(self, code):
        return self._units[("site", code)]

    def unit(self, code):
        """The Caisse (primaire) or Site of a unit code."""
        return self._units.get(("cpam", code)) or self._units[("site", code)]

    def load_units(self):
        for caisse in Caisse.objects.primaires().of_region(self.region):
            self._units[("cpam", caisse.code)] = caisse
        for site in Site.objects.of_region(self.region):
            self._units[("site", site.code)] = site


# --- Validation helpers: each records its error and returns INVALID, or returns the cleaned value ----------


class _Invalid:
    def __repr__(self):
        return "INVALID"

    def __bool__(self):
        return False


INVALID = _Invalid()


def shown(text, limit=60):
    """A value of the document quoted in a message, cut short: a message must not echo megabytes back."""
    text = str(text)
    return f"« {text if len(text) <= limit else text[:limit] + '…'} »"


def type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, Decimal, float)):
        return "un nombre"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return type(value).__name__


def expect_object(value, path, errors, required=(), optional=()):
    """A JSON object with exactly these keys (optional ones may be missing). Missing/unknown keys are errors."""
    if not isinstance(value, dict):
        errors.add(path, f"doit être un objet, pas {type_name(value)}")
        return INVALID
    ok = True
    for key in value:
        if key not in required and key not in optional:
            errors.add(join(path, key), "clé inconnue")
            ok = False
    for key in required:
        if key not in value:
            errors.add(join(path, key), "clé manquante")
            ok = False
    return value if ok else INVALID


def expect_list(value, path, errors):
    if not isinstance(value, list):
        errors.add(path, f"doit être une liste, pas {type_name(value)}")
        return INVALID
    return value


# Beyond this many digits a number is no figure of a report, and int() of one can take minutes ("1e9999999").
MAX_DIGITS = 30


def _range_error(number, minimum, maximum, bound):
    """The French refusal of a finite number outside its range, or ""; `bound` (caisses.limits.Bound) wins."""
    if bound is not None:
        if number < bound.minimum or number > bound.maximum:
            return bound.message(number)
        return ""
    if minimum is not None and number < minimum:
        return f"doit être ≥ {minimum}"
    if maximum is not None and number > maximum:
        return f"doit être ≤ {maximum}"
    if number and number.adjusted() >= MAX_DIGITS:
        return f"nombre trop grand (au plus {MAX_DIGITS} chiffres)"
    return ""


def expect_int(value, path, errors, minimum=0, maximum=None, nullable=False, bound=None):
    """A whole number within [minimum, maximum], or within `bound` (a caisses.limits.Bound) when given."""
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        errors.add(path, f"doit être un nombre entier, pas {type_name(value)}")
        return INVALID
    number = Decimal(value)
    if not number.is_finite():
        errors.add(path, "doit être un nombre fini")
        return INVALID
    if number != number.to_integral_value():
        errors.add(path, "doit être un nombre entier")
        return INVALID
    error = _range_error(number, minimum, maximum, bound)
    if error:
        errors.add(path, error)
        return INVALID
    return int(number)


def expect_decimal(
    value, path, errors, places=None, minimum=0, maximum=None, nullable=False, as_string=False, bound=None
):
    """A number (or, with as_string, a decimal written as a string like "48500.00") with at most `places` decimals.

    With `bound` (a caisses.limits.Bound) the range and, unless given, the places are the bound's.
    """
    if places is None:
        places = bound.places if bound is not None else 2
    if value is None and nullable:
        return None
    if as_string:
        if not isinstance(value, str):
            errors.add(path, f'doit être un montant écrit comme un texte (ex. "1200.50"), pas {type_name(value)}')
            return INVALID
        try:
            number = Decimal(value.strip()) if len(value) <= 100 else Decimal("NaN")
        except InvalidOperation:
            number = Decimal("NaN")
        if number.is_nan():
            errors.add(path, f'{shown(value)} n\'est pas un montant (par exemple "1200.50")')
            return INVALID
    elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        errors.add(path, f"doit être un nombre, pas {type_name(value)}")
        return INVALID
    else:
        number = Decimal(value)
    if not number.is_finite():
        errors.add(path, "doit être un nombre fini")
        return INVALID
    error = _range_error(number, minimum, maximum, bound)
    if error:
        errors.add(path, error)
        return INVALID
    quantum = Decimal(1).scaleb(-places)
    try:
        rounded = number.quantize(quantum)
    except InvalidOperation:
        errors.add(path, "nombre trop grand")
        return INVALID
    if number != rounded:
        errors.add(path, f"au plus {places} décimale{'s' if places > 1 else ''}")
        return INVALID
    return rounded


def expect_text(value, path, errors, max_length=None, required=False):
    if not isinstance(value, str):
        errors.add(path, f"doit être un texte, pas {type_name(value)}")
        return INVALID
    if required and not value.strip():
        errors.add(path, "ne doit pas être vide")
        return INVALID
    if max_length and len(value) > max_length:
        errors.add(path, f"trop long ({len(value)} caractères ; au plus {max_length})")
        return INVALID
    return value


def expect_choice(value, path, errors, choices, nullable=False):
    """One of `choices` (an iterable of codes, or a Django TextChoices class)."""
    if value is None and nullable:
        return None
    codes = [c.value if hasattr(c, "value") else c for c in choices]
    if not isinstance(value, str) or value not in codes:
        what = shown(value) if isinstance(value, str) else type_name(value)
        errors.add(path, f"valeur inconnue {what} (valeurs possibles : {', '.join(codes)})")
        return INVALID
    return value


def expect_date(value, path, errors):
    if not isinstance(value, str):
        errors.add(path, f"doit être une date AAAA-MM-JJ, pas {type_name(value)}")
        return INVALID
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else _bad_date()
    except ValueError:
        errors.add(path, f"date invalide {shown(value)} (format attendu AAAA-MM-JJ)")
        return INVALID


def _bad_date():
    raise ValueError


def expect_code(value, path, errors, valid, what, scope=" ou hors de la région", list_valid=False):
    """A code among `valid` (e.g. ctx.cpam_codes); `what` names it in the message ("caisse primaire")."""
    if not isinstance(value, str):
        errors.add(path, f"doit être un code ({what}), pas {type_name(value)}")
        return INVALID
    if value not in valid:
        hint = f" (valeurs possibles : {', '.join(sorted(valid))})" if list_valid else ""
        errors.add(path, f"{what} inconnue{scope} : {shown(value)}{hint}")
        return INVALID
    return value


def expect_rows(value, path, errors, validate_row):
    """A list whose items `validate_row(item, item_path)` checks; INVALID if the list or any row is."""
    items = expect_list(value, path, errors)
    if items is INVALID:
        return INVALID
    rows = [validate_row(item, index(path, i)) for i, item in enumerate(items)]
    return INVALID if any(row is INVALID for row in rows) else rows


def all_valid(values):
    """A dict of cleaned values, or INVALID if one of them is."""
    return values if all(v is not INVALID for v in values.values()) else INVALID


def join(path, key):
    # A key comes from the document: a megabyte-long one must not make a megabyte-long message.
    key = key if len(key) <= 60 else key[:60] + "…"
    return f"{path}.{key}" if path else key


def index(path, i):
    return f"{path}[{i}]"


def is_empty(value):
    """A part holding only empty texts, empty lists and nulls."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def dumps(doc):
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def json_number(value, places=None):
    """Decimal → int when whole and places is None, else float (the document's numbers)."""
    if value is None:
        return None
    if places is None and value == value.to_integral_value():
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number
