"""Forms of the II.2–II.4 entry pages (the II.1 grid is in grid.py).

Numeric fields take their bound from the model (caisses.limits) and show only its French message. The row
tables are model formsets of one report's rows: the page must send back the rows it was built from, no more
(`MAX_LIGNES`), none of another report, each once.
"""

from django import forms

from caisses.fields import NombreField
from caisses.limits import TEXTE_LONG, bounds_of

from .models import Circonscription, EnqueteSatisfaction, Etudiant, ItemSatisfaction

TEXTAREA = {"rows": 5, "class": "form-control"}
MAX_LIGNES = 200

LIGNE_ETRANGERE = "Cette ligne n'appartient pas à ce rapport ou n'existe plus : rechargez la page."
LIGNES_FALSIFIEES = (
    "Les lignes envoyées ne correspondent pas à la page (lignes en double ou inattendues) : rien n'a été "
    "enregistré. Rechargez la page."
)


def _text(label, rows=5, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXTE_LONG,
        help_text=help_text,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": rows}),
    )


def bounded(db_field, field):
    """`field` (the form field of model field `db_field`) as a French number field when it is a bounded figure.

    Figures declared with caisses.limits get caisses.fields' NombreField / EntierField from their model field
    (« 2,5 », « 1 234 »), checked by the model's Bound alone: one message for one mistake.
    """
    bound = bounds_of(db_field.model, db_field.name) if field is not None else None
    if bound is not None and not isinstance(field, NombreField):
        raise TypeError(f"{db_field} declares a bound but its form field does not read French numbers")
    return field


def bounded_formfield(db_field, **kwargs):
    """formfield_callback of the model forms and formsets of Part II."""
    return bounded(db_field, db_field.formfield(**kwargs))


class LignesDuRapport(forms.BaseModelFormSet):
    """The rows of one report's table (the formset's queryset)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django offers every row of the model here; only this report's rows may be named.
        pk = form.fields[self._pk_field.name]
        pk.queryset = self.get_queryset()
        pk.error_messages = {**pk.error_messages, "invalid_choice": LIGNE_ETRANGERE}

    def clean(self):
        super().clean()
        if not self.management_form.is_valid():
            return  # Django's own error says so; raising here would replace it
        total, initial = self.management_form.cleaned_data.get("TOTAL_FORMS"), self.initial_form_count()
        if total is not None and (total < 0 or initial < 0 or initial > total):
            raise forms.ValidationError(LIGNES_FALSIFIEES, code="lignes")
        seen = set()
        for index, form in enumerate(self.forms):
            row = getattr(form, "cleaned_data", None) or {}
            obj = row.get(self._pk_field.name)
            if obj is None:
                continue
            if index >= self.initial_form_count() or obj.pk in seen:
                raise forms.ValidationError(LIGNES_FALSIFIEES, code="lignes")
            seen.add(obj.pk)

    def posted_ids(self):
        """The pks of the saved rows the page showed (deleted ones included)."""
        return {form.instance.pk for form in self.initial_forms if form.instance.pk is not None}


def _as_typed(field, value):
    """A saved value as its input shows it (« 2,5 », not "2.50")."""
    return "" if value is None else str(field.prepare_value(value))


def rebased(formset):
    """After a refusal (stale page, rows changed): the posted rows laid over the report's rows now.

    Rows still saved come back as the page sent them (changes, "Supprimer"), rows someone else added as
    saved, and rows typed on the page (new ones, or saved ones deleted meanwhile) as new rows: saving again
    keeps everybody's work.
    """
    if not formset.is_bound or not formset.management_form.is_valid():
        return formset
    prefix, names = formset.prefix, list(formset.form._meta.fields)
    current = list(formset.get_queryset())
    saved = {str(obj.pk) for obj in current}
    posted, typed = {}, []
    for i in range(min(formset.total_form_count(), MAX_LIGNES)):
        raw = {name: str(formset.data.get(f"{prefix}-{i}-{name}", "")) for name in names}
        pk, deleted = str(formset.data.get(f"{prefix}-{i}-id", "")), formset.data.get(f"{prefix}-{i}-DELETE")
        if pk in saved:
            posted[pk] = (raw, deleted)
        elif not deleted and any(value.strip() for value in raw.values()):
            typed.append(raw)
    data = {}
    for i, obj in enumerate(current):
        as_saved = {name: _as_typed(formset.form.base_fields[name], getattr(obj, name)) for name in names}
        raw, deleted = posted.get(str(obj.pk), (as_saved, None))
        data.update({f"{prefix}-{i}-{name}": value for name, value in raw.items()}, **{f"{prefix}-{i}-id": obj.pk})
        if deleted:
            data[f"{prefix}-{i}-DELETE"] = "on"
    for i, raw in enumerate(typed, start=len(current)):
        data.update({f"{prefix}-{i}-{name}": value for name, value in raw.items()})
    total = len(current) + len(typed) + formset.extra
    data.update({f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": len(current)})
    return type(formset)(data, queryset=formset.get_queryset(), prefix=prefix)


def rows_formset(model, fields, labels=None, widgets=None):
    return forms.modelformset_factory(
        model,
        formset=LignesDuRapport,
        formfield_callback=bounded_formfield,
        fields=fields,
        labels=labels,
        widgets=widgets,
        extra=2,
        can_delete=True,
        max_num=MAX_LIGNES,
        absolute_max=MAX_LIGNES,
        validate_max=True,
    )


def ordered_rows(formset):
    """[(pk or None, {field: value})] of the rows to keep, in the order of the page."""
    rows = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        if not form.has_changed() and not form.instance.pk:
            continue
        rows.append((form.instance.pk, {name: form.cleaned_data.get(name) for name in formset.form._meta.fields}))
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
