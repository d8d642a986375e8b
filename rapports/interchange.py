"""The interchange document (INTERCHANGE.md): import all or nothing, export.

Import runs in two phases:

1. **Validate** the whole document and collect *every* error with its JSON path, in French
   (``partie_1.effectifs[2].reel_31_decembre.etp: doit être ≥ 0``). Nothing is written if there is one.
2. **Write** everything in one transaction: the envelope, then the parts through the write guard
   (``caisses.guard.write_report``, which refuses a report that is ``transmis`` or ``validé``, and creates the
   report on its first write).

Who imports matters (``mode``): ``"region"`` is an upload through a report's page, which writes that report only
(the envelope's reference data is matched, what differs is ignored and said so, a working-days value other than
the exercice's is an error); ``"admin"`` is the ``importer_rapport`` command, the administrator's migration tool,
which may create and update the region, the exercice, the caisses primaires and the sites. In both modes the
sites' ``etat_locaux`` is a fact of the report (``effectifs``' EtatLocaux), never of the site.

Reading the bytes is ``rapports.interchange_json``; the envelope is ``rapports.interchange_envelope``; the parts
are handlers registered by their apps in ``caisses.interchange`` (its docstring gives the contract). A document
holding a part that no app registered gets the error ``partie_2 : non prise en charge pour le moment`` (unless
the part is empty) and nothing is written. The optional key ``explications_variations`` (issue 12) is handled
like a part, by ``rapports.interchange_variations``, registered below.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from caisses.guard import RapportNonModifiable, write_report
from caisses.interchange import PARTS, Errors, is_empty, join, type_name
from caisses.models import Caisse, RapportAnnuel, Site
from effectifs import queries as effectifs_queries
from effectifs import services as effectifs_services

from . import interchange_variations
from .interchange_envelope import (
    ADMIN,
    ENVELOPE_KEYS,
    FORMAT,
    MODES,
    REGION,
    SITE_KEYS,
    VERSION,
    validate_envelope,
    write_envelope,
)
from .interchange_json import MAX_BYTES, check_values, megabytes, parse_document, too_big

__all__ = [
    "ADMIN",
    "FORMAT",
    "MAX_BYTES",
    "REGION",
    "VERSION",
    "Errors",
    "ImportResult",
    "canonical",
    "export_document",
    "import_document",
    "megabytes",
    "parse_document",
    "too_big",
    "validate_document",
]

# The parts, then the optional keys a later version added (a document without them still imports).
KNOWN_PARTS = ("partie_1", "partie_2", "partie_3", interchange_variations.KEY)
interchange_variations.register()
LOCAUX_SECTION = "I.2"


@dataclass
class ImportResult:
    errors: Errors
    rapport: RapportAnnuel = None
    changed: bool = False
    # French sentences, "Ignoré : …": what the document says of reference data that a region's upload does not write.
    ignored: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def validate_document(doc, errors, mode=ADMIN):
    """Validate a parsed document; returns (ctx, cleaned envelope, {part key: cleaned part})."""
    if not isinstance(doc, dict):
        errors.add("", f"le document doit être un objet JSON, pas {type_name(doc)}")
        return None, None, {}
    for key in doc:
        if key not in ENVELOPE_KEYS and key not in KNOWN_PARTS:
            errors.add(join("", key), "clé inconnue")
    for key in ENVELOPE_KEYS:
        if key not in doc:
            errors.add(key, "clé manquante")
    ctx, envelope = validate_envelope(doc, errors, mode)
    parts = {}
    for key in KNOWN_PARTS:
        if key not in doc:
            continue
        handler = PARTS.get(key)
        if handler is None:
            if not is_empty(doc[key]):
                errors.add("", f"{key} : non prise en charge pour le moment")
            continue
        parts[key] = handler.validate(doc[key], key, ctx, errors)
    return ctx, envelope, parts


def import_document(raw, *, mode=ADMIN):
    """Import one document (bytes, str or an already parsed value): all or nothing. Returns an ImportResult.

    ``mode`` is ``"region"`` for an upload through a report's page, ``"admin"`` for the administrator's command.
    """
    if mode not in MODES:
        raise ValueError(f"mode d'import inconnu : {mode!r}")
    errors = Errors()
    if isinstance(raw, (dict, list)):
        doc = raw
        check_values(doc, errors)
    else:
        doc = parse_document(raw, errors)
    if errors:
        return ImportResult(errors)
    ctx, envelope, parts = validate_document(doc, errors, mode)
    if errors:
        return ImportResult(errors)
    ignored = envelope["ignored"]
    etats = envelope["etats_locaux"]
    if ctx.rapport is not None:
        current = effectifs_queries.etats_locaux_by_code(ctx.rapport)
        etats = {code: texte for code, texte in etats.items() if current.get(code, "") != texte}
        if not etats and _unchanged(doc, ctx.rapport, mode):
            return ImportResult(errors, ctx.rapport, changed=False, ignored=ignored)

    sections = list(dict.fromkeys(code for key in parts for code in PARTS[key].sections))
    if etats and LOCAUX_SECTION not in sections:
        sections.append(LOCAUX_SECTION)

    def write_parts(locked):
        ctx.rapport = locked
        if etats:
            effectifs_services.save_etats_locaux_by_code(locked, etats)
        for key, cleaned in parts.items():
            PARTS[key].write(cleaned, ctx)

    try:
        with transaction.atomic():
            write_envelope(envelope, ctx)
            rapport = write_report(ctx.rapport, sections, write_parts)
    except RapportNonModifiable as refused:
        # The report was sent (or its exercice closed) between the validation and the write.
        errors.add("", f"{refused.args[0] if refused.args else refused} Import refusé.")
        return ImportResult(errors)
    return ImportResult(errors, rapport, changed=True, ignored=ignored)


def _unchanged(doc, rapport, mode):
    """The database already holds what this import would write (so it writes nothing, not even a version).

    A region's upload writes only the parts (the sites' état des locaux is compared by the caller); the
    administrator's import writes the envelope too.
    """
    current = export_document(rapport)
    keys = [key for key in doc if mode == ADMIN or key in KNOWN_PARTS]
    return all(key in current and canonical(current[key]) == canonical(doc[key]) for key in keys)


def canonical(value):
    """A comparable form: numbers as floats, lists in a stable order (their order carries no meaning)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return value


def export_document(rapport):
    """The report as a JSON-ready dict (numbers as int/float, amounts as strings); `rapport` may be unsaved."""
    region, exercice = rapport.caisse, rapport.exercice
    cpams = list(Caisse.objects.primaires().of_region(region).order_by("code"))
    sites = Site.objects.of_region(region).select_related("caisse").order_by("code")
    etats = effectifs_queries.etats_locaux_by_code(rapport) if rapport.pk is not None else {}

    def site_value(site, key):
        if key == "caisse":
            return site.caisse.code
        if key == "etat_locaux":
            return etats.get(site.code, "")
        return getattr(site, key)

    doc = {
        "format": FORMAT,
        "version": VERSION,
        "caisse": {"code": region.code, "nom": region.nom, "type": "regionale"},
        "exercice": exercice.annee,
        "jours_theoriques_travail": exercice.jours_theoriques_travail,
        "caisses_primaires": [{"code": c.code, "nom": c.nom} for c in cpams],
        "sites": [{key: site_value(site, key) for key in SITE_KEYS} for site in sites],
    }
    for key in KNOWN_PARTS:
        if key in PARTS:
            doc[key] = PARTS[key].export(rapport)
    return doc
