"""The national view as files people open in a spreadsheet: XLSX (openpyxl) and CSV for French Excel.

Numbers stay numbers (with number formats) so that people can compute with them; every text cell that a
spreadsheet could take for a formula (= + - @ tab CR NUL at the start: a region, site or indicator name typed by
someone) is stored as plain text — a string cell with Excel's "quote prefix" in XLSX, a leading apostrophe in CSV.

The workbook: « Synthèse » (the page's table), « Régions entre elles » (the peers), « Séries » (the trends page's
key figures over the exercices, one row per region and exercice) and one sheet per group of the catalogue; each
with its header and label columns frozen and an autofilter. All in a fixed number of queries.
"""

import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from caisses.classeurs import is_formula_like, set_text
from caisses.models import RapportAnnuel
from caisses.numbers import format_date, format_nombre
from caisses.plan import SECTIONS, EtatSection

from .national_table import colonnes
from .national_tendances import CHIFFRES, tendances

NATIONAL_LABEL = "France entière"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAIRS_TITLE = "Régions entre elles"
SERIES_TITLE = "Séries"
NATION_SERIES = "France entière — rapports transmis et validés"
PROVISOIRE, DEFINITIF, SANS_RAPPORT = "provisoire", "définitif", "aucun rapport"
TITLE_MAX = 31
TITLE_FORBIDDEN_RE = re.compile(r"[\\/?*:\[\]]")


