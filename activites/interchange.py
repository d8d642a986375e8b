"""`partie_2` of the interchange document (INTERCHANGE.md), registered in caisses.interchange.

A key missing from a part leaves that data as it is; a key present replaces it (`[]` empties a list,
`null` removes the survey). Every number is checked against its model field's bound and every text against its
field's length (caisses.limits), figures against the catalogue of the exercice and the catalogue's rules
(`activites.rules`, on the whole document: totals included); a rule error is an import error at the path of
the figure it concerns.
"""

from caisses.interchange import (
    INVALID,
    all_valid,
    expect_decimal,
    expect_int,
    expect_list,
    expect_object,
    expect_rows,
    expect_text,
    index,
    join,
    json_number,
    register_part,
)
from caisses.limits import bounds_of
from caisses.models import Caisse

from . import queries, rules, services
from .models import Circonscription, EnqueteSatisfaction, Etudiant, Indicateur, ItemSatisfaction, PartieDeux, Valeur
from .queries import Unite

TEXTS = ("evolution_nature_activites", "etudiants_commentaire", "coordination_commentaire", "autres_activites")
KEYS = ("indicateurs", "etudiants", "circonscriptions", "enquete_satisfaction", *TEXTS)
SECTIONS_II = ("II.1", "II.2", "II.3", "II.4")


def _number(model, field, value, path, errors, nullable=False):
    """A JSON number within the model field's bound (caisses.limits), an int for an integer field."""
    bound = bounds_of(model, field)
    if model._meta.get_field(field).get_internal_type().endswith("IntegerField"):
        return expect_int(value, path, errors, nullable=nullable, bound=bound)
    return expect_decimal(value, path, errors, nullable=nullable, bound=bound)


def _text(model, field, value, path, errors, required=False):
    max_length = model._meta.get_field(field).max_length
    return expect_text(value, path, errors, max_length=max_length, required=required)


def _validate_indicateurs(items, path, ctx, errors):
    items = expect_list(items, path, errors)
    if items is INVALID:
        return INVALID
    catalogue = {i.code: i for i in queries.catalogue(ctx.annee)} if ctx.annee else {}
    known = set(Indicateur.objects.values_list("code", flat=True))
    values, paths, ok = {}, {}, True
    for i, item in enumerate(items):
        p = index(path, i)
        item = expect_object(item, p, errors, required=("code", "unite", "valeur"))
        if item is INVALID:
            ok = False
            continue
        code, unite = item["code"], item["unite"]
        indicateur = catalogue.get(code) if isinstance(code, str) else None
        if indicateur is None:
            ok = False
            if not isinstance(code, str):
                errors.add(join(p, "code"), "doit être un code d'indicateur (texte)")
            elif code in known:
                errors.add(join(p, "code"), f"indicateur « {code} » hors d'usage pour l'exercice {ctx.annee}")
            else:
                errors.add(join(p, "code"), f"indicateur inconnu : « {code} »")
        elif indicateur.is_ratio:
            ok = False
            errors.add(join(p, "code"), f"« {code} » est un ratio calculé : il ne figure pas dans le document")
        if unite is not None and (not isinstance(unite, str) or unite not in ctx.unit_codes):
            ok = False
            shown = f"« {unite} »" if isinstance(unite, str) else "valeur qui n'est pas un code"
            errors.add(join(p, "unite"), f"unité (CPAM ou site) inconnue ou hors de la région : {shown}")
        bound = indicateur.bound if indicateur else bounds_of(Valeur, "valeur")
        valeur = expect_decimal(item["valeur"], join(p, "valeur"), errors, bound=bound)
        if valeur is INVALID or indicateur is None or indicateur.is_ratio or not ok:
            ok = False
            continue
        if code in values.get(unite, {}):
            errors.add(p, f"valeur en double pour « {code} » et l'unité {unite or 'région (ensemble)'}")
            ok = False
            continue
        values.setdefault(unite, {})[code] = valeur
        paths[(unite, code)] = join(p, "valeur")
    if not ok:
        return INVALID
    found = rules.evaluate_rapport_values(values, list(catalogue.values()), queries.rule_specs())
    first_path = {}
    for (_unit, code), p in paths.items():
        first_path.setdefault(code, p)
    for erreur in found:
        if erreur.is_error:
            errors.add(paths.get(erreur.key) or first_path.get(erreur.code, path), erreur.message)
    if any(e.is_error for e in found):
        return INVALID
    return values


def _etudiant(errors):
    def validate(item, p):
        item = expect_object(item, p, errors, required=("ecole", "nombre", "duree_semaines"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "ecole": _text(Etudiant, "ecole", item["ecole"], join(p, "ecole"), errors, required=True),
                "nombre": _number(Etudiant, "nombre", item["nombre"], join(p, "nombre"), errors),
                "duree_semaines": _number(
                    Etudiant, "duree_semaines", item["duree_semaines"], join(p, "duree_semaines"), errors
                ),
            }
        )

    return validate


def _circonscription(errors):
    def validate(item, p):
        item = expect_object(item, p, errors, required=("nom", "territoire", "referent"))
        if item is INVALID:
            return INVALID
        return all_valid(
            {
                "nom": _text(Circonscription, "nom", item["nom"], join(p, "nom"), errors, required=True),
                "territoire": _text(Circonscription, "territoire", item["territoire"], join(p, "territoire"), errors),
                "referent": _text(Circonscription, "referent", item["referent"], join(p, "referent"), errors),
            }
        )

    return validate


