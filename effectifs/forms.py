"""Forms of the Part I entry pages. Choices of categories and units are passed in (no query per row).

Every field of a figure or a text is built from its model field (`model_field`): the bound the model declares
(caisses.limits) is the one the page enforces, with the same French message as the import and the admin.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseFormSet, formset_factory
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.text import capfirst

from caisses.fields import EntierField, NombreField, NombreInput
from caisses.limits import bounds_of

from .models import (
    Absence,
    Affectation,
    Boursier,
    Convention,
    Effectif,
    EtatLocaux,
    Formation,
    Installation,
    Mouvement,
    Reunion,
    ReunionAutreService,
)

NUM = {"class": "form-control form-control-sm num"}


def decimal_field(label, bound, required=True, help_text=""):
    """A decimal typed the French way (« 1 234,5 », « 6,8 » or « 6.8 »), refused outside `bound`."""
    return NombreField(label=label, required=required, help_text=help_text, bound=bound, widget=NombreInput(NUM))


def count_field(label, bound, required=True):
    """A count (« 1 234 »); « 2,5 » is refused: « Saisissez un nombre entier. »"""
    return EntierField(label=label, required=required, bound=bound, widget=NombreInput(NUM))


def text_field(label, max_length=None, required=True, textarea=False):
    widget = forms.Textarea(attrs={"rows": 2}) if textarea else forms.TextInput()
    widget.attrs["class"] = "form-control form-control-sm"
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def model_field(model, name, label=None, required=None):
    """The form field of a figure or a text of `model`, with the bound and the length its model field declares."""
    field = model._meta.get_field(name)
    label = label or capfirst(field.verbose_name)
    required = not field.blank if required is None else required
    if isinstance(field, models.DecimalField):
        return decimal_field(label, bounds_of(model, name), required, help_text=field.help_text)
    if isinstance(field, models.IntegerField):
        return count_field(label, bounds_of(model, name), required)
    return text_field(label, field.max_length, required, textarea=isinstance(field, models.TextField))


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
    theorique_effectif = model_field(Effectif, "theorique_effectif")
    theorique_etp = model_field(Effectif, "theorique_etp")
    reel_effectif = model_field(Effectif, "reel_effectif")
    reel_etp = model_field(Effectif, "reel_etp")
    age_moyen = model_field(Effectif, "age_moyen", label="Âge moyen")


class AffectationForm(RowForm):
    unite = choice_field("Caisse primaire, service ou établissement", [])
    categorie = choice_field("Catégorie", [])
    etp = model_field(Affectation, "etp")


class MouvementForm(RowForm):
    categorie = choice_field("Catégorie", [])
    type = choice_field("Mouvement", Mouvement.Type.choices)
    motif = choice_field("Motif du départ", Mouvement.Motif.choices, required=False)
    nombre = model_field(Mouvement, "nombre")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == Mouvement.Type.DEPART and not cleaned.get("motif"):
            self.add_error("motif", "Précisez le motif du départ.")
        if cleaned.get("type") == Mouvement.Type.EMBAUCHE and cleaned.get("motif"):
            self.add_error("motif", "Une embauche n'a pas de motif de départ.")
        return cleaned


class AbsenceForm(RowForm):
    motif = choice_field("Motif", Absence.Motif.choices)
    jours = model_field(Absence, "jours")


class BoursierForm(RowForm):
    nombre = model_field(Boursier, "nombre")
    ecole = model_field(Boursier, "ecole")
    annee_etudes = model_field(Boursier, "annee_etudes")


class InstallationForm(forms.Form):
    moyens_materiels = model_field(Installation, "moyens_materiels")
    vehicules = model_field(Installation, "vehicules")
    postes_informatiques = model_field(Installation, "postes_informatiques")
    telephones = model_field(Installation, "telephones")
    ameliorations_obtenues = model_field(Installation, "ameliorations_obtenues")
    ameliorations_necessaires = model_field(Installation, "ameliorations_necessaires")

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
    site = forms.CharField(widget=forms.HiddenInput)
    etat_locaux = model_field(EtatLocaux, "texte", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etat_locaux"].widget.attrs["rows"] = 3


class ConventionForm(RowForm):
    caisse_primaire = choice_field("Caisse primaire", [])
    date_signature = forms.DateField(
        label="Date de signature",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    objet = model_field(Convention, "objet")
    montant_participation = model_field(Convention, "montant_participation", "Participation de la caisse régionale (€)")


class FormationForm(RowForm):
    nature = choice_field("Nature", Formation.Nature.choices)
    intitule = model_field(Formation, "intitule")
    organisme = model_field(Formation, "organisme")
    participants = model_field(Formation, "participants")
    jours = model_field(Formation, "jours")


class ReunionForm(RowForm):
    niveau = choice_field("Échelon", Reunion.Niveau.choices)
    periodicite = model_field(Reunion, "periodicite")
    nombre = model_field(Reunion, "nombre")
    contenu = model_field(Reunion, "contenu")


class ReunionAutreServiceForm(RowForm):
    service = model_field(ReunionAutreService, "service")
    objectifs = model_field(ReunionAutreService, "objectifs")
    nombre = model_field(ReunionAutreService, "nombre")


LIGNES_FIXES = (
    "Ce tableau a une ligne par {quoi}, ni plus ni moins : la page envoyée ne correspond pas à celle affichée, "
    "rien n'a été enregistré. Rechargez la page puis saisissez à nouveau."
)


class FixedRowsFormSet(BaseFormSet):
    """One row per key (a category, a site), in the page's order: the posted management form cannot add,
    drop or swap a row, since a missing row would be deleted by the save."""

    key = ""  # the field of each row that holds its key
    keys = ()  # the expected keys, in order, as strings
    what = "ligne"

    def clean(self):
        management = self.management_form.cleaned_data
        counts = (management.get(TOTAL_FORM_COUNT), management.get(INITIAL_FORM_COUNT))
        posted = [str(form.cleaned_data.get(self.key, "")) for form in self.forms if hasattr(form, "cleaned_data")]
        if counts != (len(self.keys), len(self.keys)) or posted != list(self.keys):
            raise ValidationError(LIGNES_FIXES.format(quoi=self.what), code="lignes_fixes")


def row_formset(form, prefix, data=None, initial=None, choices=None, disabled=False, fixed=None):
    """A formset of rows (add/remove), its forms built with `choices`, all disabled if read-only.

    `fixed=(key field, what)`: one row per item of `initial`, keyed by that field (FixedRowsFormSet).
    """
    initial = initial or []
    if fixed:
        key, what = fixed
        count = len(initial)
        message = LIGNES_FIXES.format(quoi=what)
        factory = formset_factory(
            form,
            formset=FixedRowsFormSet,
            extra=0,
            min_num=count,
            max_num=count,
            absolute_max=count,
        )
        factory.key, factory.keys, factory.what = key, [str(row[key]) for row in initial], what
        errors = dict.fromkeys(("missing_management_form", "too_many_forms", "too_few_forms"), message)
        formset = factory(
            data=data, initial=initial, prefix=prefix, form_kwargs={"choices": choices}, error_messages=errors
        )
    else:
        factory = formset_factory(form, extra=0, can_delete=not disabled)
        formset = factory(data=data, initial=initial, prefix=prefix, form_kwargs={"choices": choices})
    formset.fixed = bool(fixed) or disabled
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
