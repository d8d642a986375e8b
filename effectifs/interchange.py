"""`partie_1` of the interchange document (INTERCHANGE.md), registered in caisses.interchange.

A key missing from `partie_1` leaves that data as it is; a key present replaces it (`[]` empties a list).
"""

from caisses.interchange import (
    INVALID,
    all_valid,
    expect_choice,
    expect_code,
    expect_date,
    expect_decimal,
    expect_int,
    expect_object,
    expect_rows,
    expect_text,
    index,
    join,
    json_number,
    register_part,
)
from caisses.models import Site

from . import services
from .formulas import AGE_MAX, AGE_MIN
from .models import (
    Absence,
    Affectation,
    Boursier,
    Categorie,
    Convention,
    Effectif,
    Formation,
    Installation,
    Mouvement,
    Reunion,
    ReunionAutreService,
)

LISTS = (
    "effectifs",
    "affectations",
    "mouvements",
    "absences",
    "boursiers",
    "conventions",
    "formations",
    "reunions",
    "reunions_autres_services",
)
KEYS = (*LISTS, "moyens_materiels", "ameliorations_obtenues", "ameliorations_necessaires")
SECTIONS = ("I.1", "I.2", "I.3", "I.4")


def validate_partie_1(data, path, ctx, errors):
    data = expect_object(data, path, errors, optional=KEYS)
    if data is INVALID:
        return INVALID
    categories = set(Categorie.objects.values_list("code", flat=True))

    def categorie(value, p):
        return expect_code(value, p, errors, categories, "catégorie", scope="", list_valid=True)

    def effectif(item, p):
        item = expect_object(
            item, p, errors, required=("categorie", "theorique_1er_janvier", "reel_31_decembre", "age_moyen")
        )
        if item is INVALID:
            return INVALID
        values = {"categorie": categorie(item["categorie"], join(p, "categorie"))}
        for key, prefix in (("theorique_1er_janvier", "theorique"), ("reel_31_decembre", "reel")):
            pair = expect_object(item[key], join(p, key), errors, required=("effectif", "etp"))
            if pair is INVALID:
                values[prefix] = INVALID
                continue
            values[f"{prefix}_effectif"] = expect_int(pair["effectif"], join(join(p, key), "effectif"), errors)
            values[f"{prefix}_etp"] = expect_decimal(pair["etp"], join(join(p, key), "etp"), errors, places=2)
        values["age_moyen"] = expect_decimal(
            item["age_moyen"], join(p, "age_moyen"), errors, places=1, minimum=AGE_MIN, maximum=AGE_MAX, nullable=True
        )
        return all_valid(values)

    def affectation(item, p):
        item = expect_object(item, p, errors, required=("unite", "categorie", "etp"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "unite": expect_code(item["unite"], join(p, "unite"), errors, ctx.unit_codes, "unité (CPAM ou site)"),
                "categorie": categorie(item["categorie"], join(p, "categorie")),
                "etp": expect_decimal(item["etp"], join(p, "etp"), errors, places=2),
            }
        )

    def mouvement(item, p):
        item = expect_object(item, p, errors, required=("categorie", "type", "motif", "nombre"))
        if item is INVALID:
            return INVALID
        values = {
            "categorie": categorie(item["categorie"], join(p, "categorie")),
            "type": expect_choice(item["type"], join(p, "type"), errors, Mouvement.Type),
            "motif": expect_choice(item["motif"], join(p, "motif"), errors, Mouvement.Motif, nullable=True),
            "nombre": expect_int(item["nombre"], join(p, "nombre"), errors),
        }
        if values["type"] == Mouvement.Type.EMBAUCHE and values["motif"]:
            errors.add(join(p, "motif"), "une embauche n'a pas de motif (null attendu)")
            return INVALID
        return all_valid(values)

    def absence(item, p):
        item = expect_object(item, p, errors, required=("motif", "jours"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "motif": expect_choice(item["motif"], join(p, "motif"), errors, Absence.Motif),
                "jours": expect_decimal(item["jours"], join(p, "jours"), errors, places=1),
            }
        )

    def boursier(item, p):
        item = expect_object(item, p, errors, required=("nombre", "ecole", "annee_etudes"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "nombre": expect_int(item["nombre"], join(p, "nombre"), errors),
                "ecole": expect_text(item["ecole"], join(p, "ecole"), errors, max_length=200, required=True),
                "annee_etudes": expect_int(
                    item["annee_etudes"], join(p, "annee_etudes"), errors, minimum=1, maximum=10
                ),
            }
        )

    def convention(item, p):
        item = expect_object(
            item, p, errors, required=("caisse_primaire", "date_signature", "objet", "montant_participation_eur")
        )
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "caisse_primaire": expect_code(
                    item["caisse_primaire"], join(p, "caisse_primaire"), errors, ctx.cpam_codes, "caisse primaire"
                ),
                "date_signature": expect_date(item["date_signature"], join(p, "date_signature"), errors),
                "objet": expect_text(item["objet"], join(p, "objet"), errors, max_length=300, required=True),
                "montant_participation": expect_decimal(
                    item["montant_participation_eur"], join(p, "montant_participation_eur"), errors, as_string=True
                ),
            }
        )

    def formation(item, p):
        item = expect_object(item, p, errors, required=("nature", "intitule", "organisme", "participants", "jours"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "nature": expect_choice(item["nature"], join(p, "nature"), errors, Formation.Nature),
                "intitule": expect_text(item["intitule"], join(p, "intitule"), errors, max_length=250, required=True),
                "organisme": expect_text(item["organisme"], join(p, "organisme"), errors, max_length=200),
                "participants": expect_int(item["participants"], join(p, "participants"), errors),
                "jours": expect_decimal(item["jours"], join(p, "jours"), errors, places=1),
            }
        )

    def reunion(item, p):
        item = expect_object(item, p, errors, required=("niveau", "periodicite", "nombre", "contenu"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "niveau": expect_choice(item["niveau"], join(p, "niveau"), errors, Reunion.Niveau),
                "periodicite": expect_text(
                    item["periodicite"], join(p, "periodicite"), errors, max_length=100, required=True
                ),
                "nombre": expect_int(item["nombre"], join(p, "nombre"), errors),
                "contenu": expect_text(item["contenu"], join(p, "contenu"), errors),
            }
        )

    def reunion_autre(item, p):
        item = expect_object(item, p, errors, required=("service", "objectifs", "nombre"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "service": expect_text(item["service"], join(p, "service"), errors, max_length=200, required=True),
                "objectifs": expect_text(item["objectifs"], join(p, "objectifs"), errors),
                "nombre": expect_int(item["nombre"], join(p, "nombre"), errors),
            }
        )

    validators = {
        "effectifs": effectif,
        "affectations": affectation,
        "mouvements": mouvement,
        "absences": absence,
        "boursiers": boursier,
        "conventions": convention,
        "formations": formation,
        "reunions": reunion,
        "reunions_autres_services": reunion_autre,
    }
    cleaned = {}
    for key, validate_row in validators.items():
        if key in data:
            cleaned[key] = expect_rows(data[key], join(path, key), errors, validate_row)
    if "effectifs" in data and cleaned["effectifs"] is not INVALID:
        seen = set()
        for i, row in enumerate(cleaned["effectifs"]):
            if row["categorie"] in seen:
                errors.add(
                    join(index(join(path, "effectifs"), i), "categorie"), f"catégorie « {row['categorie']} » en double"
                )
            seen.add(row["categorie"])
    if "moyens_materiels" in data:
        p = join(path, "moyens_materiels")
        item = expect_object(
            data["moyens_materiels"], p, errors, required=("texte", "vehicules", "postes_informatiques", "telephones")
        )
        if item is not INVALID:
            cleaned["moyens_materiels"] = all_valid(
                {
                    "moyens_materiels": expect_text(item["texte"], join(p, "texte"), errors),
                    **{
                        key: expect_int(item[key], join(p, key), errors, nullable=True)
                        for key in ("vehicules", "postes_informatiques", "telephones")
                    },
                }
            )
    for key in ("ameliorations_obtenues", "ameliorations_necessaires"):
        if key in data:
            cleaned[key] = expect_text(data[key], join(path, key), errors)
    return cleaned


