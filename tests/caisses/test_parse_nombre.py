"""caisses.numbers.parse_nombre: the one reader of typed numbers, and the form fields built on it."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from django import forms

from caisses.fields import EntierField, NombreField
from caisses.limits import ETP, NOMBRE, POURCENTAGE, VALEUR_INDICATEUR
from caisses.numbers import NOMBRE_ATTENDU, NombreInvalide, format_saisi, parse_nombre


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", D("1234.5")),  # normal space
        ("1\u00a0234,5", D("1234.5")),  # no-break space
        ("1\u202f234,5", D("1234.5")),  # narrow no-break space
        ("1\u2009234,5", D("1234.5")),  # thin space
        ("1 234 567", D(1234567)),
        ("1234,5", D("1234.5")),
        ("12,5", D("12.5")),
        ("12.5", D("12.5")),
        (",5", D("0.5")),
        ("12,", D(12)),
        ("+3", D(3)),
        ("-3", D(-3)),
        ("\u22123,5", D("-3.5")),  # the minus sign, as a page may print it
        ("  42  ", D(42)),
        ("\u00a042\u202f", D(42)),
        ("007", D(7)),
    ],
)
def test_accepted(text, expected):
    value = parse_nombre(text)
    assert value == expected and isinstance(value, D)


def test_keeps_the_decimals_typed_and_never_minus_zero():
    assert str(parse_nombre("31,47")) == "31.47"
    assert str(parse_nombre("1 234")) == "1234"
    assert str(parse_nombre("-0")) == "0"


@pytest.mark.parametrize("text", ["", "   ", None, "\u00a0"])
def test_empty_is_none(text):
    assert parse_nombre(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "12a",
        "1e5",
        "1E5",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "1.234,5",  # a point and a comma: no single reading
        "1,234.5",
        "1.234.567",
        "1,2,3",
        "12 34",  # groups of three digits only
        "1 2345",
        "1  234",
        "- 3",
        "+",
        "-",
        ",",
        ".",
        "--3",
        "\u0663",  # an Arabic-Indic digit: Decimal() would take it
        "\uff11",  # a full-width digit
        "1_000",
        "0x10",
        "12 %",
        "12€",
    ],
)
def test_garbage_refused_in_french(text):
    with pytest.raises(NombreInvalide) as refused:
        parse_nombre(text)
    assert str(refused.value) == NOMBRE_ATTENDU == "Saisissez un nombre (par exemple 1 234 ou 12,5)."
    assert isinstance(refused.value, ValueError)


def test_bound_out_of_range_and_too_many_decimals():
    with pytest.raises(NombreInvalide) as refused:
        parse_nombre("100 000,01", ETP)
    assert str(refused.value) == ETP.message()
    with pytest.raises(NombreInvalide) as refused:
        parse_nombre("-1", ETP)
    assert str(refused.value).startswith("Valeur hors limites (ETP) : saisissez un nombre entre 0 et 100")
    with pytest.raises(NombreInvalide) as refused:
        parse_nombre("12,345", ETP)
    assert str(refused.value) == "Au plus 2 décimales."
    with pytest.raises(NombreInvalide) as refused:
        parse_nombre("2,5", NOMBRE)
    assert str(refused.value) == "Saisissez un nombre entier."
    assert parse_nombre("100 000", ETP) == D(100000)
    assert parse_nombre("31,47", POURCENTAGE) == D("31.47")


@pytest.mark.parametrize("digits", [20, 400, 100_000])
def test_huge_numbers_refused_by_the_bound_quickly(digits):
    with pytest.raises(NombreInvalide) as refused:
        parse_nombre("9" * digits, VALEUR_INDICATEUR)
    assert str(refused.value).startswith("Valeur hors limites")


def test_huge_number_without_a_bound_is_read_exactly():
    assert parse_nombre("9" * 40) == D("9" * 40)


# --- The form fields ---------------------------------------------------------------------------------------------


class Formulaire(forms.Form):
    etp = NombreField(bound=ETP, required=False)
    nombre = EntierField(bound=NOMBRE, required=False)
    libre = NombreField(required=False)


def test_fields_read_french_numbers():
    form = Formulaire({"etp": "1\u202f234,5", "nombre": "1 234", "libre": "-2,75"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"etp": D("1234.5"), "nombre": 1234, "libre": D("-2.75")}
    assert isinstance(form.cleaned_data["nombre"], int)


def test_fields_refuse_with_the_same_french_message():
    form = Formulaire({"etp": "douze", "nombre": "1e5", "libre": "1.234,5"})
    assert not form.is_valid()
    assert form.errors == {
        "etp": [NOMBRE_ATTENDU],
        "nombre": [NOMBRE_ATTENDU],
        "libre": [NOMBRE_ATTENDU],
    }


def test_a_count_refuses_decimals_and_a_decimal_its_bound():
    form = Formulaire({"etp": "12,345", "nombre": "2,5"})
    assert not form.is_valid()
    assert form.errors == {"etp": ["Au plus 2 décimales."], "nombre": ["Saisissez un nombre entier."]}
    unbounded = EntierField(required=False)
    with pytest.raises(forms.ValidationError) as refused:
        unbounded.clean("2,5")
    assert refused.value.messages == ["Saisissez un nombre entier."]


def test_text_inputs_with_the_phone_keyboard_never_type_number():
    html = str(Formulaire()["etp"]) + str(Formulaire()["nombre"])
    assert 'type="number"' not in html
    assert 'inputmode="decimal"' in html and 'inputmode="numeric"' in html


def test_initial_values_print_in_french_and_parse_again():
    form = Formulaire(initial={"etp": D("1234.50"), "nombre": 25948, "libre": D("1E+2")})
    shown = {name: form[name].value() for name in ("etp", "nombre", "libre")}
    assert shown == {"etp": "1\u00a0234,5", "nombre": "25\u00a0948", "libre": "100"}
    again = Formulaire(shown, initial={"etp": D("1234.50"), "nombre": 25948, "libre": D("1E+2")})
    assert again.is_valid() and not again.has_changed()
    assert 'value="1\u00a0234,5"' in str(form["etp"])


def test_a_refused_value_is_shown_as_typed():
    form = Formulaire({"etp": "12,3x"})
    assert not form.is_valid()
    assert form["etp"].value() == "12,3x"


def test_model_fields_give_the_french_fields():
    """Every bounded model field (caisses.limits) gives a ModelForm, the admin included, the French field."""
    from activites.models import Etudiant
    from effectifs.models import Effectif

    duree = Etudiant._meta.get_field("duree_semaines").formfield()
    nombre = Etudiant._meta.get_field("nombre").formfield()
    etp = Effectif._meta.get_field("reel_etp").formfield()
    assert isinstance(duree, NombreField) and duree.bound.places == 1
    assert isinstance(nombre, EntierField) and nombre.bound == NOMBRE
    assert isinstance(etp, NombreField) and etp.bound == ETP
    assert duree.clean("2,5") == D("2.5") and nombre.clean("1 234") == 1234
    admin_style = Etudiant._meta.get_field("nombre").formfield(widget=forms.NumberInput(attrs={"class": "vInt"}))
    assert 'type="text"' in admin_style.widget.render("n", 3) and "vInt" in admin_style.widget.render("n", 3)


def test_format_saisi_round_trips_through_the_parser():
    for value, places in [(D("1234.50"), 2), (D("31.47"), 2), (D("0.10"), 2), (D("100000.00"), 2), (7, 0)]:
        assert parse_nombre(format_saisi(value, places)) == value
    assert parse_nombre(format_saisi(D("-1234.5"), 1)) == D("-1234.5")


def test_places_of_a_bound_cap_the_decimals_shown():
    assert format_saisi(D("2.345"), replace(ETP, places=1)) == "2,3"