def csv_text(value):
    """A text for a CSV cell: prefixed with an apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def _number_format(decimals):
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _points_format(decimals):
    body = "0" + ("." + "0" * decimals if decimals else "")
    return f"+{body};-{body};{body}"


def _percent_format(decimals, signed=False):
    body = "0" + ("." + "0" * decimals if decimals else "") + "%"
    return f"+{body};-{body};{body}" if signed else body


def set_number(cell, value, number_format, percent=False):
    if value is None:
        cell.value = None
        return
    value = Decimal(value)
    cell.value = float(value / 100 if percent else value)
    cell.number_format = number_format


def _set_column(cell, colonne, value):
    if colonne.format == "oui_non":
        set_text(cell, colonne.texte(value))
    elif colonne.format == "pourcent":
        set_number(cell, value, _percent_format(colonne.decimales), percent=True)
    elif colonne.format == "evolution":
        set_number(cell, value, _percent_format(colonne.decimales, signed=True), percent=True)
    elif colonne.format == "points":
        set_number(cell, value, _points_format(colonne.decimales))
    elif colonne.numerique:
        set_number(cell, value, _number_format(colonne.decimales))
    else:
        set_text(cell, value)


def _header(ws, labels, row=1, frozen_columns=1):
    for index, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=index)
        set_text(cell, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=row + 1, column=frozen_columns + 1)


def _widths(ws, widths):
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def sheet_synthese(ws, synthese, lignes):
    cols = colonnes(synthese.annee)
    section_codes = list(SECTIONS)
    _header(
        ws,
        [
            *(c.libelle + (" (pts)" if c.format == "points" else "") for c in cols),
            "Date limite de transmission",
            *(f"Section {code}" for code in section_codes),
        ],
    )
    for row, ligne in enumerate(lignes, start=2):
        for index, colonne in enumerate(cols, start=1):
            _set_column(ws.cell(row=row, column=index), colonne, colonne.valeur(ligne))
        date_cell = ws.cell(row=row, column=len(cols) + 1, value=synthese.exercice.date_limite)
        date_cell.number_format = "DD/MM/YYYY"
        for offset, code in enumerate(section_codes, start=len(cols) + 2):
            set_text(ws.cell(row=row, column=offset), EtatSection.LABELS[ligne.sections[code]])
    total_row = len(lignes) + 2
    set_text(ws.cell(row=total_row, column=1), NATIONAL_LABEL)
    for index, colonne in enumerate(cols, start=1):
        if colonne.total:
            _set_column(ws.cell(row=total_row, column=index), colonne, colonne.total(synthese))
        ws.cell(row=total_row, column=index).font = Font(bold=True)
    _widths(ws, [28, 12, 22, 10, 12, *([16] * (len(cols) - 5)), 14, *([11] * len(section_codes))])
    _autofilter(ws, len(lignes) + 1)  # the regions only: the national row stays below, out of the sort


def sheet_title(label, taken):
    """A title Excel accepts (none of \\ / ? * : [ ], at most 31 characters, no apostrophe at either end) and unique
    in the workbook, Excel comparing titles regardless of case; `taken` holds the casefolded titles used."""
    base = " ".join(ILLEGAL_CHARACTERS_RE.sub("", TITLE_FORBIDDEN_RE.sub("", label)).split()).strip(" '") or "Thème"
    title, number = base[:TITLE_MAX].rstrip(" '"), 1
    while title.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        title = base[: TITLE_MAX - len(suffix)].rstrip(" '") + suffix
    taken.add(title.casefold())
    return title


def sheets_themes(wb, synthese, taken):
    """One sheet per group of the catalogue, in its display order: its indicators (and computed totals) × region."""
    from activites.models import GroupeIndicateurs

    par_groupe = {}
    for spec in synthese.tableau.specs:
        par_groupe.setdefault(spec.groupe, []).append(spec)
    libelles = dict(GroupeIndicateurs.objects.values_list("code", "libelle"))  # in display order
    groupes = [(code, libelle) for code, libelle in libelles.items() if code in par_groupe]
    # A computed total names its group by code: should that group be gone, its figures still get a sheet.
    groupes += [(code, code) for code in par_groupe if code not in libelles]
    regions = [ligne.region for ligne in synthese.lignes]
    for code, libelle in groupes:
        sheet_theme(wb.create_sheet(sheet_title(libelle, taken)), synthese.tableau, regions, par_groupe[code])


def sheet_theme(ws, tableau, regions, specs):
    _header(
        ws,
        ["Code", "Indicateur", "Unité", *(f"{r.nom} ({r.code})" for r in regions), NATIONAL_LABEL],
        frozen_columns=3,
    )
    for row, spec in enumerate(specs, start=2):
        for column, text in enumerate((spec.code, spec.libelle, spec.unite_mesure), start=1):
            set_text(ws.cell(row=row, column=column), text)
        values = [tableau.par_region.get(region.pk, {}).get(spec.code) for region in regions]
        values.append(tableau.national.get(spec.code))
        for column, value in enumerate(values, start=4):
            cell = ws.cell(row=row, column=column)
            if spec.is_ratio:
                set_number(cell, value, _percent_format(1), percent=True)
            else:
                set_number(cell, value, _number_format(spec.decimales))
    _widths(ws, [26, 50, 12, *([16] * (len(regions) + 1))])
    _autofilter(ws, len(specs) + 1)


def sheet_series(ws, t):
    """The trends page's key figures in long format, one row per region and exercice, then the nation's."""
    # The trends tell a provisional figure from the others, not a final report from none: one query more.
    avec_rapport = set(
        RapportAnnuel.objects.filter(exercice__annee__in=t.annees).values_list("caisse_id", "exercice__annee")
    )
    chiffres = [(c, _number_format(c.decimales)) for c in CHIFFRES]
    _header(
        ws,
        [
            "Caisse régionale",
            "Code",
            "Exercice",
            "État du rapport",
            *(c.libelle + (" (%)" if c.pourcent else "") for c in CHIFFRES),
        ],
        frozen_columns=4,
    )
    rows = []
    for region, par_annee in t.regions:
        for annee in t.annees:
            key = (region.pk, annee)
            etat = PROVISOIRE if key in t.provisoires else (DEFINITIF if key in avec_rapport else SANS_RAPPORT)
            rows.append((region.nom, region.code, annee, etat, par_annee[annee]))
    rows += [(NATION_SERIES, None, annee, DEFINITIF, t.nation[annee]) for annee in t.annees]
    for row, (nom, code, annee, etat, valeurs) in enumerate(rows, start=2):
        set_text(ws.cell(row=row, column=1), nom)
        if code:
            set_text(ws.cell(row=row, column=2), code)
        ws.cell(row=row, column=3, value=annee)
        set_text(ws.cell(row=row, column=4), etat)
        for column, (chiffre, number_format) in enumerate(chiffres, start=5):
            set_number(ws.cell(row=row, column=column), chiffre.valeur(valeurs), number_format)
    _widths(ws, [44, 12, 10, 14, *([18] * len(CHIFFRES))])
    _autofilter(ws, len(rows) + 1)


def sheet_pairs(ws, synthese, lignes):
    """Each region's key ratios with its rank and quarter among the transmitted and validated reports."""
    from . import peers

    lignes_pairs = peers.pairs(synthese.lignes)
    labels = ["Caisse régionale", "Code", "État du rapport"]
    for lp in lignes_pairs:
        unite = " (%)" if lp.ratio.pourcent else ""
        labels += [lp.ratio.libelle + unite, "Rang", "Sur", "Quart", "Atypique"]
    _header(ws, labels)
    for row, (ligne, cellules) in enumerate(peers.par_region(lignes_pairs, lignes), start=2):
        set_text(ws.cell(row=row, column=1), ligne.region.nom)
        set_text(ws.cell(row=row, column=2), ligne.region.code)
        set_text(ws.cell(row=row, column=3), ligne.etat_libelle)
        for index, (ratio, _text, pos) in enumerate(cellules):
            column = 4 + 5 * index
            set_number(ws.cell(row=row, column=column), ratio.valeur(ligne.n), _number_format(1))
            if pos is not None:
                ws.cell(row=row, column=column + 1, value=pos.rang)
                ws.cell(row=row, column=column + 2, value=pos.sur)
                set_text(ws.cell(row=row, column=column + 3), pos.quart_court)
                set_text(ws.cell(row=row, column=column + 4), "Oui" if pos.atypique else "Non")
    _widths(ws, [28, 12, 14, *([14, 7, 7, 16, 10] * len(lignes_pairs))])
    _autofilter(ws, len(lignes) + 1)


