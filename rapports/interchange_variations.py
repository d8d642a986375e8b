"""The interchange document's optional key ``explications_variations`` (issue 12; docs/INTERCHANGE-variations.md).

``"explications_variations": [{"cle": "indicateur:personnes_aidees_individuel", "texte": "…"}, …]`` carries the
region's explanations of the figures that moved past their threshold from N−1 (rapports.variations). An export
always holds the key (``[]`` when there is nothing); a document without it still imports and leaves the report's
explanations as they are; a document with it replaces them (a key it does not list is deleted, an empty text is
no explanation). Registered with the parts in caisses.interchange by rapports.interchange.
"""

from caisses.interchange import INVALID, expect_object, expect_rows, expect_text, join, register_part, shown

from . import variations
from .models import ExplicationVariation

KEY = "explications_variations"
TEXTE_MAX = ExplicationVariation._meta.get_field("texte").max_length


def _cles_connues():
    from activites.models import Indicateur

    codes = Indicateur.objects.values_list("code", flat=True)
    return {*variations.CLES_PARTIE_UN, *(variations.INDICATEUR + code for code in codes)}


def validate(data, path, ctx, errors):
    """{cle: texte} of the document, every key known and given once; INVALID after recording the errors."""
    known = None
    seen = {}

    def row(item, item_path):
        nonlocal known
        item = expect_object(item, item_path, errors, required=("cle", "texte"))
        if item is INVALID:
            return INVALID
        cle, texte = item["cle"], expect_text(item["texte"], join(item_path, "texte"), errors, max_length=TEXTE_MAX)
        if not isinstance(cle, str):
            errors.add(join(item_path, "cle"), "doit être un texte (« indicateur:<code> » ou « partie1:etp »)")
            return INVALID
        known = _cles_connues() if known is None else known
        if cle not in known:
            errors.add(
                join(item_path, "cle"),
                f"chiffre inconnu {shown(cle)} (attendu : « indicateur: » suivi du code d'un indicateur du "
                f"catalogue, ou {', '.join(variations.CLES_PARTIE_UN)})",
            )
            return INVALID
        if cle in seen:
            errors.add(join(item_path, "cle"), f"{shown(cle)} figure déjà en {seen[cle]}")
            return INVALID
        seen[cle] = item_path
        return INVALID if texte is INVALID else (cle, texte.strip())

    rows = expect_rows(data, path, errors, row)
    return INVALID if rows is INVALID else dict(rows)


def write(cleaned, ctx):
    """The document's explanations replace the report's."""
    ExplicationVariation.objects.filter(rapport=ctx.rapport).exclude(cle__in=list(cleaned)).delete()
    variations.write_explications(ctx.rapport, cleaned)


def export(rapport):
    textes = variations.explications_of(rapport)
    return [{"cle": cle, "texte": texte} for cle, texte in sorted(textes.items()) if texte.strip()]


def register():
    register_part(KEY, validate=validate, write=write, export=export, sections=(variations.SECTION,))