MODELS = {
    "effectifs": Effectif,
    "affectations": Affectation,
    "mouvements": Mouvement,
    "absences": Absence,
    "boursiers": Boursier,
    "conventions": Convention,
    "formations": Formation,
    "reunions": Reunion,
    "reunions_autres_services": ReunionAutreService,
}


def _with_ids(row, ctx, cat_ids):
    """Codes of the document → foreign-key ids of the database."""
    row = dict(row)
    if "categorie" in row:
        row["categorie_id"] = cat_ids[row.pop("categorie")]
    if "caisse_primaire" in row:
        row["caisse_primaire_id"] = ctx.caisse_primaire(row.pop("caisse_primaire")).pk
    if "unite" in row:
        unit = ctx.unit(row.pop("unite"))
        row["site_id"] = unit.pk if isinstance(unit, Site) else None
        row["caisse_primaire_id"] = None if isinstance(unit, Site) else unit.pk
    if row.get("motif", "") is None:
        row["motif"] = ""
    return row


def write_partie_1(cleaned, ctx):
    rapport = ctx.rapport
    cat_ids = dict(Categorie.objects.values_list("code", "pk"))
    for key, model in MODELS.items():
        if key in cleaned:
            rows = [_with_ids(row, ctx, cat_ids) for row in cleaned[key]]
            services.sync_rows(model.objects.filter(rapport_id=rapport.pk), model, rows, rapport=rapport)
    installation = dict(cleaned.get("moyens_materiels", {}))
    for key in ("ameliorations_obtenues", "ameliorations_necessaires"):
        if key in cleaned:
            installation[key] = cleaned[key]
    if installation:
        services.save_installation(rapport, installation)


