"""Read queries of the report's life: its history, archives, comments, and what a region still owes."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from caisses.checks import entry_url as _entry_url
from caisses.models import RapportAnnuel
from caisses.plan import SECTIONS, EtatSection, section_states

from .models import ArchivePDF, Commentaire, Transition


def entry_url(region, exercice, code):
    return _entry_url(RapportAnnuel(caisse=region, exercice=exercice), code)


# Filtered on rapport_id so that a report nobody wrote to yet (unsaved, pk None) simply has none.


def transitions_of(rapport):
    return Transition.objects.filter(rapport_id=rapport.pk).select_related("auteur", "archive").order_by("date", "pk")


def archives_of(rapport):
    return ArchivePDF.objects.filter(rapport_id=rapport.pk).select_related("transition__auteur").order_by("numero")


def commentaires_of(rapport):
    return Commentaire.objects.filter(rapport_id=rapport.pk).select_related("auteur").order_by("-cree_le", "-pk")


def last_motif(rapport):
    """The last reason the report was returned, or None."""
    return transitions_of(rapport).filter(action=Transition.Action.RENVOYER).last()


@dataclass
class AFaire:
    """What a region still owes on one report before its due date."""

    exercice: object
    rapport: object  # None while nobody opened it
    jours_restants: int
    renvoi: object = None  # the last "renvoyer" transition while the report is "renvoyé"
    commentaires: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(Section, state label, entry URL)] not complete yet

    @property
    def en_retard(self):
        return self.jours_restants < 0

    @property
    def jours_de_retard(self):
        return -self.jours_restants


def a_faire(region, exercices, today=None):
    """[AFaire] for the region's reports of open exercices that are still to transmit (brouillon / renvoyé)."""
    today = today or timezone.localdate()
    ouverts = [e for e in exercices if e.ouvert]
    renvois = Transition.objects.filter(action=Transition.Action.RENVOYER).select_related("auteur").order_by("-date")
    rapports = {
        r.exercice_id: r
        for r in RapportAnnuel.objects.filter(caisse=region, exercice__in=ouverts)
        .select_related("caisse", "exercice")
        .prefetch_related(
            Prefetch("transitions", queryset=renvois, to_attr="renvois"),
            Prefetch("commentaires", queryset=Commentaire.objects.select_related("auteur").order_by("-cree_le")),
        )
    }
    result = []
    for exercice in ouverts:
        rapport = rapports.get(exercice.pk)
        if rapport is not None and not rapport.is_editable:
            continue
        item = AFaire(exercice, rapport, (exercice.date_limite - today).days)
        states = section_states(rapport) if rapport else dict.fromkeys(SECTIONS, EtatSection.VIDE)
        item.sections = [
            (SECTIONS[code], EtatSection.LABELS[state], entry_url(region, exercice, code))
            for code, state in states.items()
            if state != EtatSection.COMPLET
        ]
        if rapport is not None:
            item.commentaires = list(rapport.commentaires.all())
            if rapport.etat == RapportAnnuel.Etat.RENVOYE and rapport.renvois:
                item.renvoi = rapport.renvois[0]
        result.append(item)
    return result
