"""Forms of the Part I entry pages. Choices of categories and units are passed in (no query per row)."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.forms import formset_factory

from . import formulas
from .models import Absence, Formation, Mouvement, Reunion

ZERO = Decimal(0)


def decimal_field(label, places=2, required=True, minimum=ZERO, maximum=None, help_text=""):
    """A decimal typed the French way (6,8) or the English way (6.8)."""
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=places,
        min_value=minimum,
        max_value=maximum,
        required=required,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control form-control-sm num"}),
        error_messages={
            "invalid": "Saisissez un nombre (par exemple 6,8).",
            "min_value": "Ce nombre doit être positif ou nul." if minimum == 0 else "Valeur trop petite.",
            "max_digits": "Ce nombre est trop grand.",
            "max_decimal_places": f"Au plus {places} décimale{'s' if places > 1 else ''}.",
        },
    )


def count_field(label, required=True, minimum=0, maximum=None):
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=required,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm num", "min": minimum}),
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Ce nombre doit être positif ou nul." if minimum == 0 else f"Au moins {minimum}.",
        },
    )


def text_field(label, max_length=None, required=True, textarea=False):
    widget = forms.Textarea(attrs={"rows": 2}) if textarea else forms.TextInput()
    widget.attrs["class"] = "form-control form-control-sm"
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def choice_field(label, choices, required=True):
    return forms.ChoiceField(
        label=label,
        choices=[("", "—")] + list(choices),
        required=required,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class RowForm(forms.Form):
    """A row of a formset: choices given by the view, so that rendering 50 rows costs no query."""

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, values in (choices or {}).items():
            if name in self.fields:
                self.fields[name].choices = [("", "—"), *values]

    def set_disabled(self):
        for field in self.fields.values():
            field.disabled = True


class EffectifForm(RowForm):
    categorie = forms.IntegerField(widget=forms.HiddenInput)
    theorique_effectif = count_field("Effectif théorique au 1er janvier")
    theorique_etp = decimal_field("ETP théorique au 1er janvier")
    reel_effectif = count_field("Effectif réel au 31 décembre")
    reel_etp = decimal_field("ETP réel au 31 décembre")
    age_moyen = decimal_field(
        "Âge moyen", places=1, required=False, minimum=Decimal(formulas.AGE_MIN), maximum=Decimal(formulas.AGE_MAX)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        age = self.fields["age_moyen"]
        message = f"L'âge moyen doit être compris entre {formulas.AGE_MIN} et {formulas.AGE_MAX} ans."
        age.error_messages["min_value"] = age.error_messages["max_value"] = message
        for validator in age.validators:
            validator.message = message

    def clean(self):
        cleaned = super().clean()
        for finding in formulas.erreurs_effectif(cleaned):
            if finding.champ not in self.errors:
                self.add_error(finding.champ, finding.message)
        return cleaned


class AffectationForm(RowForm):
    unite = choice_field("Caisse primaire, service ou établissement", [])
    categorie = choice_field("Catégorie", [])
    etp = decimal_field("ETP")


class MouvementForm(RowForm):
    categorie = choice_field("Catégorie", [])
    type = choice_field("Mouvement", Mouvement.Type.choices)
    motif = choice_field("Motif du départ", Mouvement.Motif.choices, required=False)
    nombre = count_field("Nombre")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == Mouvement.Type.DEPART and not cleaned.get("motif"):
            self.add_error("motif", "Précisez le motif du départ.")
        if cleaned.get("type") == Mouvement.Type.EMBAUCHE and cleaned.get("motif"):
            self.add_error("motif", "Une embauche n'a pas de motif de départ.")
        return cleaned


class AbsenceForm(RowForm):
    motif = choice_field("Motif", Absence.Motif.choices)
    jours = decimal_field("Jours d'absence", places=1)


class BoursierForm(RowForm):
    nombre = count_field("Nombre")
    ecole = text_field("École", max_length=200)
    annee_etudes = count_field("Année d'études", minimum=1, maximum=10)


class InstallationForm(forms.Form):
    moyens_materiels = text_field("Moyens matériels mis à la disposition du personnel", required=False, textarea=True)
    vehicules = count_field("Véhicules", required=False)
    postes_informatiques = count_field("Postes informatiques", required=False)
    telephones = count_field("Téléphones", required=False)
    ameliorations_obtenues = text_field("Améliorations obtenues", required=False, textarea=True)
    ameliorations_necessaires = text_field("Améliorations nécessaires", required=False, textarea=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "moyens_materiels",
            Row(Column("vehicules"), Column("postes_informatiques"), Column("telephones")),
            "ameliorations_obtenues",
            "ameliorations_necessaires",
        )

    def set_disabled(self):
        for field in self.fields.values():
            field.disabled = True


class LocauxForm(RowForm):
    site = forms.ChoiceField(widget=forms.HiddenInput)
    etat_locaux = text_field("État des locaux", required=False, textarea=True)


class ConventionForm(RowForm):
    caisse_primaire = choice_field("Caisse primaire", [])
    date_signature = forms.DateField(
        label="Date de signature",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    objet = text_field("Objet", max_length=300)
    montant_participation = decimal_field("Participation de la caisse régionale (€)")


class FormationForm(RowForm):
    nature = choice_field("Nature", Formation.Nature.choices)
    intitule = text_field("Intitulé", max_length=250)
    organisme = text_field("Organisme", max_length=200, required=False)
    participants = count_field("Participants")
    jours = decimal_field("Jours de formation", places=1, help_text="Temps de trajet exclu.")


class ReunionForm(RowForm):
    niveau = choice_field("Échelon", Reunion.Niveau.choices)
    periodicite = text_field("Périodicité", max_length=100)
    nombre = count_field("Nombre dans l'année")
    contenu = text_field("Contenu", required=False, textarea=True)


class ReunionAutreServiceForm(RowForm):
    service = text_field("Service", max_length=200)
    objectifs = text_field("Objectifs", required=False, textarea=True)
    nombre = count_field("Nombre dans l'année")


def row_formset(form, prefix, data=None, initial=None, choices=None, disabled=False, fixed=False):
    """A formset of rows (add/remove unless `fixed`), its forms built with `choices`, all disabled if read-only."""
    factory = formset_factory(form, extra=0, can_delete=not fixed and not disabled)
    formset = factory(data=data, initial=initial or [], prefix=prefix, form_kwargs={"choices": choices})
    formset.fixed = fixed or disabled
    if disabled:
        for row in formset.forms:
            row.set_disabled()
    return formset


def rows_of(formset):
    """The cleaned rows kept by the user (not deleted, not left empty)."""
    return [
        {k: v for k, v in row.cleaned_data.items() if k != "DELETE"}
        for row in formset.forms
        if row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]
