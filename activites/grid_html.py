"""The tables of the II.1 grid (headers, a row per unit, the region's totals) and its findings, written in Python.

A Django template spends tens of microseconds on each variable, tag, filter and include; a region of 100 units
has some 4 000 cells, so their markup is written here and templates/activites/saisie_ii1.html only places it. What
holds for a whole column (its code, how a computed cell is derived) is written once, in the column's header, where
static/js/grille.js reads it. Every text a person or a visitor's input can change goes through `escape`; the
figures come from caisses.numbers, digits and separators only.
"""

from functools import lru_cache
from html import escape

from django.utils.safestring import mark_safe

from caisses.numbers import NON_CALCULABLE, format_nombre, format_pourcent, format_saisi, format_variation

from .dictionnaire import url_entree

TIRET = "—"


# caisses.numbers' text of a figure depends on the figure alone: kept for the process, since a grid shows the same
# figures on every look and formatting them was most of the time spent writing its cells (a region of 100 units
# fills some 6 500 entries). Bounded: about 5 MB.
@lru_cache(maxsize=1 << 14)
def _texte(how, value, places):
    return how(value, places)


def _saisie(value, _places):
    return format_nombre(value, max(0, -value.normalize().as_tuple().exponent), grouped=False)


def texte_saisie(value):
    """As an input shows it: without grouping, with the precision it was entered with (12,5 ; 1234)."""
    return "" if value is None else _texte(_saisie, value, None)


def texte_saisi(value, places):
    """As people read it, with the precision it was entered with, at most `places` decimals (12,5 ; 1 234)."""
    return TIRET if value is None else _texte(format_saisi, value, places)


def texte_nombre(value):
    return TIRET if value is None else _texte(format_nombre, value, 0)


def texte_pourcent(value):
    return NON_CALCULABLE if value is None else _texte(format_pourcent, value, 1)


