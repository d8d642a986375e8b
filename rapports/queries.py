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
    return (
        Commentaire.objects.filter(rapport_id=rapport.pk)
        .select_related("auteur", "traite_par")
        .order_by("-cree_le", "-pk")
    )


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
            # A comment leaves the home once the region marked it treated; it stays on its section's page.
            Prefetch(
                "commentaires",
                queryset=Commentaire.objects.filter(traite=False).select_related("auteur").order_by("-cree_le"),
            ),
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
            item.commentaires = [(c, entry_url(region, exercice, c.section)) for c in rapport.commentaires.all()]
            if rapport.etat == RapportAnnuel.Etat.RENVOYE and rapport.renvois:
                item.renvoi = rapport.renvois[0]
        result.append(item)
    return result


# --- The reviewers' home: reports waiting for them, reports waiting for their region --------------------------


@dataclass
class EnRevue:
    """A report of the reviewers' home: transmis (`transition`: its last transmission) or renvoyé (its last return)."""

    rapport: object
    transition: object = None  # None when the state was set without a transition (by hand, by an old import)

    @property
    def date(self):
        return self.transition.date if self.transition else self.rapport.modifie_le

    @property
    def numero(self):
        archive = getattr(self.transition, "archive", None) if self.transition else None
        return archive.numero if archive is not None else None


def revue(regions):
    """(à relire, renvoyés) of these regions: transmitted reports oldest transmission first, returned ones
    oldest return first. Two queries whatever the number of regions and reports."""
    Etat, Action = RapportAnnuel.Etat, Transition.Action
    transitions = (
        Transition.objects.filter(action__in=(Action.TRANSMETTRE, Action.RENVOYER))
        .select_related("auteur", "archive")
        .order_by("-date", "-pk")
    )
    rapports = (
        RapportAnnuel.objects.filter(caisse__in=regions, etat__in=(Etat.TRANSMIS, Etat.RENVOYE))
        .select_related("caisse", "exercice")
        .prefetch_related(Prefetch("transitions", queryset=transitions, to_attr="dernieres"))
    )
    a_relire, renvoyes = [], []
    for rapport in rapports:
        action = Action.TRANSMETTRE if rapport.etat == Etat.TRANSMIS else Action.RENVOYER
        last = next((t for t in rapport.dernieres if t.action == action), None)
        (a_relire if rapport.etat == Etat.TRANSMIS else renvoyes).append(EnRevue(rapport, last))
    order = lambda item: (item.date, item.rapport.caisse.code, item.rapport.exercice.annee)  # noqa: E731
    return sorted(a_relire, key=order), sorted(renvoyes, key=order)