def _validate_enquete(value, path, errors):
    if value is None:
        return None
    value = expect_object(
        value, path, errors, required=("periode", "echantillon", "taux_reponse", "organisme", "items")
    )
    if value is INVALID:
        return INVALID

    def item(row, p):
        row = expect_object(row, p, errors, required=("dimension", "satisfaits_pct", "tres_satisfaits_pct"))
        if row is INVALID:
            return INVALID
        return all_valid(
            {
                "dimension": _text(ItemSatisfaction, "dimension", row["dimension"], join(p, "dimension"), errors, True),
                "satisfaits_pct": _number(
                    ItemSatisfaction, "satisfaits_pct", row["satisfaits_pct"], join(p, "satisfaits_pct"), errors
                ),
                "tres_satisfaits_pct": _number(
                    ItemSatisfaction,
                    "tres_satisfaits_pct",
                    row["tres_satisfaits_pct"],
                    join(p, "tres_satisfaits_pct"),
                    errors,
                    nullable=True,
                ),
            }
        )

    enquete = all_valid(
        {
            "periode": _text(EnqueteSatisfaction, "periode", value["periode"], join(path, "periode"), errors, True),
            "echantillon": _number(
                EnqueteSatisfaction, "echantillon", value["echantillon"], join(path, "echantillon"), errors
            ),
            "taux_reponse": _number(
                EnqueteSatisfaction, "taux_reponse", value["taux_reponse"], join(path, "taux_reponse"), errors
            ),
            "organisme": _text(EnqueteSatisfaction, "organisme", value["organisme"], join(path, "organisme"), errors),
        }
    )
    items = expect_rows(value["items"], join(path, "items"), errors, item)
    if enquete is INVALID or items is INVALID:
        return INVALID
    return {"enquete": enquete, "items": items}


def validate_partie_2(data, path, ctx, errors):
    data = expect_object(data, path, errors, optional=KEYS)
    if data is INVALID:
        return INVALID
    cleaned = {}
    if "indicateurs" in data:
        cleaned["indicateurs"] = _validate_indicateurs(data["indicateurs"], join(path, "indicateurs"), ctx, errors)
    for key in TEXTS:
        if key in data:
            cleaned[key] = _text(PartieDeux, key, data[key], join(path, key), errors)
    if "etudiants" in data:
        cleaned["etudiants"] = expect_rows(data["etudiants"], join(path, "etudiants"), errors, _etudiant(errors))
    if "circonscriptions" in data:
        cleaned["circonscriptions"] = expect_rows(
            data["circonscriptions"], join(path, "circonscriptions"), errors, _circonscription(errors)
        )
    if "enquete_satisfaction" in data:
        cleaned["enquete_satisfaction"] = _validate_enquete(
            data["enquete_satisfaction"], join(path, "enquete_satisfaction"), errors
        )
    return all_valid(cleaned)


def _unite(ctx, code):
    if code is None:
        return Unite(None, "region", None, ctx.region.code, "Région (ensemble)")
    unit = ctx.unit(code)
    kind = "caisse" if isinstance(unit, Caisse) else "site"
    return Unite(code, kind, unit.pk, code, unit.nom)


def write_partie_2(cleaned, ctx):
    rapport = ctx.rapport
    if "indicateurs" in cleaned:
        values = cleaned["indicateurs"]
        wanted = {(unit, code): value for unit, figures in values.items() for code, value in figures.items()}
        services.replace_valeurs(rapport, wanted, {unit: _unite(ctx, unit) for unit in values})
    texts = {key: cleaned[key] for key in TEXTS if key in cleaned}
    if texts:
        services.write_partie_deux(rapport, **texts)
    if "etudiants" in cleaned:
        services.write_etudiants(rapport, cleaned["etudiants"])
    if "circonscriptions" in cleaned:
        services.write_circonscriptions(rapport, cleaned["circonscriptions"])
    if "enquete_satisfaction" in cleaned:
        enquete = cleaned["enquete_satisfaction"]
        if enquete is None:
            services.write_enquete(rapport, None, [])
        else:
            services.write_enquete(rapport, enquete["enquete"], enquete["items"])


def _valeur(value, decimales):
    return json_number(value) if decimales == 0 else json_number(value, places=decimales)


def export_partie_2(rapport):
    decimales = dict(Indicateur.objects.values_list("code", "decimales"))
    indicateurs = [
        {"code": code, "unite": unit, "valeur": _valeur(value, decimales.get(code, 0))}
        for unit, figures in queries.valeurs_par_unite(rapport).items()
        for code, value in figures.items()
    ]
    indicateurs.sort(key=lambda item: (item["code"], item["unite"] or ""))
    partie = queries.partie_deux(rapport)
    enquete = queries.enquete(rapport)
    return {
        "indicateurs": indicateurs,
        "evolution_nature_activites": partie.evolution_nature_activites,
        "etudiants": [
            {"ecole": e.ecole, "nombre": e.nombre, "duree_semaines": json_number(e.duree_semaines)}
            for e in queries.etudiants(rapport)
        ],
        "etudiants_commentaire": partie.etudiants_commentaire,
        "circonscriptions": [
            {"nom": c.nom, "territoire": c.territoire, "referent": c.referent}
            for c in queries.circonscriptions(rapport)
        ],
        "coordination_commentaire": partie.coordination_commentaire,
        "autres_activites": partie.autres_activites,
        "enquete_satisfaction": None
        if enquete is None
        else {
            "periode": enquete.periode,
            "echantillon": enquete.echantillon,
            "taux_reponse": json_number(enquete.taux_reponse, places=2),
            "organisme": enquete.organisme,
            "items": [
                {
                    "dimension": item.dimension,
                    "satisfaits_pct": json_number(item.satisfaits_pct, places=2),
                    "tres_satisfaits_pct": json_number(item.tres_satisfaits_pct, places=2),
                }
                for item in enquete.items.all()
            ],
        },
    }


register_part(
    "partie_2", validate=validate_partie_2, write=write_partie_2, export=export_partie_2, sections=SECTIONS_II
)
