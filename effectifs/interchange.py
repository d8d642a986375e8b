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
from caisses.limits import bounds_of
from caisses.models import Site

from . import services
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


def _length(model, name):
    return model._meta.get_field(name).max_length


def validate_partie_1(data, path, ctx, errors):
    data = expect_object(data, path, errors, optional=KEYS)
    if data is INVALID:
        return INVALID

    def number(value, p, model, name, nullable=False, as_string=False):
        """A figure of `model.name`, refused outside the bound its model field declares (caisses.limits)."""
        bound = bounds_of(model, name)
        if bound.places == 0:
            return expect_int(value, p, errors, nullable=nullable, bound=bound)
        return expect_decimal(value, p, errors, nullable=nullable, as_string=as_string, bound=bound)

    def text(value, p, model, name, required=False):
        return expect_text(value, p, errors, max_length=_length(model, name), required=required)

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
            pair_path = join(p, key)
            values[f"{prefix}_effectif"] = number(
                pair["effectif"], join(pair_path, "effectif"), Effectif, f"{prefix}_effectif"
            )
            values[f"{prefix}_etp"] = number(pair["etp"], join(pair_path, "etp"), Effectif, f"{prefix}_etp")
        values["age_moyen"] = number(item["age_moyen"], join(p, "age_moyen"), Effectif, "age_moyen", nullable=True)
        return all_valid(values)

    def affectation(item, p):
        item = expect_object(item, p, errors, required=("unite", "categorie", "etp"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "unite": expect_code(item["unite"], join(p, "unite"), errors, ctx.unit_codes, "unité (CPAM ou site)"),
                "categorie": categorie(item["categorie"], join(p, "categorie")),
                "etp": number(item["etp"], join(p, "etp"), Affectation, "etp"),
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
            "nombre": number(item["nombre"], join(p, "nombre"), Mouvement, "nombre"),
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
                "jours": number(item["jours"], join(p, "jours"), Absence, "jours"),
            }
        )

    def boursier(item, p):
        item = expect_object(item, p, errors, required=("nombre", "ecole", "annee_etudes"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "nombre": number(item["nombre"], join(p, "nombre"), Boursier, "nombre"),
                "ecole": text(item["ecole"], join(p, "ecole"), Boursier, "ecole", required=True),
                "annee_etudes": number(item["annee_etudes"], join(p, "annee_etudes"), Boursier, "annee_etudes"),
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
                "objet": text(item["objet"], join(p, "objet"), Convention, "objet", required=True),
                "montant_participation": number(
                    item["montant_participation_eur"],
                    join(p, "montant_participation_eur"),
                    Convention,
                    "montant_participation",
                    as_string=True,
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
                "intitule": text(item["intitule"], join(p, "intitule"), Formation, "intitule", required=True),
                "organisme": text(item["organisme"], join(p, "organisme"), Formation, "organisme"),
                "participants": number(item["participants"], join(p, "participants"), Formation, "participants"),
                "jours": number(item["jours"], join(p, "jours"), Formation, "jours"),
            }
        )

    def reunion(item, p):
        item = expect_object(item, p, errors, required=("niveau", "periodicite", "nombre", "contenu"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "niveau": expect_choice(item["niveau"], join(p, "niveau"), errors, Reunion.Niveau),
                "periodicite": text(item["periodicite"], join(p, "periodicite"), Reunion, "periodicite", required=True),
                "nombre": number(item["nombre"], join(p, "nombre"), Reunion, "nombre"),
                "contenu": text(item["contenu"], join(p, "contenu"), Reunion, "contenu"),
            }
        )

    def reunion_autre(item, p):
        item = expect_object(item, p, errors, required=("service", "objectifs", "nombre"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "service": text(item["service"], join(p, "service"), ReunionAutreService, "service", required=True),
                "objectifs": text(item["objectifs"], join(p, "objectifs"), ReunionAutreService, "objectifs"),
                "nombre": number(item["nombre"], join(p, "nombre"), ReunionAutreService, "nombre"),
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
                    "moyens_materiels": text(item["texte"], join(p, "texte"), Installation, "moyens_materiels"),
                    **{
                        key: number(item[key], join(p, key), Installation, key, nullable=True)
                        for key in ("vehicules", "postes_informatiques", "telephones")
                    },
                }
            )
    for key in ("ameliorations_obtenues", "ameliorations_necessaires"):
        if key in data:
            cleaned[key] = text(data[key], join(path, key), Installation, key)
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
