"""An uploaded Part I workbook checked against the page: its stamp, then every cell through the page's own forms.

The sheets read (effectifs.classeur.lire) become the same POST data as the section form (management forms, one
entry per cell, the version), the page binds its forms with it exactly as on a save, and each refusal is put back
at its sheet and cell. The preview lists every change; applying it posts that data to the section's own page.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.forms.formsets import DELETION_FIELD_NAME, INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.utils import ErrorDict

from caisses.classeurs import ClasseurRefuse, texte_de
from caisses.numbers import format_date, format_saisi

from .classeur import FIRST_ROW

AUTRE_RAPPORT = (
    "Ce classeur est celui du rapport de {} pour l'exercice {}, pas de celui-ci ({}, exercice {}) : rien n'a été lu."
)
AUTRE_SECTION = "Ce classeur est celui de la section {}, pas de la section {} : rien n'a été lu."
AUTRE_STRUCTURE = (
    "Ce classeur ne peut pas être lu : la liste des catégories, sites ou caisses a changé depuis le "
    "téléchargement (ou vos droits sur la section). Téléchargez à nouveau le classeur et reportez-y vos données."
)
VERSION_ANCIENNE = (
    "Rien n'a été lu, car la section a été enregistrée depuis le téléchargement de ce classeur : téléchargez-le à "
    "nouveau, puis reportez-y vos données."
)
RIEN_A_MODIFIER = "Rien à modifier : le classeur reprend les chiffres déjà enregistrés."
FEUILLE_MANQUE = "cette feuille manque au classeur (classeur modifié)"
FORMULE = {
    "texte": "une formule n'est pas acceptée, saisissez un texte",
    "choix": "une formule n'est pas acceptée, choisissez dans la liste",
    "date": "une formule n'est pas acceptée, saisissez une date",
}
FORMULE_NOMBRE = "une formule n'est pas acceptée, saisissez un nombre"
PAS_UN_NOMBRE = "saisissez un nombre (par exemple 1 234 ou 12,5)"
PAS_UNE_DATE = "saisissez une date (par exemple 31/12/2025)"
CHOIX_INCONNU = "« {} » n'est pas dans la liste : choisissez l'une de ses valeurs"
LIGNE_AJOUTEE, LIGNE_SUPPRIMEE = "Ligne ajoutée", "Ligne supprimée"
VIDE = "vide"


@dataclass(frozen=True)
class Changement:
    feuille: str
    ligne: str
    champ: str
    ancien: str
    nouveau: str
    cellule: str


@dataclass
class Examen:
    data: dict = field(default_factory=dict)  # the section form's POST data
    changements: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)  # [(« Feuille I.3 Formations, cellule E6 », message)]
    where: dict = field(default_factory=dict)  # {(prefix, form index or None, field): coordinate}
    rows: dict = field(default_factory=dict)  # {(prefix, form index): sheet row}
    flagged: set = field(default_factory=set)  # cells already refused while reading

    @property
    def rien_a_modifier(self):
        return not self.erreurs and not self.changements

    @property
    def champs(self):
        """The POST data as (name, value) pairs, for the preview's hidden inputs."""
        return sorted(self.data.items())


def position(feuille, cellule=None, ligne=None):
    if cellule:
        return f"Feuille {feuille}, cellule {cellule}"
    return f"Feuille {feuille}, ligne {ligne}" if ligne else f"Feuille {feuille}"


def verifier_cle(cle, rapport, section, structure, version):
    """Refuse (ClasseurRefuse) another report's, exercice's or section's workbook, another structure, an old one."""
    annee = rapport.exercice.annee
    if cle.region != rapport.caisse.code or cle.annee != annee:
        raise ClasseurRefuse(AUTRE_RAPPORT.format(cle.region[:40], cle.annee, rapport.caisse.code, annee))
    if cle.section != section:
        raise ClasseurRefuse(AUTRE_SECTION.format(cle.section[:10], section))
    if cle.structure != structure:
        raise ClasseurRefuse(AUTRE_STRUCTURE)
    if cle.version != version:
        # Rows are positional: a row saved since the download would be overwritten by another one.
        raise ClasseurRefuse(VERSION_ANCIENNE, status=409)


def _texte(value, formule, colonne):
    """A cell as the text the form field reads, or (None, message) when it cannot be one."""
    genre = colonne.genre
    if formule:
        return None, FORMULE.get(genre, FORMULE_NOMBRE)
    if value is None:
        return "", None
    if genre in ("entier", "nombre"):
        text = texte_de(value)
        return (text, None) if text is not None else (None, PAS_UN_NOMBRE)
    if genre == "date":
        if isinstance(value, datetime.datetime | datetime.date):
            return f"{value:%Y-%m-%d}", None
        return (value.strip(), None) if isinstance(value, str) else (None, PAS_UNE_DATE)
    if isinstance(value, datetime.datetime | datetime.date):
        value = f"{value:%d/%m/%Y}"
    text = (texte_de(value) if isinstance(value, int | float | Decimal) else str(value)) or ""
    if genre != "choix" or not text.strip():
        return text, None
    wanted = text.strip().casefold()
    for choice, label in colonne.choix:
        if wanted in (label.casefold(), choice.casefold()):
            return choice, None
    return None, CHOIX_INCONNU.format(text.strip()[:60])


def _put(examen, tableau, index, colonne, row_values, slot):
    value, formule = row_values[slot]
    text, message = _texte(value, formule, colonne)
    cellule = tableau.cellule(index, colonne.nom)
    if message:
        examen.erreurs.append((position(tableau.feuille, cellule), message))
        text = ""
    return text, cellule, bool(message)


