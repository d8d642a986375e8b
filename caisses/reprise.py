"""« Reprendre l'exercice précédent »: the rule shared by the parts (effectifs.reprise for I.2 and I.4,
activites.reprise for II.3), which may not import one another.

A section counts as empty only when nothing at all was entered in it (its state « vide »): partly filled, nothing
is copied, so that the copy never mixes with nor overwrites what was typed. The copy runs in
`caisses.guard.save_section` with the page's version: a sent report or a closed exercice refuses it, a page older
than the section refuses it, and it is all or nothing. The copies are new rows of this year's report, saved one
by one so that django-simple-history records each creation with its reason.
"""

from dataclasses import dataclass, field

from .guard import ConflitDeVersion, VersionInvalide, save_section
from .models import RapportAnnuel
from .plan import EtatSection

RAISON = "Reprise de l'exercice {annee}"
SANS_PRECEDENT = "Aucun rapport de l'exercice {annee} pour cette caisse : il n'y a rien à reprendre."
RIEN_A_REPRENDRE = (
    "Le rapport de l'exercice {annee} n'a rien à reprendre dans la section {section} : rien n'a été copié."
)
NON_VIDE = (
    "La section {section} n'est plus vide : la reprise de l'exercice précédent ne se fait que dans une section "
    "vide, pour ne jamais écraser une saisie. Rien n'a été copié."
)
PAGE_PERIMEE = (
    "La section {section} a été modifiée depuis l'ouverture de la page : rien n'a été copié. "
    "Vérifiez-la ci-dessous avant de reprendre l'exercice précédent."
)
PAGE_SANS_VERSION = "La page envoyée ne dit pas de quelle version de la section elle part : rien n'a été copié."


class RepriseRefusee(Exception):
    """Nothing was copied; the message (French) says why."""


@dataclass
class Copie:
    """What a reprise writes (unsaved rows) or wrote, in words for the page."""

    annee: int
    section: str
    lignes: list = field(default_factory=list)  # unsaved model instances, saved in this order
    quoi: list = field(default_factory=list)  # « 3 conventions », « l'équipement »
    ecartes: list = field(default_factory=list)  # rows of last year left out, and why

    @property
    def resume(self):
        return ", ".join(self.quoi)

    @property
    def message(self):
        text = (
            f"Reprise de l'exercice {self.annee} effectuée : {self.resume}. "
            "Vérifiez ces lignes et corrigez ce qui a changé cette année."
        )
        return " ".join([text, *self.ecartes])


def rapport_precedent(rapport):
    """The report of the same region for the exercice before, or None."""
    return (
        RapportAnnuel.objects.select_related("caisse", "exercice")
        .filter(caisse_id=rapport.caisse_id, exercice__annee=rapport.exercice.annee - 1)
        .first()
    )


def offre(rapport, copier):
    """What `copier(rapport, last year's report)` would copy now (a Copie), or None when there is nothing."""
    source = rapport_precedent(rapport)
    if source is None:
        return None
    copie = copier(rapport, source)
    return copie if copie.lignes else None


def reprendre(rapport, section, version, etat, copier):
    """Copy last year's rows of `section` into `rapport` through the write guard; return the Copie written.

    `etat(rapport)`: the section's state, read again under the guard's lock; `copier(rapport, source)`: the Copie.
    """
    annee = rapport.exercice.annee - 1
    done = []

    def write(locked):
        # Read again under the guard's lock: what the page showed may have changed since.
        if etat(locked) != EtatSection.VIDE:
            raise RepriseRefusee(NON_VIDE.format(section=section))
        source = rapport_precedent(locked)
        if source is None:
            raise RepriseRefusee(SANS_PRECEDENT.format(annee=annee))
        copie = copier(locked, source)
        if not copie.lignes:
            raise RepriseRefusee(RIEN_A_REPRENDRE.format(annee=annee, section=section))
        for row in copie.lignes:
            row.rapport = locked
            row._change_reason = RAISON.format(annee=annee)
            row.save()
        done.append(copie)

    try:
        save_section(rapport, section, version, write)
    except VersionInvalide:
        raise RepriseRefusee(PAGE_SANS_VERSION) from None
    except ConflitDeVersion:
        raise RepriseRefusee(PAGE_PERIMEE.format(section=section)) from None
    return done[0]
