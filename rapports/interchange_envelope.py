"""The envelope of an interchange document: the region, the exercice, its caisses primaires and sites.

In ``"region"`` mode (an upload through a report's page) the envelope is matched against the database, never
written: an unknown region, exercice, caisse primaire or site is an error (that page imports into an existing
report), a working-days value other than the exercice's is an error naming the right one, and names or addresses
that differ are ignored and listed (``Ignoré : …``). In ``"admin"`` mode (``importer_rapport``) the envelope
creates or updates the reference data. In both, the sites' ``etat_locaux`` is returned apart: it belongs to the
report.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from caisses.contract import state_reason
from caisses.interchange import (
    INVALID,
    ImportContext,
    expect_choice,
    expect_code,
    expect_int,
    expect_list,
    expect_object,
    expect_text,
    index,
    join,
    shown,
)
from caisses.models import Caisse, Exercice, RapportAnnuel, Site
from effectifs.models import EtatLocaux

FORMAT = "rapport-activite-service-social"
VERSION = 1
REGION, ADMIN = "region", "admin"
MODES = (REGION, ADMIN)
ENVELOPE_KEYS = ("format", "version", "caisse", "exercice", "jours_theoriques_travail", "caisses_primaires", "sites")
ANNEE_MIN, ANNEE_MAX = 1945, 2100
JOURS_MIN, JOURS_MAX = 1, 366

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
# The site's reference data, with how a sentence names it.
SITE_FIELDS = {
    "nom": "le nom",
    "type": "le type",
    "caisse": "la caisse de rattachement",
    "adresse": "l'adresse",
    "code_postal": "le code postal",
    "ville": "la ville",
    "telephone": "le téléphone",
    "courriel": "le courriel",
    "horaires": "les horaires",
}
TEXT_KEYS = ("nom", "adresse", "code_postal", "ville", "telephone", "courriel", "horaires")
UPLOAD_CREATES_NOTHING = (
    "l'import depuis la page d'un rapport ne crée ni ne modifie les données de référence ; demandez à un administrateur"
)


def _validate_code(value, path, errors):
    code = expect_text(value, path, errors, max_length=30, required=True)
    if code and not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        errors.add(path, f"code invalide {shown(code)} (lettres, chiffres, tirets)")
        return INVALID
    return code


def _quoted(value):
    return shown(value) if value != "" else "(vide)"


def _ignored(what, in_document, recorded):
    return f"Ignoré : {what} ({_quoted(in_document)} dans le document, {_quoted(recorded)} enregistré)"


def validate_envelope(doc, errors, mode=ADMIN):
    """Check the envelope and build the ImportContext; returns (context, cleaned envelope).

    The cleaned envelope holds ``caisse``, ``exercice``, ``jours``, ``caisses_primaires``, ``sites`` (reference
    data, written in ``"admin"`` mode only), ``etats_locaux`` ({site code: text}) and ``ignored`` (sentences).
    """
    ctx = ImportContext(mode=mode)
    cleaned = {"caisse": INVALID, "caisses_primaires": [], "sites": [], "etats_locaux": {}, "ignored": []}
    if doc.get("format") != FORMAT:
        errors.add("format", f"format non reconnu (attendu « {FORMAT} »)")
    version = doc.get("version")
    if isinstance(version, bool) or version != VERSION:
        errors.add("version", f"version non prise en charge (attendu {VERSION})")
    _validate_region(doc, errors, ctx, cleaned)
    _validate_exercice(doc, errors, ctx, cleaned)
    _validate_cpams(doc, errors, ctx, cleaned)
    _validate_sites(doc, errors, ctx, cleaned)
    return ctx, cleaned


def _validate_region(doc, errors, ctx, cleaned):
    caisse = expect_object(doc.get("caisse"), "caisse", errors, required=("code", "nom", "type"))
    if not caisse:
        return
    code = _validate_code(caisse["code"], "caisse.code", errors)
    nom = expect_text(caisse["nom"], "caisse.nom", errors, max_length=200, required=True)
    expect_choice(caisse["type"], "caisse.type", errors, ["regionale"])
    if code:
        ctx.region_code = code
        ctx.region = Caisse.objects.filter(code=code).first()
        if ctx.region and ctx.region.type != Caisse.Type.REGIONALE:
            errors.add("caisse.code", f"{shown(code)} existe déjà et n'est pas une caisse régionale")
            ctx.region = None
        elif ctx.region is None and ctx.mode == REGION:
            errors.add("caisse.code", f"caisse régionale inconnue {shown(code)} : {UPLOAD_CREATES_NOTHING}")
    if code and nom:
        cleaned["caisse"] = {"code": code, "nom": nom}
        if ctx.mode == REGION and ctx.region and nom != ctx.region.nom:
            cleaned["ignored"].append(_ignored("le nom de la caisse", nom, ctx.region.nom))


def _validate_exercice(doc, errors, ctx, cleaned):
    annee = expect_int(doc.get("exercice"), "exercice", errors, minimum=ANNEE_MIN, maximum=ANNEE_MAX)
    jours = expect_int(
        doc.get("jours_theoriques_travail"), "jours_theoriques_travail", errors, minimum=JOURS_MIN, maximum=JOURS_MAX
    )
    cleaned["exercice"], cleaned["jours"] = annee, jours
    if not annee:
        return
    ctx.annee = annee
    ctx.exercice = Exercice.objects.filter(annee=annee).first()
    if ctx.exercice is None and ctx.mode == REGION:
        errors.add("exercice", f"l'exercice {annee} n'existe pas : {UPLOAD_CREATES_NOTHING}")
    if ctx.mode == REGION and ctx.exercice and jours and jours != ctx.exercice.jours_theoriques_travail:
        errors.add(
            "jours_theoriques_travail",
            f"{jours} ne correspond pas à l'exercice {annee} ({ctx.exercice.jours_theoriques_travail} jours) ; "
            "corrigez le document",
        )
    if ctx.region and ctx.exercice:
        ctx.rapport = RapportAnnuel.objects.filter(caisse=ctx.region, exercice=ctx.exercice).first()
        target = ctx.rapport or RapportAnnuel(caisse=ctx.region, exercice=ctx.exercice)
        if not ctx.exercice.ouvert:
            errors.add("", f"l'exercice {annee} est clos : import refusé (ses rapports ne sont plus modifiables)")
        elif state_reason(target):
            errors.add(
                "",
                f"le rapport {ctx.region_code} {annee} est « {target.get_etat_display().lower()} » : "
                "import refusé (seul un rapport en brouillon ou renvoyé peut être modifié)",
            )


def _validate_cpams(doc, errors, ctx, cleaned):
    db_cpams = {c.code: c for c in Caisse.objects.primaires().of_region(ctx.region)} if ctx.region else {}
    ctx.cpam_codes = set(db_cpams)
    seen = set()
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
        if code in seen or code == ctx.region_code:
            errors.add(join(path, "code"), f"caisse {shown(code)} en double dans le document")
            continue
        seen.add(code)
        existing = db_cpams.get(code) or Caisse.objects.filter(code=code).select_related("parent").first()
        if existing and code not in db_cpams:
            owner = existing.parent.code if existing.parent else "aucune caisse régionale"
            errors.add(
                join(path, "code"),
                f"{shown(code)} n'est pas une caisse primaire de {ctx.region_code} (rattachée à {owner})",
            )
            continue
        if existing is None and ctx.mode == REGION:
            errors.add(
                join(path, "code"),
                f"caisse primaire inconnue de {ctx.region_code} : {shown(code)} ; {UPLOAD_CREATES_NOTHING}",
            )
            continue
        ctx.cpam_codes.add(code)
        if not nom:
            continue
        cleaned["caisses_primaires"].append({"code": code, "nom": nom})
        if ctx.mode == REGION and nom != existing.nom:
            cleaned["ignored"].append(_ignored(f"le nom de la caisse primaire {code}", nom, existing.nom))


def _validate_sites(doc, errors, ctx, cleaned):
    db_sites = {s.code: s for s in Site.objects.of_region(ctx.region).select_related("caisse")} if ctx.region else {}
    ctx.site_codes = set(db_sites)
    locaux_max = EtatLocaux._meta.get_field("texte").max_length
    seen = set()
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
        for key in TEXT_KEYS:
            max_length = Site._meta.get_field(key).max_length
            values[key] = expect_text(item[key], join(path, key), errors, max_length=max_length, required=key == "nom")
        etat = expect_text(item["etat_locaux"], join(path, "etat_locaux"), errors, max_length=locaux_max)
        if values["courriel"]:
            try:
                validate_email(values["courriel"])
            except ValidationError:
                errors.add(join(path, "courriel"), f"adresse e-mail invalide {shown(values['courriel'])}")
                values["courriel"] = INVALID
        code = values["code"]
        if not code:
            continue
        if code in seen:
            errors.add(join(path, "code"), f"site {shown(code)} en double dans le document")
            continue
        seen.add(code)
        existing = db_sites.get(code) or Site.objects.filter(code=code).first()
        if existing and code not in db_sites:
            errors.add(join(path, "code"), f"le site {shown(code)} appartient à une autre caisse régionale")
            continue
        if existing is None and ctx.mode == REGION:
            errors.add(
                join(path, "code"), f"site inconnu de {ctx.region_code} : {shown(code)} ; {UPLOAD_CREATES_NOTHING}"
            )
            continue
        ctx.site_codes.add(code)
        if etat is not INVALID:
            cleaned["etats_locaux"][code] = etat
        if any(v is INVALID for v in values.values()):
            continue
        cleaned["sites"].append(values)
        if ctx.mode == REGION:
            cleaned["ignored"].extend(_site_differences(values, existing))


def _site_differences(values, site):
    recorded = {key: (site.caisse.code if key == "caisse" else getattr(site, key)) for key in SITE_FIELDS}
    return [
        _ignored(f"{label} du site {values['code']}", values[key], recorded[key])
        for key, label in SITE_FIELDS.items()
        if values[key] != recorded[key]
    ]


@transaction.atomic
def write_envelope(cleaned, ctx):
    """Make ``ctx`` ready for the write: region, exercice, units, and the report (unsaved if it has no row yet).

    In ``"admin"`` mode, create or update the region, the exercice, its caisses primaires and sites (only what
    differs). In ``"region"`` mode nothing is written: everything was matched during the validation.
    """
    if ctx.mode == ADMIN:
        _write_reference_data(cleaned, ctx)
    if ctx.rapport is None:
        # The write guard creates the row on the first write.
        ctx.rapport = RapportAnnuel(caisse=ctx.region, exercice=ctx.exercice)
    ctx.load_units()


def _write_reference_data(cleaned, ctx):
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

    existing = {c.code: c for c in Caisse.objects.primaires().of_region(region)}
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
