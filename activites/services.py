"""Writes of Part II. Always called inside caisses.guard.save_section / write_report (the one write path).

Objects are saved one by one (not in bulk) so that django-simple-history records every change.
Rows of a table (students, districts, survey items) come either from an entry page, as [(pk or None, values)]
with the pks of the saved rows the page showed, or from an import, as [values] that replace the rows in order.
"""

from caisses.guard import ConflitDeVersion

from .models import Circonscription, EnqueteSatisfaction, Etudiant, Indicateur, ItemSatisfaction, PartieDeux, Valeur
from .queries import valeurs_objets


def write_valeurs(rapport, changes, units):
    """Apply {(unit key, code): Decimal or None} to the report's figures; `units` maps unit key → Unite."""
    if not changes:
        return
    existing = valeurs_objets(rapport)
    indicateurs = {i.code: i for i in Indicateur.objects.filter(code__in={code for _unit, code in changes})}
    for (unit_key, code), value in changes.items():
        current = existing.get((unit_key, code))
        if value is None:
            if current is not None:
                current.delete()
            continue
        if current is not None:
            if current.valeur != value:
                current.valeur = value
                current.save(update_fields=["valeur"])
            continue
        unite = units[unit_key]
        Valeur.objects.create(
            rapport=rapport,
            indicateur=indicateurs[code],
            caisse_id=unite.pk if unite.kind == "caisse" else None,
            site_id=unite.pk if unite.kind == "site" else None,
            valeur=value,
        )


def replace_valeurs(rapport, wanted, units):
    """Make the report's figures exactly `wanted` ({(unit key, code): Decimal}), changing only what differs."""
    current = {key: v.valeur for key, v in valeurs_objets(rapport).items()}
    changes = {key: value for key, value in wanted.items() if current.get(key) != value}
    changes.update({key: None for key in current if key not in wanted})
    write_valeurs(rapport, changes, units)


def write_partie_deux(rapport, **texts):
    """Update some of the narratives of Part II (only the fields given, only if they changed)."""
    partie, _ = PartieDeux.objects.get_or_create(rapport=rapport)
    changed = [name for name, value in texts.items() if getattr(partie, name) != value]
    for name in changed:
        setattr(partie, name, texts[name])
    if changed:
        partie.save(update_fields=changed)


class LignesModifiees(ConflitDeVersion):
    """The page's saved rows are not the report's rows now: saving it would drop or revive rows."""

    message = (
        "Les lignes de cette section ne sont plus celles de la page que vous avez envoyée "
        "(modifiées depuis son ouverture, ou page incomplète) : rien n'a été enregistré. "
        "Rechargez la page ; vos saisies sont conservées ci-dessous pour que vous puissiez les reporter."
    )

    def __init__(self):
        super().__init__(None)


def _sync_rows(model, queryset, rows, fields, posted_ids, **parent):
    """Make `queryset` hold the page's `rows` ([(pk or None, values)], in order); `posted_ids` its saved rows."""
    existing = {obj.pk: obj for obj in queryset}
    if set(existing) != set(posted_ids):
        raise LignesModifiees()
    kept = {pk for pk, _values in rows if pk is not None}
    for pk, obj in existing.items():
        if pk not in kept:
            obj.delete()
    for position, (pk, row) in enumerate(rows):
        values = {name: row[name] for name in fields}
        if pk is None:
            model.objects.create(**parent, **values, ordre=position)
            continue
        obj = existing[pk]
        if any(getattr(obj, k) != v for k, v in values.items()) or obj.ordre != position:
            for k, v in values.items():
                setattr(obj, k, v)
            obj.ordre = position
            obj.save()


def _write_rows(model, queryset, rows, fields, posted_ids=None, **parent):
    if posted_ids is None:
        _replace_rows(model, queryset, rows, fields, **parent)
    else:
        _sync_rows(model, queryset, rows, fields, posted_ids, **parent)


def _replace_rows(model, queryset, rows, fields, **parent):
    """Make `queryset` hold exactly `rows` (dicts of `fields`, in order), updating rows in place."""
    existing = list(queryset.order_by("ordre", "pk"))
    for position, row in enumerate(rows):
        values = {name: row[name] for name in fields}
        if position < len(existing):
            obj = existing[position]
            if any(getattr(obj, k) != v for k, v in values.items()) or obj.ordre != position:
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.ordre = position
                obj.save()
        else:
            model.objects.create(**parent, **values, ordre=position)
    for obj in existing[len(rows) :]:
        obj.delete()


def write_etudiants(rapport, rows, posted_ids=None):
    fields = ("ecole", "nombre", "duree_semaines")
    _write_rows(Etudiant, rapport.etudiants.all(), rows, fields, posted_ids, rapport=rapport)


def write_circonscriptions(rapport, rows, posted_ids=None):
    fields = ("nom", "territoire", "referent")
    _write_rows(Circonscription, rapport.circonscriptions.all(), rows, fields, posted_ids, rapport=rapport)


def write_enquete(rapport, enquete, items, posted_ids=None):
    """`enquete` a dict of the survey's fields, or None to remove the survey; `items` its rows (see above)."""
    current = EnqueteSatisfaction.objects.filter(rapport_id=rapport.pk).first()
    if enquete is None:
        if current is not None:
            current.delete()
        return
    if current is None:
        current = EnqueteSatisfaction.objects.create(rapport=rapport, **enquete)
    elif any(getattr(current, k) != v for k, v in enquete.items()):
        for k, v in enquete.items():
            setattr(current, k, v)
        current.save()
    fields = ("dimension", "satisfaits_pct", "tres_satisfaits_pct")
    _write_rows(ItemSatisfaction, current.items.all(), items, fields, posted_ids, enquete=current)
