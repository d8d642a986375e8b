"""The interchange document (INTERCHANGE.md): parsing, the envelope, import all or nothing, export.

Import runs in two phases:

1. **Validate** the whole document and collect *every* error with its JSON path, in French
   (``partie_1.effectifs[2].reel_31_decembre.etp: doit être ≥ 0``). Nothing is written if there is one.
2. **Write** everything in one transaction: the envelope, then the parts through the write guard
   (``caisses.guard.write_report``, which refuses a report that is ``transmis`` or ``validé``).

The parts are handlers registered by their apps in ``caisses.interchange`` (its docstring gives the contract).
A document holding a part that no app registered gets the error ``partie_2 : non prise en charge pour le
moment`` (unless the part is empty) and nothing is written.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from caisses.guard import write_report
from caisses.interchange import (
    INVALID,
    PARTS,
    Errors,
    ImportContext,
    expect_choice,
    expect_code,
    expect_int,
    expect_list,
    expect_object,
    expect_text,
    index,
    is_empty,
    join,
    type_name,
)
from caisses.models import Caisse, Exercice, RapportAnnuel, Site
from caisses.numbers import format_nombre

FORMAT = "rapport-activite-service-social"
VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
KNOWN_PARTS = ("partie_1", "partie_2", "partie_3")
ENVELOPE_KEYS = ("format", "version", "caisse", "exercice", "jours_theoriques_travail", "caisses_primaires", "sites")


# --- Parsing -------------------------------------------------------------------------------------------------


def _reject_constant(name):
    raise ValueError(f"{name} n'est pas une valeur JSON autorisée")


def megabytes(size):
    return format_nombre(size / 1024 / 1024, 1)


def too_big(size):
    return f"document trop volumineux ({megabytes(size)} Mo ; au plus 10 Mo)"


def parse_document(raw, errors):
    """bytes / str → the JSON value (floats as Decimal), or INVALID with the error recorded."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES:
        errors.add("", too_big(len(raw)))
        return INVALID
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.add("", "le document n'est pas encodé en UTF-8")
        return INVALID
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        errors.add("", f"JSON invalide, ligne {exc.lineno} colonne {exc.colno} : {exc.msg}")
    except ValueError as exc:
        errors.add("", f"JSON invalide : {exc}")
    return INVALID


# --- Envelope ------------------------------------------------------------------------------------------------


SITE_KEYS = (
    "code",
    "nom",
    "type",
    "caisse",
    "adresse",
    "code_postal",
    "ville",
    "telephone",
    "courriel",
    "horaires",
    "etat_locaux",
)
SITE_LENGTHS = {
    "nom": 200,
    "adresse": 250,
    "code_postal": 10,
    "ville": 120,
    "telephone": 30,
    "courriel": 254,
    "horaires": 250,
}


def _validate_code(value, path, errors):
    code = expect_text(value, path, errors, max_length=30, required=True)
    if code and not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        errors.add(path, f"code invalide « {code} » (lettres, chiffres, tirets)")
        return INVALID
    return code


