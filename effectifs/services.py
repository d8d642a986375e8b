"""Writes of Part I. Called inside caisses.guard.save_section / write_report, never on their own."""

from collections import Counter

from .models import Installation


def _key(values, fields):
    return tuple(values[f] for f in fields)


def sync_rows(queryset, model, rows, **base):
    """Make `queryset` hold exactly `rows` (dicts of field attname → value), touching only what differs.

    Rows equal to an existing one are kept as they are, so saving or importing the same data twice
    writes nothing and leaves the history clean. Deletions go first: some tables are unique per key.
    Returns True when something changed.
    """
    fields = sorted({field for row in rows for field in row}) or None
    existing = list(queryset)
    if fields is None:
        for instance in existing:
            instance.delete()
        return bool(existing)
    wanted = Counter(_key(row, fields) for row in rows)
    to_delete = []
    for instance in existing:
        key = tuple(getattr(instance, f) for f in fields)
        if wanted[key] > 0:
            wanted[key] -= 1
        else:
            to_delete.append(instance)
    for instance in to_delete:
        instance.delete()
    created = 0
    for row in rows:
        key = _key(row, fields)
        if wanted[key] > 0:
            wanted[key] -= 1
            model(**base, **row).save()
            created += 1
    return bool(to_delete or created)


def save_installation(rapport, values):
    """Create or update the report's I.2 record; no write when nothing changed."""
    installation = Installation.objects.filter(rapport_id=rapport.pk).first() or Installation(rapport=rapport)
    changed = installation.pk is None and not Installation(**values).is_empty()
    for field, value in values.items():
        if getattr(installation, field) != value:
            setattr(installation, field, value)
            changed = True
    if changed:
        installation.save()
    return changed


def save_etat_locaux(etats, allowed_site_ids):
    """The état des locaux of the sites the user may describe ({site id: text}); other ids are ignored."""
    from caisses.models import Site

    for site in Site.objects.filter(pk__in=set(etats) & set(allowed_site_ids)):
        if site.etat_locaux != etats[site.pk]:
            site.etat_locaux = etats[site.pk]
            site.save(update_fields=["etat_locaux"])
