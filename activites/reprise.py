"""« Reprendre l'exercice précédent » for II.3: last year's districts and partners copied into an empty section.

The guarded copy, its refusals and messages are the shared rule of caisses.reprise (as for I.2 and I.4 in
effectifs.reprise).
"""

from caisses.numbers import format_nombre
from caisses.plan import EtatSection
from caisses.reprise import Copie, RepriseRefusee, offre, reprendre

from . import queries
from .models import Circonscription, PartieDeux

__all__ = ["RepriseRefusee", "offre_ii3", "reprendre_ii3"]

SECTION = "II.3"
TEXTE_PARTENAIRES = "le texte « Partenaires et évolution constatée de la coordination » (à mettre à jour pour l'année)"


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
    return offre(rapport, _copie_ii3)


def reprendre_ii3(rapport, version):
    """II.3: last year's districts and partners text into an empty II.3, through the write guard; the Copie."""
    return reprendre(rapport, SECTION, version, queries.etat_ii3, _copie_ii3)
