"""The national view's per-region tables as HTML, written in Python (as rapports.blocs_html for the report).

Three tables grow with the number of regions — the main table, the peers' ranks and the completeness of the
plan's sections; through the template engine their few hundred cells were most of the page's time. The markup is
the template's; every text goes through format_html / conditional_escape.
"""

from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _cell(ligne, colonne, texte, premier, nombre_sections, liens):
    if premier:
        return format_html(
            '<th scope="row"><a href="{}">{}</a> <span class="d-block small text-body-secondary">{}</span></th>',
            liens[0],
            texte,
            ligne.region.code,
        )
    if colonne.cle == "etat":
        return format_html('<td><span class="badge etat-badge etat-{}">{}</span></td>', ligne.etat, texte)
    if colonne.cle == "retard":
        if ligne.en_retard:
            return '<td><span class="badge text-bg-warning etat-badge">En retard</span></td>'
        return "<td>Non</td>"
    if colonne.cle == "sections":
        return format_html('<td class="num">{} / {}</td>', texte, nombre_sections)
    return f'<td class="num">{escape(texte)}</td>' if colonne.numerique else f"<td>{escape(texte)}</td>"


def lignes_html(rows, synthese):
    """The main table's body: one row per region shown, the columns chosen, then the links to the report."""
    annee, out = synthese.annee, []
    for ligne, cells in rows:
        code = ligne.region.code
        liens = (reverse("rapport_detail", args=[code, annee]), reverse("rapport_pdf", args=[code, annee]))
        tds = "".join(
            str(_cell(ligne, colonne, texte, index == 0, synthese.nombre_sections, liens))
            for index, (colonne, texte) in enumerate(cells)
        )
        nom = escape(ligne.region.nom)
        out.append(
            f'<tr>{tds}<td class="text-nowrap"><a href="{liens[0]}">HTML<span class="visually-hidden"> : rapport de '
            f'{nom}</span></a> · <a href="{liens[1]}">PDF<span class="visually-hidden"> : rapport de {nom}</span>'
            "</a></td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped


def pairs_regions_html(pairs_regions):
    """Rank and quarter of each region shown, ratio by ratio."""
    out = []
    for ligne, cellules in pairs_regions:
        badge = ""
        if not ligne.rapport.is_transmitted:
            badge = format_html(' <span class="badge text-bg-light border">{}</span>', ligne.etat_libelle.lower())
        tds = []
        for _ratio, valeur, pos in cellules:
            detail = ""
            if pos:
                detail = format_html(
                    '<span class="d-block small text-body-secondary">{} · {}</span>', pos.rang_texte, pos.quart_court
                )
                if pos.atypique:
                    detail += mark_safe('<span class="badge text-bg-warning">atypique</span>')  # noqa: S308 — a constant
            tds.append(f'<td class="text-end">{escape(valeur)}{detail}</td>')
        out.append(f'<tr><th scope="row">{escape(ligne.region.nom)}{badge}</th>{"".join(tds)}</tr>\n')
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped


def completude_html(lignes):
    """The state of each section of the plan, region by region."""
    out = []
    for ligne in lignes:
        tds = "".join(
            f'<td><span class="badge etat-section etat-section-{escape(etat)}">{escape(label)}</span></td>'
            for _section, etat, label in ligne.sections_detail
        )
        out.append(f'<tr><th scope="row">{escape(ligne.region.nom)}</th>{tds}</tr>\n')
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped
