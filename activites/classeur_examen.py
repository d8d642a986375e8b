"""An uploaded II.1 workbook checked against the report: its stamp, then every cell through the grid's own rules.

The cells read (activites.classeur.lire) become the same posted cells as the grid form, and `Grille.bind` parses,
bounds and checks them exactly as for the form; each refusal is then put back at its sheet and cell. A cell left
as it was downloaded is not read at all, so a workbook never undoes what was saved after its download. A changed
cell of a unit the user may not change counts only if it differs from what is saved: then it is an error there.
"""

from dataclasses import dataclass, field

from caisses.numbers import NombreInvalide, format_saisi, parse_nombre

from . import classeur
from .grid import field_name

AUTRE_RAPPORT = (
    "Ce classeur est celui du rapport de {} pour l'exercice {}, pas de celui-ci ({}, exercice {}) : rien n'a été lu."
)
AUTRE_CATALOGUE = (
    "Ce classeur a été fait avec une autre version du catalogue des indicateurs (modifié depuis son "
    "téléchargement) : rien n'a été lu. Téléchargez à nouveau le classeur et reportez-y vos chiffres."
)
AUTRE_UNITE = "Ce classeur est celui d'une unité qui n'est pas de cette région ({}) : rien n'a été lu."
UNITE_INTERDITE = "Ce classeur est celui de « {} », dont vous ne pouvez pas modifier les chiffres : rien n'a été lu."
COLONNE_INCONNUE = "cette colonne n'est pas celle d'une unité de ce classeur (classeur modifié) ; rien n'a été lu"
LIGNE_INCONNUE = "la ligne « {} » n'est pas un indicateur saisi de l'exercice (classeur modifié)"
EN_DOUBLE = "ce chiffre figure deux fois dans le classeur (classeur modifié)"
NON_MODIFIABLE = "vous ne pouvez pas modifier les chiffres de « {} » ; remettez la valeur enregistrée ({})"
RIEN_A_MODIFIER = "Rien à modifier : le classeur reprend les chiffres déjà enregistrés."
VIDE = "vide"


@dataclass(frozen=True)
class Changement:
    unite: str
    libelle: str
    ancien: str
    nouveau: str
    cellule: str
    nom: str  # the grid's field name, posted again on apply
    valeur: str  # the new value unlocalised ("" to erase), re-validated on apply


@dataclass
class Examen:
    changements: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)  # [(« Feuille II.1, cellule D7 », message)]

    @property
    def rien_a_modifier(self):
        return not self.erreurs and not self.changements


def verifier_cle(cle, rapport, catalogue, grille):
    """Refuse (ClasseurRefuse) a workbook of another report, catalogue or region's unit, or a unit not the user's."""
    annee = rapport.exercice.annee
    if cle.region != rapport.caisse.code or cle.annee != annee:
        raise classeur.ClasseurRefuse(AUTRE_RAPPORT.format(cle.region, cle.annee, rapport.caisse.code, annee))
    if cle.catalogue != catalogue:
        raise classeur.ClasseurRefuse(AUTRE_CATALOGUE)
    if cle.unite == classeur.TOUT:
        return
    unite = {u.form_key: u for u in grille.unites if not u.is_region}.get(cle.unite)
    if unite is None:
        raise classeur.ClasseurRefuse(AUTRE_UNITE.format(cle.unite[:40]))
    if unite.key not in grille.editable_keys:
        refused = classeur.ClasseurRefuse(UNITE_INTERDITE.format(unite.nom))
        refused.status = 403
        raise refused


def _shown(value, bound):
    return VIDE if value is None else format_saisi(value, bound)