def _autofilter(ws, last_row):
    ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{max(1, last_row)}"


def workbook(synthese, lignes):
    wb = Workbook()
    ws = wb.active
    ws.title = "Synthèse"
    sheet_synthese(ws, synthese, lignes)
    sheet_pairs(wb.create_sheet(PAIRS_TITLE), synthese, lignes)
    sheet_series(wb.create_sheet(SERIES_TITLE), tendances(synthese.annee))
    # "History" is a name Excel keeps for itself.
    taken = {title.casefold() for title in (*wb.sheetnames, "History")}
    sheets_themes(wb, synthese, taken)
    wb.properties.title = f"Synthèse nationale {synthese.annee}"
    wb.properties.creator = "Rapports d'activité du service social"
    return wb


def xlsx_bytes(synthese, lignes):
    buffer = io.BytesIO()
    workbook(synthese, lignes).save(buffer)
    return buffer.getvalue()


def xlsx_filename(annee):
    return f"synthese-nationale-{annee}.xlsx"


def _csv_number(value, decimals):
    """French Excel reads "1234,5" as a number: decimal comma, no thousands separator."""
    return format_nombre(value, decimals, empty="", grouped=False)


def _csv_cell(colonne, value):
    if colonne.format == "oui_non":
        return colonne.texte(value)
    if colonne.numerique:
        return _csv_number(value, colonne.decimales)
    return csv_text(value)


def csv_text_content(synthese, lignes):
    """The Synthèse table as CSV: UTF-8 with BOM, ";" separated, percentages and points as numbers that French
    Excel reads (the column says "%" or "pts": a count's evolution is relative, a rate's a difference in points)."""
    cols = colonnes(synthese.annee)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    unites = {"pourcent": " (%)", "evolution": " (%)", "points": " (pts)"}
    writer.writerow(
        [
            *(csv_text(c.libelle + unites.get(c.format, "")) for c in cols),
            "Date limite de transmission",
            *(f"Section {code}" for code in SECTIONS),
        ]
    )
    for ligne in lignes:
        writer.writerow(
            [
                *(_csv_cell(c, c.valeur(ligne)) for c in cols),
                format_date(synthese.exercice.date_limite),
                *(EtatSection.LABELS[state] for state in ligne.sections.values()),
            ]
        )
    writer.writerow([NATIONAL_LABEL, *(_csv_cell(c, c.total(synthese)) if c.total else "" for c in cols[1:])])
    return "\ufeff" + buffer.getvalue()


def csv_filename(annee):
    return f"synthese-nationale-{annee}.csv"
