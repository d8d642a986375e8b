"""The interchange format (INTERCHANGE.md): one annual report as one JSON document.

Import runs in two phases:

1. **Validate** the whole document and collect *every* error with its JSON path, in French
   (``partie_1.effectifs[2].reel_31_decembre.etp: doit être ≥ 0``). Nothing is written if there is one.
2. **Write** everything in one transaction: the envelope (caisse régionale, exercice, caisses primaires, sites:
   created or updated), then the parts through ``rapports.editing.write_report`` (which refuses a report that
   is ``transmis`` or ``validé``).

Parts are handlers in a registry, so each app brings its own part without editing this module::

    from rapports.interchange import register_part

    register_part(
        "partie_2",
        validate=validate_partie_2,  # (data, path, ctx, errors) -> cleaned
        write=write_partie_2,        # (cleaned, ctx) -> None, runs inside write_report's transaction
        export=export_partie_2,      # (rapport) -> the JSON value of the part
        sections=("II.1", "II.2", "II.3", "II.4"),  # section versions bumped by an import
    )

Call it from the app's ``AppConfig.ready``. The contract of the three functions:

- ``validate(data, path, ctx, errors)``: ``data`` is the raw JSON value of the part (floats arrive as
  ``Decimal``), ``path`` its JSON path (``"partie_2"``), ``ctx`` an :class:`ImportContext`, ``errors`` an
  :class:`Errors` to ``errors.add(path, message)`` into. It must not write. It returns whatever ``write``
  needs (codes already checked). The helpers below (``expect_object``, ``expect_int``, ``expect_decimal``,
  ``expect_text``, ``expect_choice``, ``expect_date``, ``expect_list``, ``expect_rows``, ``expect_code``, ``all_valid``)
  give the standard French messages; each returns the cleaned value, or ``INVALID`` after recording the error.
- ``write(cleaned, ctx)``: only called when the whole document is valid. ``ctx.rapport`` is the locked report;
  ``ctx.caisse_primaire(code)``, ``ctx.site(code)`` and ``ctx.unit(code)`` give the model objects of unit codes.
  Write idempotently (re-importing the same document must change nothing).
- ``export(rapport)``: the part as it should appear in the document (same shape as the import accepts).

A document holding a part that no app registered gets the error ``partie_2 : non prise en charge pour le
moment`` (unless the part is empty) and nothing is written.
"""

import datetime
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from caisses.models import Caisse, Exercice, Site
from caisses.numbers import format_nombre

from .editing import write_report
from .models import RapportAnnuel

FORMAT = "rapport-activite-service-social"
VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
KNOWN_PARTS = ("partie_1", "partie_2", "partie_3")
ENVELOPE_KEYS = ("format", "version", "caisse", "exercice", "jours_theoriques_travail", "caisses_primaires", "sites")


# --- Registry ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartHandler:
    key: str
    validate: Callable
    write: Callable
    export: Callable
    sections: tuple = ()


PARTS = {}


def register_part(key, *, validate, write, export, sections=()):
    """Register the handler of one part of the document (see the module docstring)."""
    PARTS[key] = PartHandler(key, validate, write, export, tuple(sections))


# --- Errors and context --------------------------------------------------------------------------------------


class Errors(list):
    """[(path, message)] of a document; str() gives one line per error."""

    def add(self, path, message):
        self.append((path, message))

    def lines(self):
        return [f"{path}: {message}" if path else message for path, message in self]

    def __str__(self):
        return "\n".join(self.lines())


@dataclass
class ImportContext:
    """What the part handlers need to know about the document being imported.

    During validation: the region code and year, the region / exercice / report if they exist already,
    and the unit codes a part may reference (the document's ∪ the database's, for this region only).
    During the write: ``rapport`` is the (locked) report and the unit lookups return model objects.
    """

    region_code: str = ""
    annee: int = None
    region: Caisse = None
    exercice: Exercice = None
    rapport: RapportAnnuel = None
    cpam_codes: set = field(default_factory=set)
    site_codes: set = field(default_factory=set)
    _units: dict = field(default_factory=dict)

    @property
    def unit_codes(self):
        return self.cpam_codes | self.site_codes

    def caisse_primaire(self, code):
        return self._units[("cpam", code)]

    def site(self, code):
        return self._units[("site", code)]

    def unit(self, code):
        """The Caisse (primaire) or Site of a unit code."""
        return self._units.get(("cpam", code)) or self._units[("site", code)]

    def load_units(self):
        for caisse in Caisse.objects.primaires().filter(parent=self.region):
            self._units[("cpam", caisse.code)] = caisse
        for site in Site.objects.filter(caisse__in=[self.region, *Caisse.objects.filter(parent=self.region)]):
            self._units[("site", site.code)] = site


# --- Validation helpers: each records its error and returns INVALID, or returns the cleaned value ----------


class _Invalid:
    def __repr__(self):
        return "INVALID"

    def __bool__(self):
        return False


INVALID = _Invalid()


def type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, Decimal, float)):
        return "un nombre"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return type(value).__name__


