"""The form fields of every figure people type: one for decimals, one for counts, both read by parse_nombre.

A text input, not <input type="number">: browsers refuse « 1 234,5 » in a number input (they send "" and the
user's figure is lost without a word). The keyboard is still the numeric one on phones (inputmode). The value
shown back is the French one (« 1 234,5 », or what was typed after a refusal), and parse_nombre reads it again.
Every refusal is parse_nombre's French message, or the field's Bound's (caisses.limits).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .numbers import NombreInvalide, format_saisi, parse_nombre


class NombreInput(forms.TextInput):
    """A text input for a French number; `inputmode` (decimal, numeric) picks the phone keyboard, else the
    field's."""

    def __init__(self, attrs=None, inputmode=None):
        attrs = {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        if inputmode:
            attrs["inputmode"] = inputmode
        super().__init__(attrs)


class NombreField(forms.Field):
    """A decimal typed the French way, within `bound` (caisses.limits.Bound) when given → Decimal or None."""

    inputmode = "decimal"
    default_error_messages = {"invalid": "Saisissez un nombre (par exemple 1 234 ou 12,5)."}

    def __init__(self, *, bound=None, widget=None, **kwargs):
        self.bound = bound
        widget = widget or NombreInput
        if isinstance(widget, type):
            widget = widget()
        if isinstance(widget, forms.NumberInput):
            # The admin asks for <input type="number"> for integers: it would refuse « 1 234 ». Its class stays.
            widget = NombreInput({"class": widget.attrs["class"]} if "class" in widget.attrs else None)
        widget.attrs.setdefault("inputmode", self.inputmode)
        # Django's model formfield() passes these for its own DecimalField: the Bound says it all here.
        for name in ("max_digits", "decimal_places", "min_value", "max_value", "step_size", "localize"):
            kwargs.pop(name, None)
        super().__init__(widget=widget, **kwargs)

    @property
    def places(self):
        return self.bound.places if self.bound is not None else None

    def parse(self, value):
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return parse_nombre(str(value), self.bound)
        except NombreInvalide as refused:
            raise ValidationError(str(refused), code="invalid") from None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.parse(value)

    def prepare_value(self, value):
        """A stored figure in French (« 1 234,5 »); what the user typed, as typed."""
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return format_saisi(value, self.places)
        return value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class EntierField(NombreField):
    """A count: « 1 234 » → 1234; « 2,5 » refused (« Saisissez un nombre entier. »)."""

    inputmode = "numeric"
    ENTIER_ATTENDU = "Saisissez un nombre entier."

    def parse(self, value):
        number = super().parse(value)
        if number is not None and number != number.to_integral_value():
            raise ValidationError(self.ENTIER_ATTENDU, code="invalid")
        return None if number is None else int(number)
