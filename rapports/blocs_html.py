"""The report's blocks (rapports.report) as HTML, written in Python.

The report page, its PDF and the national view print hundreds of small tables: through Django's template
engine (an include per table, a loop per cell) that rendering was most of the page's time. The markup is the
one `rapport_blocs.html` and `rapport_tableau.html` had; every text is escaped with format_html/escape, only a
Texte's `html` (already sanitised by caisses.markdown) is trusted.
"""

from django.utils.html import conditional_escape as escape
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

PETIT_TABLEAU = 15  # rows: a table this small is never split over two PDF pages


def _cells(row):
    out = []
    for index, (cell, num) in enumerate(row):
        if index == 0:
            out.append(f'<th scope="row">{escape(cell)}</th>')
        else:
            out.append(f'<td class="num">{escape(cell)}</td>' if num else f"<td>{escape(cell)}</td>")
    return "".join(out)


def tableau_html(tableau):
    """A Tableau (or anything with colonnes, legende, rows(), total, total_row()) as its accessible table."""
    legende = tableau.legende or ""
    head = "".join(
        f'<th scope="col" class="num">{escape(label)}</th>' if num else f'<th scope="col">{escape(label)}</th>'
        for label, num in tableau.colonnes
    )
    body = "".join(f"<tr>{_cells(ligne)}</tr>\n" for ligne in tableau.rows())
    parts = [
        format_html(
            '<div class="table-responsive" tabindex="0" role="region" aria-label="{}">\n'
            '<table class="table table-sm table-bordered table-figures tableau-rapport">\n',
            legende or "Tableau de chiffres",
        ),
        format_html("<caption>{}</caption>", legende) if legende else "",
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n",
    ]
    if tableau.total:
        parts.append(f'<tfoot><tr class="total">{_cells(tableau.total_row())}</tr></tfoot>')
    parts.append("</table>\n</div>\n")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 — every text above is escaped


def _texte(bloc):
    titre = format_html('<p class="texte-titre">{}</p>', bloc.titre) if bloc.titre else ""
    corps = SafeString(bloc.html) if bloc.html else linebreaks(bloc.texte, autoescape=True)
    return f'<div class="texte">{titre}{corps}</div>\n'


def _graphique(bloc):
    return format_html(
        '<figure class="graphique">\n  <div class="graphique-image"><img src="{}" alt="{} : les valeurs sont dans le '
        'tableau ci-contre."></div>\n  <div class="graphique-donnees">{}</div>\n  <figcaption>{}</figcaption>\n'
        "</figure>\n",
        bloc.image,
        bloc.titre,
        tableau_html(bloc.tableau),
        bloc.legende,
    )


def taille_tableau(nombre_lignes):
    """The print class of a table: a small one stays on one PDF page, a long one repeats its header."""
    return "petit-tableau" if nombre_lignes <= PETIT_TABLEAU else "grand-tableau"


def _bloc(bloc):
    kind = bloc.kind
    if kind == "groupe":
        return format_html(
            '<div class="groupe">\n  <h5 class="groupe-titre">{}</h5>\n{}</div>\n', bloc.titre, blocs_html(bloc.blocs)
        )
    if kind == "tableau":
        return f'<div class="{taille_tableau(len(bloc.lignes))}">{tableau_html(bloc)}</div>\n'
    if kind == "texte":
        return _texte(bloc)
    if kind == "formule":
        return format_html(
            '<div class="formule">\n  <p class="formule-libelle">{}</p>\n  <p class="formule-texte">{}</p>\n</div>\n',
            bloc.libelle,
            bloc.texte,
        )
    if kind == "graphique":
        return _graphique(bloc)
    return format_html('<p class="vide">{}</p>\n', bloc.message)


def blocs_html(blocs):
    return mark_safe("".join(str(_bloc(bloc)) for bloc in blocs or ()))  # noqa: S308 — every text above is escaped
