"""The bounds of every figure of a report, declared once and enforced by every entry path.

A model field declares its bound with the field factories below (`count_field`, `decimal_field`); the bound
travels with the field as its validators and its `max_digits`, so that:
- model forms and the Django admin get the French number fields of caisses.fields (« 1 234,5 » accepted) and
  refuse out-of-range values with the French messages below;
- the II.1 grid, the interchange import and the commands ask `bounds_of(model, field_name)` (or the `Bound`
  itself) and get the same limits and the same message;
- nothing the database cannot hold ever reaches it (SQLite would store a Decimal too long for its column and
  fail on every later read; PostgreSQL refuses it at the save).

The kinds below are the plan's: a headcount, an ETP, days, a count of people or actions, euros, a percentage.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from .numbers import format_nombre


@dataclass(frozen=True)
class Bound:
    """[minimum, maximum] with `places` decimals; `unit` names it in messages ("ETP", "jours")."""

    minimum: Decimal
    maximum: Decimal
    places: int = 0
    label: str = ""

    @property
    def max_digits(self):
        return len(str(int(self.maximum))) + self.places

    def _shown(self, value):
        return format_nombre(value, self.places if value != int(value) else 0)

    @property
    def range_text(self):
        return f"entre {self._shown(self.minimum)} et {self._shown(self.maximum)}"

    def message(self, value=None):
        """The French refusal of a value outside the bound."""
        what = f" ({self.label})" if self.label else ""
        return f"Valeur hors limites{what} : saisissez un nombre {self.range_text}."

    def places_message(self):
        if self.places == 0:
            return "Saisissez un nombre entier."
        return f"Au plus {self.places} décimale{'s' if self.places > 1 else ''}."

    def check(self, value):
        """The French error for `value` (int, Decimal or str of digits), or "" when it fits."""
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            return "Saisissez un nombre."
        if not number.is_finite():
            return "Saisissez un nombre."
        if number < self.minimum or number > self.maximum:
            return self.message(value)
        # Within the bound, so the quantize below cannot overflow.
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            return self.places_message()
        return ""

    def validators(self):
        return [BoundValidator(self.minimum, self.maximum, self.places, self.label)]


class BoundValidator:
    """Model/form validator of a Bound (its arguments are plain numbers, so migrations can write it)."""

    def __init__(self, minimum, maximum, places=0, label=""):
        self.bound = Bound(Decimal(minimum), Decimal(maximum), places, label)

    def __call__(self, value):
        if value is None:
            return
        error = self.bound.check(value)
        if error:
            raise ValidationError(error, code="hors_limites")

    def __eq__(self, other):
        return isinstance(other, BoundValidator) and self.bound == other.bound

    def deconstruct(self):
        b = self.bound
        return ("caisses.limits.BoundValidator", (b.minimum, b.maximum, b.places, b.label), {})


def _bound(minimum, maximum, places=0, label=""):
    return Bound(Decimal(minimum), Decimal(maximum), places, label)


# --- The plan's kinds of figures -----------------------------------------------------------------------------

EFFECTIF = _bound(0, 100_000, 0, "effectif")  # people on the staff of a region
ETP = _bound(0, 100_000, 2, "ETP")
AGE = _bound(18, 70, 1, "âge")
JOURS = _bound(0, 10_000_000, 1, "jours")  # days of absence or of training over a whole year's staff
SEMAINES = _bound(0, 520, 1, "semaines")
NOMBRE = _bound(0, 100_000_000, 0)  # people helped, actions, meetings, students: any yearly count
EQUIPEMENT = _bound(0, 1_000_000, 0)  # vehicles, computers, phones
EUROS = _bound(0, 10_000_000_000, 2, "euros")
POURCENTAGE = _bound(0, 100, 2, "%")
# A figure of the catalogue (II.1): counts and amounts alike, with up to 2 decimals.
VALEUR_INDICATEUR = _bound(0, 100_000_000, 2)
# A variation threshold (issue 12): a relative change in % (or points for a ratio), and an absolute minimum.
SEUIL_RELATIF = _bound(0, 1_000, 2, "%")
SEUIL_ABSOLU = _bound(0, 100_000_000, 2)

TEXTE_COURT = 250  # characters: a title, a name, a body
TEXTE = 5_000  # a comment on a row
TEXTE_LONG = 200_000  # a narrative (Part II texts, Part III)


def _bound_of(field):
    return next((v.bound for v in field.validators if isinstance(v, BoundValidator)), None)


class FrenchNumberMixin:
    """A model field whose form field is one of caisses.fields' (« 1 234,5 »), checked by the field's Bound.

    deconstruct() names the plain Django field: the form field is no part of the schema, so no migration.
    """

    form_class_name = ""
    django_path = ""

    def formfield(self, **kwargs):
        from . import fields

        form_class = getattr(fields, self.form_class_name)
        return super().formfield(**{"form_class": form_class, "bound": _bound_of(self), **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.django_path, args, kwargs


class CountField(FrenchNumberMixin, models.PositiveIntegerField):
    form_class_name, django_path = "EntierField", "django.db.models.PositiveIntegerField"


class BoundDecimalField(FrenchNumberMixin, models.DecimalField):
    form_class_name, django_path = "NombreField", "django.db.models.DecimalField"


def count_field(verbose_name, bound=NOMBRE, **kwargs):
    """A whole-number field bounded by `bound` (a PositiveIntegerField: every bound here fits in 32 bits)."""
    assert bound.places == 0 and bound.maximum <= 2_147_483_647
    return CountField(verbose_name, validators=bound.validators(), **kwargs)


def decimal_field(verbose_name, bound, **kwargs):
    """A decimal field whose column holds exactly the bound (max_digits from the bound)."""
    return BoundDecimalField(
        verbose_name,
        max_digits=bound.max_digits,
        decimal_places=bound.places,
        validators=bound.validators(),
        **kwargs,
    )


def bounds_of(model, field_name):
    """The Bound declared on a model field, or None."""
    field = model._meta.get_field(field_name)
    for validator in field.validators:
        if isinstance(validator, BoundValidator):
            return validator.bound
    return None
