"""« Reprendre l'exercice précédent » for II.3: last year's districts and partners copied into an empty section.

The twin of effectifs.reprise (same rule, same messages) for Part II, which may not import Part I. A section
counts as empty only when nothing at all was entered in it (its state « vide »): partly filled, nothing is
copied, so that the copy never mixes with nor overwrites what was typed. The copy runs in
`caisses.guard.save_section` with the page's version (sent report, closed exercice or older page: refused;
all or nothing), and saves new rows one by one so that django-simple-history records each with its reason.
"""

from dataclasses import dataclass, field

from caisses.guard import ConflitDeVersion, VersionInvalide, save_section
from caisses.models import RapportAnnuel
from caisses.numbers import format_nombre
from caisses.plan import EtatSection

from . import queries
from .models import Circonscription, PartieDeux

SECTION = "II.3"
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
TEXTE_PARTENAIRES = "le texte « Partenaires et évolution constatée de la coordination » (à mettre à jour pour l'année)"


class RepriseRefusee(Exception):
    """Nothing was copied; the message (French) says why."""


@dataclass
class Copie:
    """What a reprise writes (unsaved rows) or wrote, in words for the page."""

    annee: int
    section: str
    lignes: list = field(default_factory=list)  # unsaved model instances, saved in this order
    quoi: list = field(default_factory=list)
    ecartes: list = field(default_factory=list)  # always empty here: districts point at no unit

    @property
    def resume(self):
        return ", ".join(self.quoi)

    @property
    def message(self):
        return (
            f"Reprise de l'exercice {self.annee} effectuée : {self.resume}. "
            "Vérifiez ces lignes et corrigez ce qui a changé cette année."
        )


def rapport_precedent(rapport):
    """The report of the same region for the exercice before, or None."""
    return (
        RapportAnnuel.objects.select_related("caisse", "exercice")
        .filter(caisse_id=rapport.caisse_id, exercice__annee=rapport.exercice.annee - 1)
        .first()
    )


def _copie_ii3(rapport, source):
    copie = Copie(source.exercice.annee, SECTION)
    districts = [
        Circonscription(rapport=rapport, nom=c.nom, territoire=c.territoire, referent=c.referent, ordre=position)
        for position, c in enumerate(Circonscription.objects.filter(rapport_id=source.pk))
    ]
    copie.lignes += districts
    if districts:
        n = len(districts)
        copie.quoi.append(f"{format_nombre(n)} circonscription{'s' if n > 1 else ''}")
    texte = PartieDeux.objects.filter(rapport_id=source.pk).values_list("coordination_commentaire", flat=True).first()
    if texte and texte.strip():
        # Part II's narratives share one row per report: the other sections' texts already there stay as they are.
        partie = PartieDeux.objects.filter(rapport_id=rapport.pk).first() or PartieDeux(rapport=rapport)
        partie.coordination_commentaire = texte
        copie.lignes.append(partie)
        copie.quoi.append(TEXTE_PARTENAIRES)
    return copie


def offre_ii3(contract):
    """What the button would copy now (a Copie), or None when it is not offered to this user.

    Offered to whoever may change the region's data of the report (II.3 is region-wide), on an empty II.3,
    when last year's report has something in it.
    """
    rapport = contract.rapport
    if not contract.region_editable or queries.etat_ii3(rapport) != EtatSection.VIDE:
        return None
    source = rapport_precedent(rapport)
    if source is None:
        return None
    copie = _copie_ii3(rapport, source)
    return copie if copie.lignes else None


def reprendre_ii3(rapport, version):
    """II.3: last year's districts and partners text into an empty II.3, through the write guard; the Copie."""
    annee = rapport.exercice.annee - 1
    done = []

    def write(locked):
        # Read again under the guard's lock: what the page showed may have changed since.
        if queries.etat_ii3(locked) != EtatSection.VIDE:
            raise RepriseRefusee(NON_VIDE.format(section=SECTION))
        source = rapport_precedent(locked)
        if source is None:
            raise RepriseRefusee(SANS_PRECEDENT.format(annee=annee))
        copie = _copie_ii3(locked, source)
        if not copie.lignes:
            raise RepriseRefusee(RIEN_A_REPRENDRE.format(annee=annee, section=SECTION))
        for row in copie.lignes:
            row.rapport = locked
            row._change_reason = RAISON.format(annee=annee)
            row.save()
        done.append(copie)

    try:
        save_section(rapport, SECTION, version, write)
    except VersionInvalide:
        raise RepriseRefusee(PAGE_SANS_VERSION) from None
    except ConflitDeVersion:
        raise RepriseRefusee(PAGE_PERIMEE.format(section=SECTION)) from None
    return done[0]
