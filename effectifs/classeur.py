"""The Part I tables (I.1 to I.4) as a workbook people fill offline (issue 12, item 3): built and read here, no DB.

A page's tables are described once (`decrire`, from the page's own forms) and that description both builds the
workbook and reads it back: one sheet per table the user may change, a header of the form's labels, one row per
saved row, then empty rows for new ones in the free tables. Fixed tables (one row per category or per site) keep
their row labels in a locked column A. The very hidden sheet « _cle » stamps the report, the section, a digest of
the page's structure (choices offered, fixed rows) and the section's version: a workbook is only read back into
the page it was made from, and rows are positional, so a workbook of an older version is not read at all.

Reading goes through caisses.classeurs (size cap, zip bomb check, read-only) and only over the rows and columns
the description allows.
"""

import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from caisses.classeurs import ILLISIBLE, ClasseurRefuse, ecrire, lire_cle, ouvrir
from caisses.fields import EntierField, NombreField
from caisses.numbers import format_nombre

FEUILLE_CLE = "_cle"
FEUILLE_LISTES = "_listes"
HEADER_ROW, FIRST_ROW = 3, 4
EXTRA = 20  # empty rows offered for new rows in a free table
FIGE_FILL = PatternFill("solid", fgColor="FFEFEFEF")
N1_FILL = PatternFill("solid", fgColor="FFD9D9D9")
SAISIE_FILL = PatternFill("solid", fgColor="FFFFFFFF")

SANS_CLE = (
    "Ce classeur n'a pas été téléchargé depuis une page de la partie I (sa clé manque) : rien n'a été lu. "
    "Téléchargez le classeur de la page, puis saisissez-y vos données."
)


@dataclass(frozen=True)
class Colonne:
    """A form field as a column: name, French label, kind (choix, entier, nombre, date, texte) and its limits."""

    nom: str
    libelle: str
    genre: str
    bound: object = None
    longueur: int | None = None
    choix: tuple = ()  # ((value, label), …)


@dataclass
class Tableau:
    """One table of a page: its sheet, its form prefix, its columns, its saved rows."""

    feuille: str
    cle_forms: str  # the key of the page's forms dict
    prefix: str
    colonnes: list
    lignes: list  # [{field: initial value}]
    editable: bool
    cle: str = ""  # fixed tables: the field holding each row's key
    cles: list = field(default_factory=list)  # fixed tables: [(key as str, row label)]
    formulaire: bool = False  # a single form (I.2 Installation): one row per field
    n1: dict = field(default_factory=dict)  # {row key: {field: value}} of the previous exercice
    annee_n1: int = 0

    @property
    def fixe(self):
        return bool(self.cle)

    @property
    def decalage(self):
        """The column of the first field (A holds the row label of a fixed table, or each field's label)."""
        return 2 if self.fixe or self.formulaire else 1

    @property
    def nb_lignes(self):
        if self.formulaire:
            return len(self.colonnes)
        return len(self.lignes) + (EXTRA if self.editable and not self.fixe else 0)

    @property
    def nb_colonnes(self):
        return 2 if self.formulaire else self.decalage - 1 + len(self.colonnes)

    def cellule(self, index, nom):
        """The coordinate of field `nom` in row `index` (a formulaire: its field's row)."""
        position = [c.nom for c in self.colonnes].index(nom)
        if self.formulaire:
            return f"B{FIRST_ROW + position}"
        return f"{get_column_letter(self.decalage + position)}{FIRST_ROW + index}"


@dataclass(frozen=True)
class Cle:
    region: str
    annee: int
    section: str
    structure: str
    version: int

    def rows(self):
        return [
            ("region", self.region),
            ("exercice", self.annee),
            ("section", self.section),
            ("structure", self.structure),
            ("version", self.version),
        ]


def _genre(form_field):
    if isinstance(form_field, forms.ChoiceField):
        return "choix"
    if isinstance(form_field, EntierField):
        return "entier"
    if isinstance(form_field, NombreField):
        return "nombre"
    if isinstance(form_field, forms.DateField):
        return "date"
    return "texte"


def _colonnes(fields, skip=()):
    return [
        Colonne(
            name,
            str(f.label),
            _genre(f),
            getattr(f, "bound", None),
            getattr(f, "max_length", None),
            tuple((str(v), str(label)) for v, label in getattr(f, "choices", ()) if v != ""),
        )
        for name, f in fields.items()
        if name not in skip and name != "DELETE"
    ]