def poster(lecture, tableaux, version):
    """The section form's POST data from the sheets read, with where each field came from."""
    examen = Examen(data={"version": str(version)})
    for tableau in tableaux:
        rows = lecture.feuilles.get(tableau.feuille)
        if rows is None:
            examen.erreurs.append((position(tableau.feuille), FEUILLE_MANQUE))
            continue
        prefix = tableau.prefix
        if tableau.formulaire:
            for slot, colonne in enumerate(tableau.colonnes):
                text, cellule, refused = _put(examen, tableau, slot, colonne, [rows[slot][1]], 0)
                examen.data[f"{prefix}-{colonne.nom}"] = text
                examen.where[(prefix, None, colonne.nom)] = cellule
                if refused:
                    examen.flagged.add((prefix, None, colonne.nom))
            continue
        saved, added = len(tableau.lignes), 0
        for index, row_values in enumerate(rows):
            values = {}
            for slot, colonne in enumerate(tableau.colonnes, start=tableau.decalage - 1):
                values[colonne] = _put(examen, tableau, index, colonne, row_values, slot)
            empty = all(text == "" and not refused for text, _c, refused in values.values())
            if index >= saved:
                if empty:
                    continue
                form_index = saved + added
                added += 1
            else:
                form_index = index
                if empty and not tableau.fixe:
                    examen.data[f"{prefix}-{form_index}-{DELETION_FIELD_NAME}"] = "on"
            if tableau.fixe:
                examen.data[f"{prefix}-{form_index}-{tableau.cle}"] = tableau.cles[index][0]
            examen.rows[(prefix, form_index)] = FIRST_ROW + index
            for colonne, (text, cellule, refused) in values.items():
                examen.data[f"{prefix}-{form_index}-{colonne.nom}"] = text
                examen.where[(prefix, form_index, colonne.nom)] = cellule
                if refused:
                    examen.flagged.add((prefix, form_index, colonne.nom))
        examen.data[f"{prefix}-{TOTAL_FORM_COUNT}"] = str(saved + added)
        examen.data[f"{prefix}-{INITIAL_FORM_COUNT}"] = str(saved)
    return examen


def _deleted(formset, form):
    return formset.can_delete and formset._should_delete_form(form)


def _errors_of(examen, tableau, prefix, index, errors):
    for name, messages in (errors or ErrorDict()).items():
        if (prefix, index, name) in examen.flagged:
            continue  # refused while reading: said once, at its cell
        if name == "__all__" or (prefix, index, name) not in examen.where:
            where = position(tableau.feuille, ligne=examen.rows.get((prefix, index)))
        else:
            where = position(tableau.feuille, examen.where[(prefix, index, name)])
        for message in messages:
            examen.erreurs.append((where, str(message).rstrip(".")))


def _shown(value, colonne):
    if value is None or value == "":
        return VIDE
    if colonne.genre == "choix":
        return dict(colonne.choix).get(str(value), str(value))
    if colonne.genre in ("entier", "nombre"):
        return format_saisi(value, colonne.bound)
    if colonne.genre == "date":
        return format_date(value)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _resume(values, tableau):
    return " ; ".join(_shown(values.get(c.nom), c) for c in tableau.colonnes if values.get(c.nom) not in (None, ""))


def _changes_of_form(examen, tableau, form, index, ligne):
    for colonne in tableau.colonnes:
        if colonne.nom not in form.changed_data:
            continue
        examen.changements.append(
            Changement(
                tableau.feuille,
                ligne,
                colonne.libelle,
                _shown(form.initial.get(colonne.nom), colonne),
                _shown(form.cleaned_data.get(colonne.nom), colonne),
                examen.where.get((tableau.prefix, index, colonne.nom), ""),
            )
        )


def examiner(examen, tableaux, bound):
    """Errors at their cells, or the changes, of the page's forms bound with `examen.data`."""
    for tableau in tableaux:
        form, prefix = bound[tableau.cle_forms], tableau.prefix
        if not getattr(form, "is_bound", False):
            continue
        if tableau.formulaire:
            form.is_valid()
            _errors_of(examen, tableau, prefix, None, form.errors)
            if not form.errors:
                _changes_of_form(examen, tableau, form, None, tableau.feuille)
            continue
        form.is_valid()
        for message in form.non_form_errors():
            examen.erreurs.append((position(tableau.feuille), str(message).rstrip(".")))
        for index, row in enumerate(form.forms):
            if _deleted(form, row):
                label = f"Ligne {examen.rows.get((prefix, index), '')}"
                resume = _resume(row.initial, tableau) or VIDE
                examen.changements.append(Changement(tableau.feuille, label, LIGNE_SUPPRIMEE, resume, VIDE, ""))
                continue
            _errors_of(examen, tableau, prefix, index, row.errors)
            if row.errors or not row.has_changed():
                continue
            if index < len(tableau.lignes):
                label = tableau.cles[index][1] if tableau.fixe else f"Ligne {examen.rows.get((prefix, index), '')}"
                _changes_of_form(examen, tableau, row, index, label)
            else:
                label = f"Ligne {examen.rows.get((prefix, index), '')}"
                resume = _resume(row.cleaned_data, tableau)
                examen.changements.append(Changement(tableau.feuille, label, LIGNE_AJOUTEE, VIDE, resume, ""))
    if examen.erreurs:
        examen.changements = []
    return examen
