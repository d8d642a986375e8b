"""Forms of the II.2–II.4 entry pages (the II.1 grid is in grid.py).

Numeric fields take their bound from the model (caisses.limits) and show only its French message.
"""

from decimal import Decimal

from django import forms
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator

from caisses.limits import TEXTE_LONG, bounds_of

from .models import Circonscription, EnqueteSatisfaction, Etudiant, ItemSatisfaction

TEXTAREA = {"rows": 5, "class": "form-control"}


def _text(label, rows=5, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXTE_LONG,
        help_text=help_text,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": rows}),
    )


def bounded(db_field, field):
    """`field` (the form field of model field `db_field`) checked by the model's Bound alone.

    Django would add its own minimum, maximum and digits checks: three messages for one mistake.
    """
    bound = bounds_of(db_field.model, db_field.name) if field is not None else None
    if bound is None:
        return field
    redundant = (MinValueValidator, MaxValueValidator, DecimalValidator)
    field.validators = [v for v in field.validators if not isinstance(v, redundant)] + bound.validators()
    step = str(Decimal(1).scaleb(-bound.places))
    field.widget.attrs.update({"min": str(bound.minimum), "max": str(bound.maximum), "step": step})
    return field


def bounded_formfield(db_field, **kwargs):
    """formfield_callback of the model forms and formsets of Part II."""
    return bounded(db_field, db_field.formfield(**kwargs))


def rows_formset(model, fields, labels=None, widgets=None):
    return forms.modelformset_factory(
        model,
        formfield_callback=bounded_formfield,
        fields=fields,
        labels=labels,
        widgets=widgets,
        extra=2,
        can_delete=True,
    )


def ordered_rows(formset):
    """The rows to keep, in the order of the page (unchanged rows keep their place)."""
    rows = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        if not form.has_changed() and not form.instance.pk:
            continue
        rows.append({name: form.cleaned_data.get(name) for name in formset.form._meta.fields})
    return rows


EtudiantFormSet = rows_formset(Etudiant, ["ecole", "nombre", "duree_semaines"])
CirconscriptionFormSet = rows_formset(Circonscription, ["nom", "territoire", "referent"])
ItemFormSet = rows_formset(ItemSatisfaction, ["dimension", "satisfaits_pct", "tres_satisfaits_pct"])


class EtudiantsTexteForm(forms.Form):
    etudiants_commentaire = _text("Commentaire sur l'accueil des étudiants")


class CoordinationTexteForm(forms.Form):
    coordination_commentaire = _text(
        "Partenaires et évolution constatée au cours de l'année",
        rows=6,
        help_text="Conventions, partenaires de la coordination, évolution des circonscriptions.",
    )


class AutresActivitesForm(forms.Form):
    autres_activites = _text("Autres activités du service", rows=8)
    avec_enquete = forms.BooleanField(label="Une enquête de satisfaction a été réalisée cette année", required=False)


class EnqueteForm(forms.ModelForm):
    class Meta:
        model = EnqueteSatisfaction
        fields = ["periode", "echantillon", "taux_reponse", "organisme"]
        formfield_callback = bounded_formfield
        help_texts = {"periode": "Par exemple : du 4 au 29 novembre 2025."}


class EvolutionForm(forms.Form):
    evolution_nature_activites = _text(
        "Évolution dans la nature même des activités",
        rows=5,
        help_text="Indiquer s'il y a eu une évolution dans la nature même des activités (circulaire 16/73, II.1).",
    )
