"""Who changed what and when in one section of a report, read from django-simple-history.

The models of each section come from `caisses.plan.SECTION_HISTORY`, filled by the apps.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from caisses.numbers import format_date, format_date_heure, format_nombre
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


def section_slug(code):
    return code.replace(".", "-")


def section_code(slug):
    return slug.replace("-", ".")


def _entries(code):
    for entry in SECTION_HISTORY.get(code, ()):
        yield entry if isinstance(entry, tuple) else (entry, "rapport_id")


def display_value(model_field, value):
    """A value as the entry pages show it: choices by label, numbers in French, empty as a dash."""
    if value is None or value == "":
        return VIDE
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Decimal):
        return format_nombre(value, max(-value.as_tuple().exponent, 0))
    if isinstance(value, int):
        return format_nombre(value)
    if isinstance(value, datetime.datetime):
        return format_date_heure(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value)


def _tracked(model):
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key and f.name != "rapport"]


def _author(record):
    user = record.history_user
    if user is None:
        return "système (import ou commande)"
    return user.get_full_name() or user.username


def _label(model, record, rapport):
    """str() of the object as it was, without a query per row: related objects come from select_related."""
    instance = record.instance
    for fk in model._meta.concrete_fields:
        if fk.many_to_one:
            related = rapport if fk.name == "rapport" else getattr(record, fk.name, None)
            if related is not None:
                fk.set_cached_value(instance, related)
    try:
        return str(instance)
    except Exception:
        # A related object deleted since: fall back to a neutral label rather than break the page.
        return f"{model._meta.verbose_name} n° {record.id}"


def _creation(model, record):
    changes = []
    for f in _tracked(model):
        value = getattr(record, f.name, None) if f.many_to_one else getattr(record, f.attname)
        if value not in (None, ""):
            changes.append(Changement(str(f.verbose_name), VIDE, display_value(f, value)))
    return changes


def _modification(model, record, previous):
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    changes = []
    for change in delta.changes:
        f = model._meta.get_field(change.field)
        if f.name == "rapport" or f.primary_key or not f.editable:
            continue
        changes.append(Changement(str(f.verbose_name), display_value(f, change.old), display_value(f, change.new)))
    return changes


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
                modele=str(model._meta.verbose_name).capitalize(),
                objet=label,
                changements=changes,
            )
            events.append(event)
            if record.history_type == "-":
                deleted[label] = (record, event)
    events.sort(key=lambda e: e.date, reverse=True)
    return events[:limit]
