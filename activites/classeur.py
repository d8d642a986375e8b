"""The II.1 grid as a workbook people fill offline (issue 12, item 3): built and read here, without the database.

The sheet « II.1 » holds one row per entered indicator (its code in the hidden column A) and, per unit, the
figure of the exercice (an input cell, unlocked when the downloader may change it, with a number validation
within the indicator's bound) and N−1 for reference. The hidden row 3 names the unit of each input column. The
very hidden sheet « _cle » stamps the report, the unit (or « region » for every unit) and the catalogue, so a
workbook is only read back into the report, the unit and the catalogue it was made for.

Reading is defensive: the file is capped in size, checked as a zip before openpyxl opens it (a small file may
unzip to gigabytes), read in read-only mode and only over the rows and columns a real workbook has.
"""

import hashlib
import io
import json
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from caisses.classeurs import (  # noqa: F401 (shared with effectifs.classeur; kept here for II.1's callers)
    CONTENT_TYPE,
    ILLISIBLE,
    MAX_BYTES,
    MAX_UNZIPPED,
    TROP_GROS,
    ClasseurRefuse,
    ecrire,
    lire_cle,
    ouvrir,
    texte_de,
)
from caisses.numbers import format_nombre

FEUILLE = "II.1"
FEUILLE_CLE = "_cle"
FEUILLE_ORIGINE = "_origine"  # every figure as downloaded: a cell left as it was changes nothing on upload
TOUT = "region"  # the stamp's unit of the workbook of every unit of the region
KEYS_ROW, HEADER_ROW, FIRST_ROW = 3, 4, 5
FIRST_COL = 4  # D: the first unit's input column; A holds the code, B the label, C the unit of measure

SANS_CLE = (
    "Ce classeur n'a pas été téléchargé depuis cette page (sa feuille « II.1 » ou sa clé manque) : rien n'a été "
    "lu. Téléchargez le classeur de la page, puis saisissez-y vos chiffres."
)
FORMULE = "une formule n'est pas acceptée, saisissez un nombre"
PAS_UN_NOMBRE = "saisissez un nombre (par exemple 1 234 ou 12,5)"
SAISIE_FILL = PatternFill("solid", fgColor="FFFFFFFF")
FIGE_FILL = PatternFill("solid", fgColor="FFEFEFEF")


@dataclass(frozen=True)
class Cle:
    """The stamp of a workbook: which report, unit and catalogue it was made for, and the section's version."""

    region: str
    annee: int
    unite: str  # a unit's form key, or TOUT
    catalogue: str
    version: int = 0

    def rows(self):
        return [
            ("region", self.region),
            ("exercice", self.annee),
            ("unite", self.unite),
            ("catalogue", self.catalogue),
            ("version", self.version),
        ]


@dataclass(frozen=True)
class Ligne:
    """An indicator's row: code, label, unit of measure, group label, caisses.limits.Bound."""

    code: str
    libelle: str
    unite_mesure: str
    groupe: str
    bound: object


@dataclass(frozen=True)
class Colonne:
    """A unit's pair of columns: its form key, its name, may the downloader change it, figures and N−1."""

    key: str
    nom: str
    editable: bool
    valeurs: dict
    n1: dict


@dataclass
class Lecture:
    """What an uploaded workbook says: its stamp, each figure read, the cells refused while reading."""

    cle: Cle
    cellules: list = field(default_factory=list)  # [(unit form key, code, coordinate, value)]
    erreurs: list = field(default_factory=list)  # [(coordinate, message)]
    origine: dict = field(default_factory=dict)  # {(unit form key, code): value as downloaded}