def decrire(feuille, cle_forms, form, editable):
    """The Tableau of a page's formset (or single form), as the page built it unbound."""
    if not hasattr(form, "forms"):  # a single form
        colonnes = _colonnes(form.fields)
        return Tableau(feuille, cle_forms, form.prefix, colonnes, [dict(form.initial)], editable, formulaire=True)
    key = getattr(form, "key", "") if getattr(form, "keys", None) is not None else ""
    tableau = Tableau(
        feuille,
        cle_forms,
        form.prefix,
        _colonnes(form.empty_form.fields, skip={key}),
        [dict(row.initial) for row in form.forms],
        editable,
        cle=key,
    )
    if key:
        tableau.cles = [(str(row.initial.get(key)), getattr(row, "row_label", "")) for row in form.forms]
    return tableau


def empreinte(tableaux):
    """A digest of the page's structure: any change of a choice offered or of the fixed rows makes another one."""
    shape = [
        (t.feuille, t.prefix, t.formulaire, t.cles, [(c.nom, c.genre, c.choix) for c in t.colonnes]) for t in tableaux
    ]
    text = json.dumps(shape, default=str, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _machine(value, colonne):
    """A saved value as a spreadsheet cell: the label of a choice, a number, a date, a text."""
    if value is None or value == "":
        return None
    if colonne.genre == "choix":
        return dict(colonne.choix).get(str(value), str(value))
    if colonne.genre in ("entier", "nombre") and isinstance(value, int | Decimal):
        value = Decimal(value)
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _format(colonne):
    if colonne.genre == "date":
        return "DD/MM/YYYY"
    if colonne.genre in ("entier", "nombre"):
        places = colonne.bound.places if colonne.bound else 0
        return "#,##0" if places == 0 else "#,##0." + "0" * places
    return "@" if colonne.genre == "texte" else "General"


def _validation(colonne, listes):
    common = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "Valeur refusée"}
    bound = colonne.bound
    if colonne.genre in ("entier", "nombre") and bound is not None:
        places = bound.places
        return DataValidation(
            type="whole" if places == 0 else "decimal",
            operator="between",
            formula1=str(bound.minimum),
            formula2=str(bound.maximum),
            error=f"Saisissez un nombre {'entier ' if places == 0 else ''}{bound.range_text}"
            + (f", au plus {places} décimales." if places else "."),
            **common,
        )
    if colonne.genre == "choix" and colonne.choix:
        return DataValidation(type="list", formula1=listes[colonne], error="Choisissez dans la liste.", **common)
    if colonne.genre == "texte" and colonne.longueur:
        return DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(colonne.longueur),
            error=f"Au plus {format_nombre(colonne.longueur)} caractères.",
            **common,
        )
    if colonne.genre == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1", error="Saisissez une date.", **common)
    return None


def _listes(wb, tableaux):
    """The very hidden sheet of the choice labels: one column per choice list, {Colonne: its range}."""
    ws = wb.create_sheet(FEUILLE_LISTES)
    ranges, col = {}, 0
    for tableau in tableaux:
        for colonne in tableau.colonnes:
            if colonne.genre != "choix" or not colonne.choix or colonne in ranges:
                continue
            col += 1
            letter = get_column_letter(col)
            for row, (_value, label) in enumerate(colonne.choix, start=1):
                ecrire(ws, row, col, label)
            ranges[colonne] = f"{quote_sheetname(FEUILLE_LISTES)}!${letter}$1:${letter}${len(colonne.choix)}"
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    return ranges


def _cell(ws, row, col, value, colonne, editable):
    cell = ecrire(ws, row, col, _machine(value, colonne))
    cell.number_format = _format(colonne)
    if colonne.genre == "texte":
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if editable:
        cell.protection = Protection(locked=False)
        cell.fill = SAISIE_FILL
    else:
        cell.fill = FIGE_FILL
    return cell


def _feuille_formulaire(ws, tableau):
    for col, text in enumerate(("Rubrique", "Valeur"), start=1):
        ecrire(ws, HEADER_ROW, col, text).font = Font(bold=True)
    initial = tableau.lignes[0]
    for index, colonne in enumerate(tableau.colonnes):
        ecrire(ws, FIRST_ROW + index, 1, colonne.libelle).alignment = Alignment(wrap_text=True, vertical="top")
        _cell(ws, FIRST_ROW + index, 2, initial.get(colonne.nom), colonne, tableau.editable)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 60


