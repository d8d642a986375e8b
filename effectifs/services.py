"""Writes of Part I. Called inside caisses.guard.save_section / write_report, never on their own."""

from collections import Counter

from .models import EtatLocaux, Installation


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


def save_etats_locaux(rapport, etats):
    """The report's état des locaux per site ({site id: text}, ids already checked); other sites are untouched.

    An empty text removes the site's row, so that the report says "Non renseigné" as for a site never described.
    """
    existing = {row.site_id: row for row in EtatLocaux.objects.filter(rapport_id=rapport.pk, site_id__in=etats)}
    changed = False
    for site_id, texte in etats.items():
        row = existing.get(site_id)
        if row is None and texte:
            EtatLocaux(rapport=rapport, site_id=site_id, texte=texte).save()
        elif row is not None and not texte:
            row.delete()
        elif row is not None and row.texte != texte:
            row.texte = texte
            row.save()
        else:
            continue
        changed = True
    return changed


def save_etats_locaux_by_code(rapport, etats):
    """The interchange import's write: {site code: text} for sites of the report's region.

    Called inside the import's write transaction, after its validation checked the codes and the length
    (`EtatLocaux.texte` max_length). A code outside the region is a programming error: it raises ValueError,
    which rolls the whole import back. Sites absent from `etats` keep their text.
    """
    from caisses.models import Site

    ids = dict(Site.objects.of_region(rapport.caisse).filter(code__in=etats).values_list("code", "pk"))
    unknown = sorted(set(etats) - set(ids))
    if unknown:
        raise ValueError(f"Sites hors de la région {rapport.caisse.code} : {', '.join(unknown)}")
    limit = EtatLocaux._meta.get_field("texte").max_length
    too_long = sorted(code for code, texte in etats.items() if len(texte) > limit)
    if too_long:
        raise ValueError(f"État des locaux de plus de {limit} caractères : {', '.join(too_long)}")
    return save_etats_locaux(rapport, {ids[code]: texte for code, texte in etats.items()})
