"""Part II's findings for the transmission (caisses.checks.CHECKS): the catalogue's rules on the figures."""

from caisses.checks import Constat

from .grid import cell_id
from .queries import Unite
from .rules import TOTAL, check_rapport


def _champ(erreur):
    if not erreur.code:
        return ""
    if erreur.unite == TOTAL:
        return f"titre-{erreur.code}"
    return cell_id(Unite(erreur.unite, "", None, erreur.unite or "", ""), erreur.code)


def constats_ii1(rapport):
    """(errors, warnings) of II.1 as Constat, each pointing at its cell of the grid."""
    errors, warnings = [], []
    for erreur in check_rapport(rapport):
        constat = Constat(message=erreur.message, section="II.1", champ=_champ(erreur))
        (errors if erreur.is_error else warnings).append(constat)
    return errors, warnings