def validate_envelope(doc, errors):
    """Check the envelope and build the ImportContext; returns (context, cleaned envelope)."""
    ctx = ImportContext()
    if doc.get("format") != FORMAT:
        errors.add("format", f"format non reconnu (attendu « {FORMAT} »)")
    version = doc.get("version")
    if isinstance(version, bool) or version != VERSION:
        errors.add("version", f"version non prise en charge (attendu {VERSION})")

    cleaned = {"caisse": INVALID, "caisses_primaires": [], "sites": []}
    caisse = expect_object(doc.get("caisse"), "caisse", errors, required=("code", "nom", "type"))
    if caisse:
        code = _validate_code(caisse["code"], "caisse.code", errors)
        nom = expect_text(caisse["nom"], "caisse.nom", errors, max_length=200, required=True)
        expect_choice(caisse["type"], "caisse.type", errors, ["regionale"])
        if code:
            ctx.region_code = code
            ctx.region = Caisse.objects.filter(code=code).first()
            if ctx.region and ctx.region.type != Caisse.Type.REGIONALE:
                errors.add("caisse.code", f"« {code} » existe déjà et n'est pas une caisse régionale")
                ctx.region = None
        if code and nom:
            cleaned["caisse"] = {"code": code, "nom": nom}

    annee = expect_int(doc.get("exercice"), "exercice", errors, minimum=1945, maximum=2100)
    jours = expect_int(doc.get("jours_theoriques_travail"), "jours_theoriques_travail", errors, minimum=1, maximum=366)
    cleaned["exercice"], cleaned["jours"] = annee, jours
    if annee:
        ctx.annee = annee
        ctx.exercice = Exercice.objects.filter(annee=annee).first()
    if ctx.region and ctx.exercice:
        ctx.rapport = RapportAnnuel.objects.filter(caisse=ctx.region, exercice=ctx.exercice).first()
        if ctx.rapport and not ctx.rapport.is_editable:
            errors.add(
                "",
                f"le rapport {ctx.region_code} {annee} est « {ctx.rapport.get_etat_display().lower()} » : "
                "import refusé (seul un rapport en brouillon ou renvoyé peut être modifié)",
            )

    db_cpams = {}
    if ctx.region:
        db_cpams = {c.code: c for c in Caisse.objects.primaires().filter(parent=ctx.region)}
    ctx.cpam_codes = set(db_cpams)
    cpams = expect_list(doc.get("caisses_primaires"), "caisses_primaires", errors)
    for i, item in enumerate(cpams or []):
        path = index("caisses_primaires", i)
        item = expect_object(item, path, errors, required=("code", "nom"))
        if not item:
            continue
        code = _validate_code(item["code"], join(path, "code"), errors)
        nom = expect_text(item["nom"], join(path, "nom"), errors, max_length=200, required=True)
        if not code:
            continue
        existing = Caisse.objects.filter(code=code).select_related("parent").first()
        if existing and (
            existing.type != Caisse.Type.PRIMAIRE
            or existing.parent_id is None
            or existing.parent.code != ctx.region_code
        ):
            owner = existing.parent.code if existing.parent else "aucune caisse régionale"
            errors.add(
                join(path, "code"),
                f"« {code} » n'est pas une caisse primaire de {ctx.region_code} (rattachée à {owner})",
            )
            continue
        ctx.cpam_codes.add(code)
        if nom:
            cleaned["caisses_primaires"].append({"code": code, "nom": nom})

    if ctx.region:
        ctx.site_codes = set(
            Site.objects.filter(caisse__code__in=[ctx.region_code, *db_cpams]).values_list("code", flat=True)
        )
    sites = expect_list(doc.get("sites"), "sites", errors)
    for i, item in enumerate(sites or []):
        path = index("sites", i)
        item = expect_object(item, path, errors, required=SITE_KEYS)
        if not item:
            continue
        values = {"code": _validate_code(item["code"], join(path, "code"), errors)}
        values["type"] = expect_choice(item["type"], join(path, "type"), errors, Site.Type)
        values["caisse"] = expect_code(
            item["caisse"], join(path, "caisse"), errors, ctx.cpam_codes | {ctx.region_code}, "caisse"
        )
        for key in ("nom", "adresse", "code_postal", "ville", "telephone", "courriel", "horaires", "etat_locaux"):
            values[key] = expect_text(
                item[key], join(path, key), errors, max_length=SITE_LENGTHS.get(key), required=key == "nom"
            )
        if values["courriel"]:
            try:
                validate_email(values["courriel"])
            except ValidationError:
                errors.add(join(path, "courriel"), f"adresse e-mail invalide « {values['courriel']} »")
                values["courriel"] = INVALID
        code = values["code"]
        if code:
            existing = Site.objects.filter(code=code).select_related("caisse").first()
            if existing and existing.code not in ctx.site_codes:
                errors.add(join(path, "code"), f"le site « {code} » appartient à une autre caisse régionale")
                continue
            ctx.site_codes.add(code)
        if all(v is not INVALID for v in values.values()):
            cleaned["sites"].append(values)
    return ctx, cleaned