def expect_object(value, path, errors, required=(), optional=()):
    """A JSON object with exactly these keys (optional ones may be missing). Missing/unknown keys are errors."""
    if not isinstance(value, dict):
        errors.add(path, f"doit être un objet, pas {type_name(value)}")
        return INVALID
    ok = True
    for key in value:
        if key not in required and key not in optional:
            errors.add(join(path, key), "clé inconnue")
            ok = False
    for key in required:
        if key not in value:
            errors.add(join(path, key), "clé manquante")
            ok = False
    return value if ok else INVALID


def expect_list(value, path, errors):
    if not isinstance(value, list):
        errors.add(path, f"doit être une liste, pas {type_name(value)}")
        return INVALID
    return value


def expect_int(value, path, errors, minimum=0, maximum=None, nullable=False):
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        errors.add(path, f"doit être un nombre entier, pas {type_name(value)}")
        return INVALID
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            errors.add(path, "doit être un nombre entier")
            return INVALID
        value = int(value)
    if minimum is not None and value < minimum:
        errors.add(path, f"doit être ≥ {minimum}")
        return INVALID
    if maximum is not None and value > maximum:
        errors.add(path, f"doit être ≤ {maximum}")
        return INVALID
    return value


def expect_decimal(value, path, errors, places=2, minimum=0, maximum=None, nullable=False, as_string=False):
    """A number (or, with as_string, a decimal written as a string like "48500.00") with at most `places` decimals."""
    if value is None and nullable:
        return None
    if as_string:
        if not isinstance(value, str):
            errors.add(path, f'doit être un montant écrit comme un texte (ex. "1200.50"), pas {type_name(value)}')
            return INVALID
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            errors.add(path, f'« {value} » n\'est pas un montant (par exemple "1200.50")')
            return INVALID
    elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        errors.add(path, f"doit être un nombre, pas {type_name(value)}")
        return INVALID
    else:
        number = Decimal(value)
    if not number.is_finite():
        errors.add(path, "doit être un nombre fini")
        return INVALID
    quantum = Decimal(1).scaleb(-places)
    try:
        rounded = number.quantize(quantum)
    except InvalidOperation:
        errors.add(path, "nombre trop grand")
        return INVALID
    if number != rounded:
        errors.add(path, f"au plus {places} décimale{'s' if places > 1 else ''}")
        return INVALID
    if minimum is not None and number < minimum:
        errors.add(path, f"doit être ≥ {minimum}")
        return INVALID
    if maximum is not None and number > maximum:
        errors.add(path, f"doit être ≤ {maximum}")
        return INVALID
    return rounded


def expect_text(value, path, errors, max_length=None, required=False):
    if not isinstance(value, str):
        errors.add(path, f"doit être un texte, pas {type_name(value)}")
        return INVALID
    if required and not value.strip():
        errors.add(path, "ne doit pas être vide")
        return INVALID
    if max_length and len(value) > max_length:
        errors.add(path, f"trop long ({len(value)} caractères ; au plus {max_length})")
        return INVALID
    return value


def expect_choice(value, path, errors, choices, nullable=False):
    """One of `choices` (an iterable of codes, or a Django TextChoices class)."""
    if value is None and nullable:
        return None
    codes = [c.value if hasattr(c, "value") else c for c in choices]
    if not isinstance(value, str) or value not in codes:
        shown = f"« {value} »" if isinstance(value, str) else type_name(value)
        errors.add(path, f"valeur inconnue {shown} (valeurs possibles : {', '.join(codes)})")
        return INVALID
    return value


def expect_date(value, path, errors):
    if not isinstance(value, str):
        errors.add(path, f"doit être une date AAAA-MM-JJ, pas {type_name(value)}")
        return INVALID
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else _bad_date()
    except ValueError:
        errors.add(path, f"date invalide « {value} » (format attendu AAAA-MM-JJ)")
        return INVALID


def _bad_date():
    raise ValueError


def expect_code(value, path, errors, valid, what, scope=" ou hors de la région", list_valid=False):
    """A code among `valid` (e.g. ctx.cpam_codes); `what` names it in the message ("caisse primaire")."""
    if not isinstance(value, str):
        errors.add(path, f"doit être un code ({what}), pas {type_name(value)}")
        return INVALID
    if value not in valid:
        hint = f" (valeurs possibles : {', '.join(sorted(valid))})" if list_valid else ""
        errors.add(path, f"{what} inconnue{scope} : « {value} »{hint}")
        return INVALID
    return value


def expect_rows(value, path, errors, validate_row):
    """A list whose items `validate_row(item, item_path)` checks; INVALID if the list or any row is."""
    items = expect_list(value, path, errors)
    if items is INVALID:
        return INVALID
    rows = [validate_row(item, index(path, i)) for i, item in enumerate(items)]
    return INVALID if any(row is INVALID for row in rows) else rows


def all_valid(values):
    """A dict of cleaned values, or INVALID if one of them is."""
    return values if all(v is not INVALID for v in values.values()) else INVALID


def join(path, key):
    return f"{path}.{key}" if path else key


def index(path, i):
    return f"{path}[{i}]"


def is_empty(value):
    """A part holding only empty texts, empty lists and nulls."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


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


def dumps(doc):
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def json_number(value, places=None):
    """Decimal → int when whole and places is None, else float (the document's numbers)."""
    if value is None:
        return None
    if places is None and value == value.to_integral_value():
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number