class _Lecteur:
    """Turns the cells read into the grid's posted cells, keeping where each came from."""

    def __init__(self, grille, cle, origine):
        self.grille = grille
        self.cle = cle
        self.origine = origine
        self.unites = {u.form_key: u for u in grille.unites}
        self.specs = {s.code: s for s in grille.editable_specs()}
        self.bounds = {i.code: i.bound for i in grille.indicateurs}
        self.data, self.where, self.erreurs = {}, {}, []
        self._flagged = set()

    def _once(self, what, coordinate, message):
        if what not in self._flagged:
            self._flagged.add(what)
            self.erreurs.append((classeur.position(coordinate), message))

    def cell(self, key, code, coordinate, value):
        unite = self.unites.get(key)
        if unite is None or (self.cle.unite != classeur.TOUT and key != self.cle.unite):
            return self._once(("unite", key), coordinate, COLONNE_INCONNUE)
        if code not in self.specs:
            return self._once(("code", code), coordinate, LIGNE_INCONNUE.format(code[:60]))
        if (unite.key, code) in self.where:
            return self.erreurs.append((classeur.position(coordinate), EN_DOUBLE))
        self.where[(unite.key, code)] = coordinate
        text = classeur.texte_de(value)
        if self._as_downloaded(key, code, text):
            return None  # left as it was: what was saved since the download stays
        if unite.key not in self.grille.editable_keys:
            return self._unchanged(unite, code, coordinate, text)
        if text is None:
            return self.erreurs.append((classeur.position(coordinate), classeur.PAS_UN_NOMBRE))
        self.data[field_name(unite, code)] = text

    def _as_downloaded(self, key, code, text):
        if (key, code) not in self.origine or text is None:
            return False
        try:
            return parse_nombre(text) == parse_nombre(classeur.texte_de(self.origine[(key, code)]) or "")
        except NombreInvalide:
            return False

    def _unchanged(self, unite, code, coordinate, text):
        bound = self.bounds[code]
        saved = self.grille.valeurs.get(unite.key, {}).get(code)
        try:
            same = text is not None and parse_nombre(text, bound) == saved
        except NombreInvalide:
            same = False
        if not same:
            message = NON_MODIFIABLE.format(unite.nom, _shown(saved, bound))
            self.erreurs.append((classeur.position(coordinate), message))


def _message(error):
    return str(error).rstrip(".")


def examiner(lecture, grille):
    """The preview of an uploaded workbook: every change (old → new) and every refusal at its cell.

    `grille` (activites.grid.Grille of the whole report) is bound with the workbook's figures: its refusals
    (format, bound, rules) are the form's own.
    """
    lecteur = _Lecteur(grille, lecture.cle, lecture.origine)
    for coordinate, message in lecture.erreurs:
        lecteur.erreurs.append((classeur.position(coordinate), message))
    for key, code, coordinate, value in lecture.cellules:
        lecteur.cell(key, code, coordinate, value)
    grille.bind(lecteur.data)
    examen = Examen(erreurs=lecteur.erreurs)
    for (unit, code), message in grille.format_errors.items():
        examen.erreurs.append((classeur.position(lecteur.where.get((unit, code))), _message(message)))
    for erreur in grille.blocking:
        if erreur.key not in grille.format_errors:
            examen.erreurs.append((classeur.position(lecteur.where.get(erreur.key)), _message(erreur.message)))
    examen.changements = changements(grille, lecteur.where)
    return examen


def changements(grille, where=None):
    """The changes a bound Grille would write, old → new in French, with the cell each was read from."""
    where = where or {}
    units = grille.unit_by_key()
    bounds = {i.code: i.bound for i in grille.indicateurs}
    libelles = {s.code: s.libelle for s in grille.specs}
    result = []
    for (unit, code), value in grille.changes.items():
        bound, unite = bounds[code], units[unit]
        result.append(
            Changement(
                unite.nom,
                libelles[code],
                _shown(grille.valeurs.get(unit, {}).get(code), bound),
                _shown(value, bound),
                where.get((unit, code), ""),
                field_name(unite, code),
                "" if value is None else format(value, "f"),
            )
        )
    return result