def empreinte(rows):
    """A short digest of the catalogue rows (activites.queries.etats_inputs()): any change makes another one."""
    text = json.dumps(rows, default=str, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _valeur_machine(value, bound):
    """A figure as a spreadsheet number: an int when it has no decimals, else a float of its entered places."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, bound.places))


def _format(bound):
    return "#,##0" if bound.places == 0 else "#,##0." + "0" * bound.places


def _validation(bound, annee):
    kind = "whole" if bound.places == 0 else "decimal"
    maximum = format_nombre(bound.maximum)
    dv = DataValidation(
        type=kind,
        operator="between",
        formula1=str(bound.minimum),
        formula2=str(int(bound.maximum)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valeur refusée",
        error=(
            f"Saisissez un nombre {'entier ' if bound.places == 0 else ''}entre 0 et {maximum}"
            + (f", au plus {bound.places} décimales." if bound.places else ".")
        ),
        showInputMessage=True,
        promptTitle=f"Exercice {annee}",
        prompt="Un nombre, sans formule.",
    )
    return dv


def construire(cle, titre, lignes, colonnes, annee_n1):
    """The workbook (bytes) of `colonnes` (units) × `lignes` (entered indicators, in catalogue order)."""
    wb = Workbook()
    ws = wb.active
    ws.title = FEUILLE
    ecrire(ws, 1, 1, titre)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        f"Saisissez les chiffres de l'exercice {cle.annee} dans les cases blanches, sans formule ; les colonnes "
        f"{annee_n1} (N−1) sont pour mémoire. Puis envoyez le classeur depuis la page II.1 : elle montre chaque "
        "changement avant de l'enregistrer."
    )
    headers = ["Code", "Indicateur", "Unité de mesure"]
    for index, colonne in enumerate(colonnes):
        col = FIRST_COL + 2 * index
        ecrire(ws, KEYS_ROW, col, colonne.key)
        headers += [f"{colonne.nom} — {cle.annee}", f"{colonne.nom} — {annee_n1} (N−1)"]
    for col, text in enumerate(headers, start=1):
        cell = ecrire(ws, HEADER_ROW, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    validations = {}
    row, groupe = FIRST_ROW, None
    for ligne in lignes:
        if ligne.groupe != groupe:
            groupe = ligne.groupe
            ecrire(ws, row, 2, groupe).font = Font(bold=True)
            row += 1
        ecrire(ws, row, 1, ligne.code)
        ecrire(ws, row, 2, ligne.libelle).alignment = Alignment(wrap_text=True)
        ecrire(ws, row, 3, ligne.unite_mesure)
        for index, colonne in enumerate(colonnes):
            col = FIRST_COL + 2 * index
            saisie = ecrire(ws, row, col, _valeur_machine(colonne.valeurs.get(ligne.code), ligne.bound))
            saisie.number_format = _format(ligne.bound)
            n1 = ecrire(ws, row, col + 1, _valeur_machine(colonne.n1.get(ligne.code), ligne.bound))
            n1.number_format = _format(ligne.bound)
            n1.fill = FIGE_FILL
            if colonne.editable:
                saisie.protection = Protection(locked=False)
                saisie.fill = SAISIE_FILL
                if ligne.bound not in validations:
                    validations[ligne.bound] = _validation(ligne.bound, cle.annee)
                validations[ligne.bound].add(saisie.coordinate)
            else:
                saisie.fill = FIGE_FILL
        row += 1
    for dv in validations.values():
        ws.add_data_validation(dv)
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 16
    for index in range(2 * len(colonnes)):
        ws.column_dimensions[get_column_letter(FIRST_COL + index)].width = 16
    ws.row_dimensions[KEYS_ROW].hidden = True
    ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_COL)
    ws.protection.sheet = True  # no password: the locks guide, the upload checks
    stamp = wb.create_sheet(FEUILLE_CLE)
    for name, value in cle.rows():
        stamp.append([name, value])
    stamp.sheet_state = "veryHidden"
    stamp.protection.sheet = True
    origine = wb.create_sheet(FEUILLE_ORIGINE)
    for colonne in colonnes:
        for ligne in lignes:
            origine.append([colonne.key, ligne.code, _valeur_machine(colonne.valeurs.get(ligne.code), ligne.bound)])
    origine.sheet_state = "veryHidden"
    origine.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cle(wb):
    if FEUILLE not in wb.sheetnames:
        raise ClasseurRefuse(SANS_CLE)
    values = lire_cle(wb, FEUILLE_CLE, SANS_CLE)
    try:
        return Cle(
            str(values["region"]),
            int(values["exercice"]),
            str(values["unite"]),
            str(values["catalogue"]),
            int(values.get("version") or 0),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ClasseurRefuse(SANS_CLE) from error


def lire(data, max_rows, max_cols):
    """Read an uploaded workbook (bytes): its stamp and every figure of a keyed column in a coded row.

    `max_rows`, `max_cols`: how far a genuine workbook of this report can reach; nothing beyond is read.
    Raises ClasseurRefuse when the file as a whole cannot be read.
    """
    wb = ouvrir(data)
    try:
        lecture = Lecture(_cle(wb))
        keys = {}
        for index, row in enumerate(wb[FEUILLE].iter_rows(min_row=1, max_col=max_cols), start=1):
            if index > max_rows:
                break
            if index == KEYS_ROW:
                keys = {col: str(c.value) for col, c in enumerate(row, start=1) if col >= FIRST_COL and c.value}
            if index < FIRST_ROW or not row or not row[0].value:
                continue
            code = str(row[0].value)
            for col, key in keys.items():
                cell = row[col - 1] if col - 1 < len(row) else None
                coordinate = f"{get_column_letter(col)}{index}"
                if cell is not None and cell.data_type == "f":
                    lecture.erreurs.append((coordinate, FORMULE))
                    continue
                lecture.cellules.append((key, code, coordinate, None if cell is None else cell.value))
        if FEUILLE_ORIGINE in wb.sheetnames:
            rows = wb[FEUILLE_ORIGINE].iter_rows(min_row=1, max_row=max_rows * max_cols, max_col=3, values_only=True)
            lecture.origine = {(str(key), str(code)): value for key, code, value in rows if key and code}
        return lecture
    except ClasseurRefuse:
        raise
    except Exception as error:  # a malformed sheet inside a valid zip
        raise ClasseurRefuse(ILLISIBLE) from error
    finally:
        wb.close()


def position(coordinate):
    """« Feuille II.1, cellule D7 » (or the sheet alone)."""
    return f"Feuille {FEUILLE}, cellule {coordinate}" if coordinate else f"Feuille {FEUILLE}"
