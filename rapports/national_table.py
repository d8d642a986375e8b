"""The national table's columns, filters and sort: one definition for the page, the spreadsheet and the CSV."""

import re
import unicodedata
from dataclasses import dataclass, replace

from caisses import numbers


@dataclass(frozen=True)
class Colonne:
    cle: str  # the ?tri= value
    libelle: str
    valeur: object  # LigneRegion → raw value (str, bool, int, Decimal or None): sort key and spreadsheet cell
    format: str = "texte"  # texte, oui_non, nombre, pourcent, evolution (relative, in %), points (of a rate)
    decimales: int = 0
    total: object = None  # SyntheseNationale → raw value of the national row, or None
    affiche: object = None  # LigneRegion → text, when the raw value alone cannot say it (evolution)
    affiche_total: object = None  # SyntheseNationale → text of the national row
    sur_page: bool = True  # False: in the files only (the page shows it elsewhere)
    groupe: str = ""  # the page's column group (GROUPES) that shows it; "": always shown

    @property
    def numerique(self):
        return self.format not in ("texte", "oui_non")

    def texte(self, value):
        """A raw value in French format, as the page and the PDF show it."""
        if self.format == "oui_non":
            return "Oui" if value else "Non"
        if self.format == "pourcent":
            return numbers.format_pourcent(value, self.decimales)
        if self.format == "points":
            return numbers.format_points(value, self.decimales)
        if self.format in ("nombre", "evolution"):
            return numbers.format_nombre(value, self.decimales)
        return "" if value is None else str(value)

    def cellule(self, ligne):
        return self.affiche(ligne) if self.affiche else self.texte(self.valeur(ligne))

    def cellule_total(self, synthese):
        if self.affiche_total:
            return self.affiche_total(synthese)
        return self.texte(self.total(synthese)) if self.total else ""


def points(n, n1):
    """The evolution of a rate printed at 1 decimal, in points (caisses.numbers.variation)."""
    return numbers.variation(n, n1, numbers.TAUX, 1)


# The page's column groups: a reviewer picks those to see (?colonnes=…), so that the columns compared fit a
# 1 366 px screen; the files and the PDF keep every column.
GROUPES = (
    ("suivi", "Suivi des rapports"),
    ("personnes", "Personnes aidées"),
    ("moyens", "Effectifs"),
    ("ratios", "Ratios clés"),
)
GROUPES_PAR_DEFAUT = ("suivi", "personnes", "ratios")


def _groupe(cle):
    for groupe, cles in (
        ("suivi", ("etat", "retard", "sections")),
        ("personnes", ("personnes", "personnes_n1", "evolution", "individuel", "collectif")),
        ("moyens", ("etp", "etp_as")),
        ("ratios", ("formation", "formation_n1", "evolution_formation", "par_etp")),
    ):
        if cle in cles:
            return groupe
    return ""


def visibles(annee, groupes):
    """The page's columns for the chosen groups (the defaults when none is chosen)."""
    groupes = set(groupes or GROUPES_PAR_DEFAUT)
    shown = [c for c in colonnes(annee) if c.sur_page and (not c.groupe or c.groupe in groupes)]
    # The ratios a reviewer compares come right after the report's state, before the counts they are made of.
    order = ["", "suivi", "ratios", "personnes", "moyens"]
    return sorted(shown, key=lambda c: order.index(c.groupe))


def colonnes(annee):
    return [replace(colonne, groupe=_groupe(colonne.cle)) for colonne in _colonnes(annee)]


