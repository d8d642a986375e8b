"""The largest report the limits allow, for the benchmark: every narrative at its maximum length, the figures
at the top of their bounds, imported through the interchange document (so the same bounds check it).

Built from the example document of CARSAT-EX 2025, copied as region CARSAT-MAX so that it never disturbs the
other measures.
"""

import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "exemple-rapport-CARSAT-EX-2025.json"
CODE = "CARSAT-MAX"
PARAGRAPHE = (
    "Le service social a poursuivi l'accompagnement des assurés fragilisés par la maladie, en lien étroit avec "
    "les caisses primaires, les services de santé au travail et les partenaires du territoire ; les offres de "
    "service aux assurés en arrêt de travail depuis plus de trois mois ont été systématisées. "
)


def long_text(length, markdown=False):
    """French prose of exactly `length` characters, in paragraphs (Markdown headings for Part III)."""
    parts, size, n = [], 0, 0
    while size < length:
        n += 1
        block = (f"## Partie {n}\n\n" if markdown and n % 5 == 1 else "") + PARAGRAPHE * 3 + "\n\n"
        parts.append(block)
        size += len(block)
    return "".join(parts)[:length]


def largest_document():
    from activites.models import PartieDeux
    from caisses import limits
    from effectifs.models import Installation
    from rapports.models import PartieTrois

    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["caisse"] = {"code": CODE, "nom": "CARSAT Rapport maximal", "type": "regionale"}
    suffix = {cpam["code"]: f"{cpam['code']}-MAX" for cpam in doc["caisses_primaires"]}
    for cpam in doc["caisses_primaires"]:
        cpam["code"] = suffix[cpam["code"]]
    for site in doc["sites"]:
        site["code"] = f"{site['code']}-MAX"
        site["caisse"] = suffix.get(site["caisse"], CODE)
    sites = {old: f"{old}-MAX" for old in [s["code"].removesuffix("-MAX") for s in doc["sites"]]}

    def unit(code):
        return suffix.get(code) or sites.get(code) or code

    p1, p2 = doc["partie_1"], doc["partie_2"]
    for row in p1["affectations"]:
        row["unite"] = unit(row["unite"])
    for row in p1["conventions"]:
        row["caisse_primaire"] = unit(row["caisse_primaire"])
    # Every figure scaled by one factor, as large as the bound allows for the largest region total: the
    # catalogue's rules (sums, numerators under denominators) still hold.
    factor = int(limits.VALEUR_INDICATEUR.maximum) // max(1, int(sum(row["valeur"] for row in p2["indicateurs"])))
    for row in p2["indicateurs"]:
        row["unite"] = unit(row["unite"]) if row["unite"] else None
        row["valeur"] = row["valeur"] * factor
    for row in p1["effectifs"]:
        for moment in ("theorique_1er_janvier", "reel_31_decembre"):
            row[moment] = {"effectif": int(limits.EFFECTIF.maximum), "etp": float(limits.ETP.maximum)}

    def text_max(model, field):
        return model._meta.get_field(field).max_length or limits.TEXTE_LONG

    for key in ("ameliorations_obtenues", "ameliorations_necessaires"):
        p1[key] = long_text(text_max(Installation, key))
    p1["moyens_materiels"]["texte"] = long_text(text_max(Installation, "moyens_materiels"))
    for key in ("evolution_nature_activites", "etudiants_commentaire", "coordination_commentaire", "autres_activites"):
        p2[key] = long_text(text_max(PartieDeux, key))
    doc["partie_3"]["observations"] = long_text(PartieTrois.OBSERVATIONS_MAX, markdown=True)
    return doc


def build_largest():
    """Import the document (administrator's mode); returns the report, or raises with the import's errors."""
    from rapports.interchange import import_document

    result = import_document(json.dumps(largest_document()), mode="admin")
    if not result.ok:
        raise RuntimeError("rapport maximal refusé : " + "; ".join(result.errors.lines()[:5]))
    return result.rapport


def text_size(doc):
    return sum(len(v) for v in _strings(doc))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
