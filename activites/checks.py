"""Part II's findings for the transmission (caisses.checks.CHECKS): the catalogue's rules on the figures.

Each finding names its row and who fixes it, and links to its cell in the grid page of its group
(`?groupe=…#cellule-…`), where grille.js focuses and highlights the cell.
"""

from caisses.checks import Constat, entry_url

from . import aggregation, queries
from .grid import RESPONSABLE, TOTAL_UNIT, cell_id, lien_cellule
from .rules import REGION, TOTAL, check_rapport


def _champ(erreur):
    if not erreur.code:
        return ""
    if erreur.unite == TOTAL:
        return cell_id(TOTAL_UNIT, erreur.code)
    return cell_id(queries.Unite(erreur.unite, "", None, erreur.unite or "", ""), erreur.code)


def _qui(erreur, noms):
    """Which row, and who fixes it whoever reads the transmission page: the region's row and totals are the
    responsable's, a unit's row its agents' (or the responsable's)."""
    if erreur.unite == TOTAL:
        return RESPONSABLE
    if erreur.unite == REGION:
        return f"{noms.get(REGION, 'Région (ensemble)')}, {RESPONSABLE}"
    return f"{noms.get(erreur.unite, erreur.unite)}, à corriger par cette unité ou par le responsable régional"


def constats_ii1(rapport):
    """(errors, warnings) of II.1 as Constat, each pointing at its cell of the grid."""
    found = check_rapport(rapport)
    if not any(e.code for e in found):
        groupes, noms = {}, {}
    else:
        groupes = {i.code: i.groupe.code for i in queries.catalogue(rapport.exercice.annee)}
        groupes.update({s.code: s.groupe for s in aggregation.computed_specs()})
        noms = {u.key: u.nom for u in queries.unites_de(rapport.caisse)}
    page = entry_url(rapport, "II.1")
    errors, warnings = [], []
    for erreur in found:
        champ = _champ(erreur)
        message = f"{erreur.message} — {_qui(erreur, noms)}" if erreur.code else erreur.message
        url = page + lien_cellule(groupes.get(erreur.code, ""), champ) if page and champ else ""
        constat = Constat(message=message, section="II.1", champ=champ, url=url)
        (errors if erreur.is_error else warnings).append(constat)
    return errors, warnings