def _feuille_lignes(ws, tableau):
    headers = (["Ligne"] if tableau.fixe else []) + [c.libelle for c in tableau.colonnes]
    n1 = [c for c in tableau.colonnes if tableau.n1] if tableau.fixe else []
    headers += [f"{c.libelle} — {tableau.annee_n1} (N−1)" for c in n1]
    for col, text in enumerate(headers, start=1):
        cell = ecrire(ws, HEADER_ROW, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index in range(tableau.nb_lignes):
        row = FIRST_ROW + index
        initial = tableau.lignes[index] if index < len(tableau.lignes) else {}
        if tableau.fixe:
            ecrire(ws, row, 1, tableau.cles[index][1]).alignment = Alignment(wrap_text=True, vertical="top")
        for position, colonne in enumerate(tableau.colonnes):
            _cell(ws, row, tableau.decalage + position, initial.get(colonne.nom), colonne, tableau.editable)
        precedent = tableau.n1.get(tableau.cles[index][0], {}) if tableau.fixe else {}
        for position, colonne in enumerate(n1):
            cell = _cell(ws, row, tableau.nb_colonnes + 1 + position, precedent.get(colonne.nom), colonne, False)
            cell.fill = N1_FILL
    if tableau.fixe:
        ws.column_dimensions["A"].width = 40
    for position, colonne in enumerate(tableau.colonnes + n1):
        width = 40 if colonne.genre == "texte" else 18
        ws.column_dimensions[get_column_letter(tableau.decalage + position)].width = width


def construire(cle, titre, tableaux):
    """The workbook (bytes) of `tableaux`, stamped with `cle`."""
    wb = Workbook()
    wb.remove(wb.active)
    listes = _listes(wb, tableaux) if any(t.editable for t in tableaux) else {}
    for tableau in tableaux:
        ws = wb.create_sheet(tableau.feuille, len(wb.sheetnames) - 1)
        ecrire(ws, 1, 1, f"{tableau.feuille} — {titre}")
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = (
            "Saisissez dans les cases blanches, sans formule ; pour supprimer une ligne, videz toutes ses cases. "
            "Puis envoyez le classeur depuis la page : elle montre chaque changement avant de l'enregistrer."
            if tableau.editable
            else "Classeur en lecture seule : vous ne pouvez pas modifier cette section."
        )
        if tableau.formulaire:
            _feuille_formulaire(ws, tableau)
        else:
            _feuille_lignes(ws, tableau)
        if tableau.editable:
            first, last = FIRST_ROW, FIRST_ROW + tableau.nb_lignes - 1
            for position, colonne in enumerate(tableau.colonnes):
                dv = _validation(colonne, listes)
                if dv is None or last < first:
                    continue
                if tableau.formulaire:
                    dv.add(f"B{FIRST_ROW + position}")
                else:
                    letter = get_column_letter(tableau.decalage + position)
                    dv.add(f"{letter}{first}:{letter}{last}")
                ws.add_data_validation(dv)
        ws.freeze_panes = ws.cell(FIRST_ROW, tableau.decalage)
        ws.protection.sheet = True  # no password: the locks guide, the upload checks
    stamp = wb.create_sheet(FEUILLE_CLE)
    for name, value in cle.rows():
        stamp.append([name, value])
    stamp.sheet_state = "veryHidden"
    stamp.protection.sheet = True
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cle(wb):
    values = lire_cle(wb, FEUILLE_CLE, SANS_CLE)
    try:
        return Cle(
            str(values["region"]),
            int(values["exercice"]),
            str(values["section"]),
            str(values["structure"]),
            int(values["version"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ClasseurRefuse(SANS_CLE) from error


@dataclass
class Lecture:
    """What an uploaded workbook says: its stamp and, per sheet, its rows of (value, is a formula) cells."""

    cle: Cle
    feuilles: dict  # {sheet name: [[(value, formula?)]]}, None for a missing sheet


def _row(cells, width):
    row = [(c.value, getattr(c, "data_type", None) == "f") for c in cells][:width]
    return row + [(None, False)] * (width - len(row))


def lire(data, tableaux):
    """Read an uploaded workbook (bytes) over the rows and columns `tableaux` allow; ClasseurRefuse if unreadable."""
    wb = ouvrir(data)
    try:
        lecture = Lecture(_cle(wb), {})
        for tableau in tableaux:
            if tableau.feuille not in wb.sheetnames:
                lecture.feuilles[tableau.feuille] = None
                continue
            width = tableau.nb_colonnes
            last = FIRST_ROW + tableau.nb_lignes - 1
            rows = [
                _row(cells, width)
                for cells in wb[tableau.feuille].iter_rows(min_row=FIRST_ROW, max_row=last, max_col=width)
            ]
            rows += [_row((), width)] * (tableau.nb_lignes - len(rows))
            lecture.feuilles[tableau.feuille] = rows[: tableau.nb_lignes]
        return lecture
    except ClasseurRefuse:
        raise
    except Exception as error:  # a malformed sheet inside a valid zip
        raise ClasseurRefuse(ILLISIBLE) from error
    finally:
        wb.close()
