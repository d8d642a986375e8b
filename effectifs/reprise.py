"""« Reprendre l'exercice précédent » for I.2 and I.4: last year's structural rows copied into an empty section.

What describes the organisation and changes little from one year to the next is copied (the premises of each
site, the equipment, the conventions, the meetings); what tells the year is not (the improvements obtained or
needed). A section counts as empty only when nothing at all was entered in it (its state « vide »): partly
filled, nothing is copied, so that the copy never mixes with nor overwrites what was typed.

The guarded copy, its refusals and messages are the shared rule of caisses.reprise. A row of last year pointing at
a unit no longer in the region (a site, a caisse primaire) is left out and said so.
"""

from caisses.models import Caisse, Site
from caisses.numbers import format_nombre
from caisses.plan import EtatSection
from caisses.reprise import Copie, RepriseRefusee, reprendre
from caisses.reprise import offre as offre_de

from . import queries
from .models import Convention, EtatLocaux, Installation, Reunion, ReunionAutreService

__all__ = ["RepriseRefusee", "offre", "reprendre_i2", "reprendre_i4"]

# I.2's equipment: the fields of Installation that describe means, not the year's improvements.
EQUIPEMENT = ("moyens_materiels", "vehicules", "postes_informatiques", "telephones")


def compte(nombre, singulier, pluriel):
    """« 1 convention », « 3 conventions », with the French number format."""
    return f"{format_nombre(nombre)} {singulier if nombre == 1 else pluriel}"


# --- What each section copies: source report → Copie (nothing saved) -----------------------------------------


def _copie_i2(rapport, source):
    copie = Copie(source.exercice.annee, "I.2")
    old = Installation.objects.filter(rapport_id=source.pk).first()
    if old is not None and any(getattr(old, name) not in (None, "") for name in EQUIPEMENT):
        # An empty Installation row may exist (saved blank): it takes the equipment, there is one per report.
        installation = Installation.objects.filter(rapport_id=rapport.pk).first() or Installation(rapport=rapport)
        for name in EQUIPEMENT:
            setattr(installation, name, getattr(old, name))
        copie.lignes.append(installation)
        copie.quoi.append("l'équipement (moyens matériels, véhicules, postes informatiques, téléphones)")
    sites = set(Site.objects.of_region(rapport.caisse).values_list("pk", flat=True))
    locaux = list(EtatLocaux.objects.filter(rapport_id=source.pk).order_by("site__code"))
    kept = [e for e in locaux if e.site_id in sites]
    copie.lignes += [EtatLocaux(rapport=rapport, site_id=e.site_id, texte=e.texte) for e in kept]
    if kept:
        copie.quoi.append(f"l'état des locaux de {compte(len(kept), 'site', 'sites')}")
    if len(kept) < len(locaux):
        n = compte(len(locaux) - len(kept), "site", "sites")
        copie.ecartes.append(f"Hors de la région désormais, donc laissé de côté : l'état des locaux de {n}.")
    cpams = set(Caisse.objects.primaires().of_region(rapport.caisse).values_list("pk", flat=True))
    conventions = list(Convention.objects.filter(rapport_id=source.pk))
    kept = [c for c in conventions if c.caisse_primaire_id in cpams]
    copie.lignes += [
        Convention(
            rapport=rapport,
            caisse_primaire_id=c.caisse_primaire_id,
            date_signature=c.date_signature,
            objet=c.objet,
            montant_participation=c.montant_participation,
        )
        for c in kept
    ]
    if kept:
        copie.quoi.append(compte(len(kept), "convention", "conventions"))
    if len(kept) < len(conventions):
        n = len(conventions) - len(kept)
        laissees = f"{'laissée' if n == 1 else 'laissées'} de côté : {compte(n, 'convention', 'conventions')}"
        copie.ecartes.append(f"Caisse primaire hors de la région désormais, donc {laissees}.")
    return copie


def _copie_i4(rapport, source):
    copie = Copie(source.exercice.annee, "I.4")
    reunions = [
        Reunion(rapport=rapport, niveau=r.niveau, periodicite=r.periodicite, nombre=r.nombre, contenu=r.contenu)
        for r in Reunion.objects.filter(rapport_id=source.pk)
    ]
    autres = [
        ReunionAutreService(rapport=rapport, service=r.service, objectifs=r.objectifs, nombre=r.nombre)
        for r in ReunionAutreService.objects.filter(rapport_id=source.pk)
    ]
    copie.lignes = reunions + autres
    if reunions:
        copie.quoi.append(compte(len(reunions), "réunion de service", "réunions de service"))
    if autres:
        copie.quoi.append(compte(len(autres), "réunion avec un autre service", "réunions avec d'autres services"))
    return copie


SECTIONS = {
    "I.2": (_copie_i2, queries.etat_i2),
    "I.4": (_copie_i4, queries.etat_i4),
}

# The same states from the rows a page already read (queries.partie_1_data): the offer costs no query more.
ETATS_LUS = {
    "I.2": lambda p1: queries._etat_i2(p1.installation, bool(p1.conventions), lambda: bool(p1.etats_locaux)),
    "I.4": lambda p1: queries._etat_i4(bool(p1.reunions), lambda: bool(p1.reunions_autres_services)),
}


# --- The page's offer and the use cases --------------------------------------------------------------------


def offre(contract, section, p1):
    """What the button would copy now (a Copie), or None when it is not offered to this user.

    Offered to whoever may change the region's data of the report (the copy writes region-wide rows), on an
    empty section, when last year's report has something to copy. `p1`: the page's queries.partie_1_data.
    """
    if section not in SECTIONS or not contract.region_editable or ETATS_LUS[section](p1) != EtatSection.VIDE:
        return None
    return offre_de(contract.rapport, SECTIONS[section][0])


def _reprendre(rapport, section, version):
    copier, etat = SECTIONS[section]
    return reprendre(rapport, section, version, etat, copier)


def reprendre_i2(rapport, version):
    """I.2: the equipment, each site's premises and the conventions of last year, into an empty I.2."""
    return _reprendre(rapport, "I.2", version)


def reprendre_i4(rapport, version):
    """I.4: last year's service meetings and meetings with other services, into an empty I.4."""
    return _reprendre(rapport, "I.4", version)