@transaction.atomic
def write_envelope(cleaned, ctx):
    """Create or update the region, the exercice, its caisses primaires and sites (only what differs)."""
    region = ctx.region
    if region is None:
        region = Caisse.objects.create(
            code=cleaned["caisse"]["code"],
            nom=cleaned["caisse"]["nom"],
            type=Caisse.Type.REGIONALE,
            parent=Caisse.objects.nationales().first(),
        )
    elif region.nom != cleaned["caisse"]["nom"]:
        region.nom = cleaned["caisse"]["nom"]
        region.save(update_fields=["nom"])
    ctx.region = region

    exercice = ctx.exercice
    if exercice is None:
        exercice = Exercice.objects.create(
            annee=cleaned["exercice"],
            date_limite=datetime.date(cleaned["exercice"] + 1, 4, 30),
            jours_theoriques_travail=cleaned["jours"],
        )
    elif exercice.jours_theoriques_travail != cleaned["jours"]:
        exercice.jours_theoriques_travail = cleaned["jours"]
        exercice.save(update_fields=["jours_theoriques_travail"])
    ctx.exercice = exercice

    existing = {c.code: c for c in Caisse.objects.primaires().filter(parent=region)}
    for item in cleaned["caisses_primaires"]:
        caisse = existing.get(item["code"])
        if caisse is None:
            Caisse.objects.create(code=item["code"], nom=item["nom"], type=Caisse.Type.PRIMAIRE, parent=region)
        elif caisse.nom != item["nom"]:
            caisse.nom = item["nom"]
            caisse.save(update_fields=["nom"])

    caisses = {c.code: c for c in Caisse.objects.filter(code__in=[s["caisse"] for s in cleaned["sites"]])}
    existing_sites = {s.code: s for s in Site.objects.filter(code__in=[s["code"] for s in cleaned["sites"]])}
    for item in cleaned["sites"]:
        values = {**item, "caisse": caisses[item["caisse"]]}
        site = existing_sites.get(item["code"])
        if site is None:
            Site.objects.create(**values)
        elif any(getattr(site, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(site, k, v)
            site.save()

    rapport, _ = RapportAnnuel.objects.get_or_create(caisse=region, exercice=exercice)
    ctx.rapport = rapport
    ctx.load_units()


# --- Import and export ---------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: Errors
    rapport: RapportAnnuel = None
    changed: bool = False

    @property
    def ok(self):
        return not self.errors


def validate_document(doc, errors):
    """Validate a parsed document; returns (ctx, cleaned envelope, {part key: cleaned part})."""
    if not isinstance(doc, dict):
        errors.add("", f"le document doit être un objet JSON, pas {type_name(doc)}")
        return None, None, {}
    for key in doc:
        if key not in ENVELOPE_KEYS and key not in KNOWN_PARTS:
            errors.add(key, "clé inconnue")
    for key in ENVELOPE_KEYS:
        if key not in doc:
            errors.add(key, "clé manquante")
    ctx, envelope = validate_envelope(doc, errors)
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


def import_document(raw):
    """Import one document (bytes, str or an already parsed value): all or nothing. Returns an ImportResult."""
    errors = Errors()
    doc = raw if isinstance(raw, (dict, list)) else parse_document(raw, errors)
    if errors:
        return ImportResult(errors)
    ctx, envelope, parts = validate_document(doc, errors)
    if errors:
        return ImportResult(errors)
    if ctx.rapport is not None and _unchanged(doc, ctx.rapport):
        return ImportResult(errors, ctx.rapport, changed=False)

    sections = [code for key in parts for code in PARTS[key].sections]

    def write_parts(locked):
        ctx.rapport = locked
        for key, cleaned in parts.items():
            PARTS[key].write(cleaned, ctx)

    with transaction.atomic():
        write_envelope(envelope, ctx)
        rapport = write_report(ctx.rapport, sections, write_parts)
    return ImportResult(errors, rapport, changed=True)


def _unchanged(doc, rapport):
    """The database already holds exactly this document (so a re-import writes nothing, not even a version)."""
    current = export_document(rapport)
    return all(key in current and canonical(current[key]) == canonical(value) for key, value in doc.items())


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
    """The report as a JSON-ready dict (numbers as int/float, amounts as strings)."""
    region, exercice = rapport.caisse, rapport.exercice
    cpams = list(Caisse.objects.primaires().filter(parent=region).order_by("code"))
    sites = Site.objects.filter(caisse__in=[region, *cpams]).select_related("caisse").order_by("code")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "caisse": {"code": region.code, "nom": region.nom, "type": "regionale"},
        "exercice": exercice.annee,
        "jours_theoriques_travail": exercice.jours_theoriques_travail,
        "caisses_primaires": [{"code": c.code, "nom": c.nom} for c in cpams],
        "sites": [
            {key: (site.caisse.code if key == "caisse" else getattr(site, key)) for key in SITE_KEYS} for site in sites
        ],
    }
    for key in KNOWN_PARTS:
        if key in PARTS:
            doc[key] = PARTS[key].export(rapport)
    return doc