def _colonnes(annee):
    n1 = annee - 1
    return [
        Colonne("region", "Caisse régionale", lambda r: r.region.nom),
        Colonne("code", "Code", lambda r: r.region.code, sur_page=False),
        Colonne("etat", "État du rapport", lambda r: r.etat_libelle),
        Colonne("retard", "En retard", lambda r: r.en_retard, "oui_non"),
        Colonne(
            "sections",
            "Sections complètes",
            lambda r: r.sections_completes,
            "nombre",
            total=lambda s: sum(ligne.sections_completes for ligne in s.lignes),
        ),
        Colonne(
            "personnes",
            f"Personnes aidées {annee}",
            lambda r: r.n.personnes_aidees,
            "nombre",
            total=lambda s: s.total.personnes_aidees,
        ),
        Colonne(
            "personnes_n1",
            f"Personnes aidées {n1}",
            lambda r: r.n1.personnes_aidees,
            "nombre",
            total=lambda s: s.total_n1.personnes_aidees,
        ),
        Colonne(
            "evolution",
            f"Évolution {n1}–{annee}",
            lambda r: r.evolution_personnes,
            "evolution",
            2,
            total=lambda s: numbers.evolution(s.total.personnes_aidees, s.total_n1.personnes_aidees),
            affiche=lambda r: numbers.format_variation(r.n.personnes_aidees, r.n1.personnes_aidees),
            affiche_total=lambda s: numbers.format_variation(s.total.personnes_aidees, s.total_n1.personnes_aidees),
        ),
        Colonne(
            "individuel",
            "dont individuellement",
            lambda r: r.n.individuel,
            "nombre",
            total=lambda s: s.total.individuel,
        ),
        Colonne(
            "collectif", "dont collectivement", lambda r: r.n.collectif, "nombre", total=lambda s: s.total.collectif
        ),
        Colonne(
            "etp",
            "ETP réel au 31 décembre",
            lambda r: r.n.etp_reel,
            "nombre",
            2,
            total=lambda s: s.total.etp_reel,
        ),
        Colonne(
            "etp_as",
            "dont ETP d'assistants sociaux",
            lambda r: r.n.etp_assistants_sociaux,
            "nombre",
            2,
            total=lambda s: s.total.etp_assistants_sociaux,
        ),
        Colonne(
            "formation",
            "Temps passé en formation",
            lambda r: r.n.taux_formation,
            "pourcent",
            1,
            total=lambda s: s.total.taux_formation,
        ),
        Colonne(
            "formation_n1",
            f"Temps passé en formation {n1}",
            lambda r: r.n1.taux_formation,
            "pourcent",
            1,
            total=lambda s: s.total_n1.taux_formation,
            sur_page=False,
        ),
        Colonne(
            "evolution_formation",
            f"Évolution du temps passé en formation {n1}–{annee}",
            lambda r: points(r.n.taux_formation, r.n1.taux_formation),
            "points",
            1,
            total=lambda s: points(s.total.taux_formation, s.total_n1.taux_formation),
        ),
        Colonne(
            "par_etp",
            "Personnes aidées par ETP d'assistant social",
            lambda r: r.n.personnes_par_etp,
            "nombre",
            1,
            total=lambda s: s.total.personnes_par_etp,
        ),
    ]


# --- Filtering and sorting (server side) ---------------------------------------------------------------------


def filtrer(lignes, etat="", retard=False, recherche=""):
    """The regions in a state, late only, or whose name or code contains `recherche` (case and accents kept)."""
    recherche = recherche.strip().casefold()
    result = []
    for ligne in lignes:
        if etat and ligne.etat != etat:
            continue
        if retard and not ligne.en_retard:
            continue
        if recherche and recherche not in ligne.region.nom.casefold() and recherche not in ligne.region.code.casefold():
            continue
        result.append(ligne)
    return result


def cle_naturelle(text):
    """The order a reader expects: « Région 4 » before « Région 10 », « Île-de-France » among the I, case ignored.

    Digits and text alternate in the split (it starts with text, maybe empty), so two keys compare int to int."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return [int(part) if index % 2 else part for index, part in enumerate(re.split(r"(\d+)", plain))]


def trier(lignes, colonne, descendant=False):
    """Sorted by one column; regions without a value always come last, then by name (natural order)."""
    present = [ligne for ligne in lignes if colonne.valeur(ligne) is not None]
    missing = [ligne for ligne in lignes if colonne.valeur(ligne) is None]

    def key(ligne):
        value = colonne.valeur(ligne)
        return cle_naturelle(value) if isinstance(value, str) else value

    def by_name(ligne):
        return cle_naturelle(ligne.region.nom)

    present.sort(key=by_name)
    present.sort(key=key, reverse=descendant)
    missing.sort(key=by_name)
    return present + missing
