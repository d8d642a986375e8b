"""What every workbook people fill offline shares (II.1 in activites, Part I in effectifs): reading it safely.

An uploaded file is capped in size, checked as a zip before openpyxl opens it (a small file may unzip to
gigabytes) and read in read-only mode; whatever breaks the parser becomes one French refusal, never a 500.
"""

import io
import zipfile
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 40 * 1024 * 1024
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ILLISIBLE = "Le fichier envoyé n'est pas un classeur Excel (.xlsx) lisible : rien n'a été lu."
TROP_GROS = "Le fichier envoyé dépasse {} Mo : rien n'a été lu. Envoyez le classeur téléchargé depuis cette page."


# What a spreadsheet reads as the start of a formula: a text typed by someone (an intitulé, a site's name) starting
# so must stay a text in the workbooks we write, never a live formula opened by the next reader.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def is_formula_like(text):
    return text.startswith(FORMULA_STARTS)


def set_text(cell, value):
    """A string cell that can never be a formula (control characters illegal in XLSX are dropped)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def ecrire(ws, row, col, value):
    """ws.cell(row, col, value), a string always as a text (set_text); the cell."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        return set_text(cell, value)
    cell.value = value
    return cell


class ClasseurRefuse(Exception):
    """The upload as a whole cannot be read: its French message, nothing was read."""

    status = 400

    def __init__(self, message, status=None):
        super().__init__(message)
        if status is not None:
            self.status = status


def trop_gros():
    return TROP_GROS.format(MAX_BYTES // (1024 * 1024))


def ouvrir(data):
    """The uploaded bytes as a read-only workbook, or ClasseurRefuse (too big, zip bomb, unreadable)."""
    if len(data) > MAX_BYTES:
        raise ClasseurRefuse(trop_gros())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise ClasseurRefuse(trop_gros())
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ClasseurRefuse:
        raise
    except Exception as error:  # a hostile file may break the parser in any way
        raise ClasseurRefuse(ILLISIBLE) from error


def lire_cle(wb, feuille, sans_cle):
    """{name: value} of the workbook's stamp sheet (its first rows); ClasseurRefuse(sans_cle) when it is missing."""
    if feuille not in wb.sheetnames:
        raise ClasseurRefuse(sans_cle)
    values = {}
    for row in wb[feuille].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if row and isinstance(row[0], str):
            values[row[0]] = row[1]
    return values


def texte_de(value):
    """A cell's value as the text the grid's parser reads (caisses.numbers.parse_nombre), or None if not a number.

    Numbers are written unlocalised and in full (no exponent), so the bound, not the format, refuses a huge one.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
        return format(number, "f")
    if isinstance(value, str):
        return value
    return None  # a date, a time, an error value