def signalements_cellule(erreurs):
    """The findings shown in their cell, each with who fixes it."""
    parts = []
    for erreur in erreurs:
        style = erreur.style
        hidden = '<span class="visually-hidden">Pour information : </span>' if style == "information" else ""
        parts.append(
            f'<p class="mb-0 signalement-{style}">{hidden}{escape(erreur.message)} '
            f'<span class="qui-corrige">({escape(erreur.qui)})</span></p>'
        )
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def liste_signalements(signalements):
    """The items of the grid's list of findings, each linking to its cell when it has one."""
    parts = []
    for s in signalements:
        where = f"{escape(s.unite)} — {escape(s.libelle)}"
        if s.ancre:
            where = f'<a href="{escape(s.lien)}">{where}</a>'
        pour = "pour information, " if s.style == "information" else ""
        parts.append(
            f'<li class="signalement-{s.style}">{where} : {escape(s.texte)} '
            f'<span class="qui-corrige">({pour}{escape(s.qui)})</span></li>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 — every text above is escaped


class _Commun:
    """What every cell of one indicator's column shares, escaped once."""

    def __init__(self, spec):
        self.code = escape(spec.code)
        self.libelle = escape(spec.libelle)
        self.decimales = spec.decimales
        self.is_ratio = spec.is_ratio
        self.is_computed = spec.is_computed


def _valeur(col, cell, key, cid, label):
    """The cell's input, or its read-only figure."""
    if cell.editable:
        value = texte_saisie(cell.valeur) if cell.saisie is None else escape(cell.saisie)
        extra = invalid = ""
        if cell.erreurs:
            extra = f' aria-describedby="{cid}-erreur"'
            if cell.has_error:
                invalid, extra = " is-invalid", extra + ' aria-invalid="true"'
        return (
            f'<input type="text" inputmode="decimal" autocomplete="off" name="v-{key}-{col.code}" id="{cid}" '
            f'value="{value}" class="form-control form-control-sm grille-saisie{invalid}" aria-label="{label}"{extra}>'
        )
    if col.is_ratio:
        return f'<span id="{cid}">{TIRET if cell.vide else texte_pourcent(cell.valeur)}</span>'
    if col.is_computed:
        return f'<span id="{cid}">{texte_nombre(cell.valeur)}</span>'
    shown = texte_saisi(cell.valeur, col.decimales)
    return f'<span id="{cid}" data-value="{texte_saisie(cell.valeur)}">{shown}</span>'


def _n1(col, n1):
    if not col.is_ratio:
        return f'<span class="n1">N−1 : {texte_saisi(n1, col.decimales)}</span>'
    return f'<span class="n1">N−1 : {TIRET if n1 is None else texte_pourcent(n1)}</span>'


def lignes(colonnes, rows, avec_n1):
    """The <tr> of the units: `rows` is [(unite, [Cellule])] in the order of `colonnes`."""
    cols = [_Commun(colonne.spec) for colonne in colonnes]
    parts = []
    for unite, cells in rows:
        key, nom = escape(unite.form_key), escape(unite.nom)
        kind = ' class="ligne-site"' if unite.kind == "site" else ' class="ligne-region"' if unite.is_region else ""
        code = "" if unite.is_region else f' <span class="small text-body-secondary">{escape(unite.code)}</span>'
        parts.append(f'<tr data-row="{key}"{kind}><th scope="row" class="grille-unite">{nom}{code}</th>')
        for col, cell in zip(cols, cells, strict=True):
            cid = f"cellule-{key}-{col.code}"
            if not cell.erreurs:
                parts.append("<td>")
            else:
                parts.append('<td class="cellule-signalee">' if cell.signalee else '<td class="cellule-information">')
            parts.append(_valeur(col, cell, key, cid, f"{col.libelle} — {nom}"))
            if avec_n1:
                parts.append(_n1(col, cell.n1))
            if cell.erreurs:
                findings = signalements_cellule(cell.erreurs)
                parts.append(f'<div id="{cid}-erreur" class="small text-start">{findings}</div>')
            parts.append("</td>")
        parts.append("</tr>\n")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def _calcul(spec, termes):
    """How grille.js derives a computed figure: a ratio's terms, or the codes a computed total sums."""
    if spec.is_ratio:
        return f' data-ratio data-num="{escape(str(spec.numerateur))}" data-den="{escape(str(spec.denominateur))}"'
    if spec.is_computed:
        return f' data-somme="{escape(termes)}"'
    return ""


def entetes(colonnes):
    """The <th> of the indicators, each with what grille.js needs for every cell of its column."""
    parts, base = [], url_entree("")  # each label links to its entry of the data dictionary
    for colonne in colonnes:
        spec = colonne.spec
        badge = ' <span class="badge text-bg-light border">calculé</span>' if spec.is_computed else ""
        unit = "%" if spec.is_ratio else escape(spec.unite_mesure)
        parts.append(
            f'<th scope="col" class="num grille-indicateur" data-col="{escape(spec.code)}"'
            f'{_calcul(spec, colonne.termes)}><a class="lien-dictionnaire" href="{base}{escape(spec.code)}">'
            f"{escape(spec.libelle)}</a>{badge}"
            f'<span class="d-block small fw-normal text-body-secondary">{unit}</span></th>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 — every text above is escaped


def totaux(cells, avec_n1):
    """The <td> of the region's totals: N, and under it N−1 and the evolution, which grille.js keeps up to date."""
    parts = []
    for cell in cells:
        spec = cell.spec
        cid = escape(cell.id)
        flag = " cellule-signalee" if cell.signalee else " cellule-information" if cell.erreurs else ""
        poids = f' data-poids="{escape(spec.poids)}"' if spec.poids else ""
        if spec.is_ratio:
            value, n1 = format_pourcent(cell.valeur), format_pourcent(cell.n1)
        else:
            value, n1 = format_nombre(cell.valeur, spec.decimales), format_saisi(cell.n1, spec.decimales)
        parts.append(
            f'<td class="num{flag}" data-total-col="{escape(spec.code)}" data-agregation="{escape(spec.agregation)}"'
            f'{poids}><strong data-total id="{cid}"{_calcul(spec, cell.termes)} data-decimales="{spec.decimales}">'
            f"{value}</strong>"
        )
        if avec_n1:
            evolution = escape(format_variation(cell.valeur, cell.n1, cell.kind))
            parts.append(
                f'<span class="d-block small text-body-secondary">N−1 : {n1}</span>'
                f'<span class="d-block small evolution" data-evolution="{cell.kind}" data-n1="{cell.n1_brut}">'
                f"{evolution}</span>"
            )
        if cell.erreurs:
            parts.append(f'<div id="{cid}-erreur" class="small text-start">{signalements_cellule(cell.erreurs)}</div>')
        parts.append("</td>")
    return mark_safe("\n".join(parts))  # noqa: S308 — every text above is escaped
