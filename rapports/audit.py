"""Who changed what and when in one section of a report, read from django-simple-history.

The models of each section come from `caisses.plan.SECTION_HISTORY`, filled by the apps.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from activites.models import ItemSatisfaction, Valeur
from caisses.numbers import format_date, format_date_heure, format_nombre, format_saisi
from caisses.plan import SECTION_HISTORY

HISTORY_TYPES = {"+": "Création", "~": "Modification", "-": "Suppression"}
VIDE = "—"
SAME_SAVE = datetime.timedelta(seconds=5)


@dataclass
class Changement:
    champ: str
    avant: str
    apres: str


@dataclass
class Evenement:
    date: datetime.datetime
    auteur: str
    type: str
    type_label: str
    modele: str
    objet: str
    changements: list = field(default_factory=list)
    motif: str = ""  # why, when the write said it (« Reprise de l'exercice 2024 »)


def section_slug(code):
    return code.replace(".", "-")


def section_code(slug):
    return slug.replace("-", ".")


def _entries(code):
    for entry in SECTION_HISTORY.get(code, ()):
        yield entry if isinstance(entry, tuple) else (entry, "rapport_id")


def related_text(obj):
    """A related object by its name as the pages show it (libellé or nom), without the codes of its str()."""
    for attribute in ("libelle", "nom"):
        text = getattr(obj, attribute, None)
        if text:
            return str(text)
    return str(obj)


def display_value(model_field, value, places=None):
    """A value as the entry pages show it: choices by label, numbers in French, empty as a dash."""
    if value is None or value == "":
        return VIDE
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if model_field.many_to_one and not isinstance(value, int | str):
        return related_text(value)
    if isinstance(value, Decimal):
        # As typed (350, 12,5, 31,47; never 350,00), within the field's places or the indicator's decimals.
        return format_saisi(value, places if places is not None else getattr(model_field, "decimal_places", None))
    if isinstance(value, int):
        return format_nombre(value)
    if isinstance(value, datetime.datetime):
        return format_date_heure(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value)


# Fields already named by the row or the page: a II.1 figure is « indicator — unit » (only its value changes),
# a survey result belongs to the one survey of the report.
IDENTITY = {Valeur: {"indicateur", "caisse", "site"}, ItemSatisfaction: {"enquete"}}


def _tracked(model):
    identity = IDENTITY.get(model, set())
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != "rapport" and f.name not in identity
    ]


def _valeur_label(record):
    indicateur = record.indicateur
    unit = record.caisse or record.site
    where = related_text(unit) if unit is not None else "ensemble de la région"
    return f"{indicateur.libelle} — {where}" if indicateur is not None else where


def _field_label(model, model_field, record):
    if model is Valeur and model_field.name == "valeur" and record.indicateur is not None:
        return f"valeur ({record.indicateur.unite_mesure})"
    return str(model_field.verbose_name)


def _places(model, model_field, record):
    """The decimals a figure may hold: an II.1 figure has its indicator's, any other its column's."""
    if model is Valeur and model_field.name == "valeur" and record.indicateur is not None:
        return record.indicateur.decimales
    return None


def _author(record):
    user = record.history_user
    if user is None:
        return "système (import ou commande)"
    return user.get_full_name() or user.username


def _label(model, record, rapport):
    """str() of the object as it was, without a query per row: related objects come from select_related."""
    if model is Valeur:
        return _valeur_label(record)
    instance = record.instance
    for fk in model._meta.concrete_fields:
        if fk.many_to_one:
            related = rapport if fk.name == "rapport" else getattr(record, fk.name, None)
            if related is not None:
                fk.set_cached_value(instance, related)
    try:
        # The page names the report already: « Effectif Assistants sociaux — Rapport CARSAT-PL 2026 » is shortened.
        return str(instance).removesuffix(f" — {rapport}")
    except Exception:
        # A related object deleted since: fall back to a neutral label rather than break the page.
        return f"{model._meta.verbose_name} n° {record.id}"


def _creation(model, record):
    changes = []
    for f in _tracked(model):
        value = getattr(record, f.name, None) if f.many_to_one else getattr(record, f.attname)
        if value not in (None, ""):
            label, places = _field_label(model, f, record), _places(model, f, record)
            changes.append(Changement(label, VIDE, display_value(f, value, places)))
    return changes


def _modification(model, record, previous):
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    tracked = {f.name for f in _tracked(model)}
    changes = []
    for change in delta.changes:
        f = model._meta.get_field(change.field)
        if f.name not in tracked:
            continue
        label, places = _field_label(model, f, record), _places(model, f, record)
        changes.append(Changement(label, display_value(f, change.old, places), display_value(f, change.new, places)))
    return changes


def _capitalized(text):
    """« Partie III (textes) », not str.capitalize()'s « Partie iii (textes) »."""
    return text[:1].upper() + text[1:]


def _same_save(old, new):
    return old.history_user_id == new.history_user_id and abs(new.history_date - old.history_date) < SAME_SAVE


def section_history(rapport, code, limit=500):
    """The events of one section, newest first (at most `limit`)."""
    events = []
    for model, lookup in _entries(code):
        history_model = model.history.model
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one and f.name != "rapport"]
        # The newest `limit` records; the oldest of them may lack its predecessor and then shows its values.
        records = list(
            history_model.objects.filter(**{lookup: rapport.pk})
            .select_related("history_user", *related)
            .order_by("-history_date", "-history_id")[:limit]
        )[::-1]
        last_by_object = {}
        deleted = {}  # label → (record, event) of rows deleted by a save that may re-create them
        for record in records:
            previous = last_by_object.get(record.id)
            last_by_object[record.id] = record
            label = _label(model, record, rapport)
            replaced = deleted.pop(label, None) if record.history_type == "+" else None
            if replaced and _same_save(replaced[0], record):
                # Entry pages that rewrite a section's rows delete and re-create them: show one modification.
                old_record, event = replaced
                event.changements = _modification(model, record, old_record)
                event.type, event.type_label, event.date = "~", HISTORY_TYPES["~"], record.history_date
                if not event.changements:
                    events.remove(event)
                continue
            if record.history_type == "+" or previous is None:
                changes = _creation(model, record) if record.history_type != "-" else []
            elif record.history_type == "~":
                changes = _modification(model, record, previous)
            else:
                changes = []
            if record.history_type == "~" and not changes:
                continue  # a save that changed nothing says nothing to the reader
            event = Evenement(
                date=record.history_date,
                auteur=_author(record),
                type=record.history_type,
                type_label=HISTORY_TYPES.get(record.history_type, record.history_type),
                modele=_capitalized(str(model._meta.verbose_name)),
                objet=label,
                changements=changes,
                motif=record.history_change_reason or "",
            )
            events.append(event)
            if record.history_type == "-":
                deleted[label] = (record, event)
    events.sort(key=lambda e: e.date, reverse=True)
    return events[:limit]