def export_partie_1(rapport):
    installation = Installation.objects.filter(rapport_id=rapport.pk).first() or Installation()
    return {
        "effectifs": [
            {
                "categorie": e.categorie.code,
                "theorique_1er_janvier": {"effectif": e.theorique_effectif, "etp": float(e.theorique_etp)},
                "reel_31_decembre": {"effectif": e.reel_effectif, "etp": float(e.reel_etp)},
                "age_moyen": json_number(e.age_moyen, places=1),
            }
            for e in Effectif.objects.filter(rapport_id=rapport.pk).select_related("categorie")
        ],
        "affectations": [
            {"unite": a.unite.code, "categorie": a.categorie.code, "etp": float(a.etp)}
            for a in Affectation.objects.filter(rapport_id=rapport.pk).select_related(
                "categorie", "caisse_primaire", "site"
            )
        ],
        "mouvements": [
            {"categorie": m.categorie.code, "type": m.type, "motif": m.motif or None, "nombre": m.nombre}
            for m in Mouvement.objects.filter(rapport_id=rapport.pk).select_related("categorie")
        ],
        "absences": [
            {"motif": a.motif, "jours": json_number(a.jours)} for a in Absence.objects.filter(rapport_id=rapport.pk)
        ],
        "boursiers": [
            {"nombre": b.nombre, "ecole": b.ecole, "annee_etudes": b.annee_etudes}
            for b in Boursier.objects.filter(rapport_id=rapport.pk)
        ],
        "moyens_materiels": {
            "texte": installation.moyens_materiels,
            "vehicules": installation.vehicules,
            "postes_informatiques": installation.postes_informatiques,
            "telephones": installation.telephones,
        },
        "conventions": [
            {
                "caisse_primaire": c.caisse_primaire.code,
                "date_signature": c.date_signature.isoformat(),
                "objet": c.objet,
                "montant_participation_eur": f"{c.montant_participation:.2f}",
            }
            for c in Convention.objects.filter(rapport_id=rapport.pk).select_related("caisse_primaire")
        ],
        "ameliorations_obtenues": installation.ameliorations_obtenues,
        "ameliorations_necessaires": installation.ameliorations_necessaires,
        "formations": [
            {
                "nature": f.nature,
                "intitule": f.intitule,
                "organisme": f.organisme,
                "participants": f.participants,
                "jours": float(f.jours),
            }
            for f in Formation.objects.filter(rapport_id=rapport.pk)
        ],
        "reunions": [
            {"niveau": r.niveau, "periodicite": r.periodicite, "nombre": r.nombre, "contenu": r.contenu}
            for r in Reunion.objects.filter(rapport_id=rapport.pk)
        ],
        "reunions_autres_services": [
            {"service": r.service, "objectifs": r.objectifs, "nombre": r.nombre}
            for r in ReunionAutreService.objects.filter(rapport_id=rapport.pk)
        ],
    }


register_part("partie_1", validate=validate_partie_1, write=write_partie_1, export=export_partie_1, sections=SECTIONS)
