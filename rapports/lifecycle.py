"""The life of a report: which action, from which state, by which role — and the transition itself.

brouillon → transmis → validé; transmis → renvoyé (motif) → transmis; validé → brouillon (rouvrir, admin, motif).
The rules are plain functions of (action, role, state); `perform` applies one transition atomically:
row lock, checks, state change, Transition record, frozen copy (rapports.freeze: document and body), its
PDF/A-3b printed by a task (rapports.taches: inside the transaction with the immediate backend, after commit by a
worker otherwise), e-mails after commit (a task too). The checks of a transmission are every rule of
caisses.checks and the variations from N−1 that the region has not explained yet (rapports.variations): each of
them blocks.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from caisses.checks import validate_rapport
from caisses.models import Membership, RapportAnnuel
from caisses.scoping import membership_of, role_of

from . import freeze, taches, variations
from .models import Transition

logger = logging.getLogger(__name__)

Action = Transition.Action
Etat = RapportAnnuel.Etat
Role = Membership.Role


@dataclass(frozen=True)
class Regle:
    depuis: tuple
    vers: str
    motif_requis: bool = False


REGLES = {
    Action.TRANSMETTRE: Regle(depuis=(Etat.BROUILLON, Etat.RENVOYE), vers=Etat.TRANSMIS),
    Action.RENVOYER: Regle(depuis=(Etat.TRANSMIS,), vers=Etat.RENVOYE, motif_requis=True),
    Action.VALIDER: Regle(depuis=(Etat.TRANSMIS,), vers=Etat.VALIDE),
    Action.ROUVRIR: Regle(depuis=(Etat.VALIDE,), vers=Etat.BROUILLON, motif_requis=True),
}

ROLE_REFUSE = {
    Action.TRANSMETTRE: "Seul le responsable régional (ou un administrateur) peut transmettre le rapport.",
    Action.RENVOYER: "Seul un relecteur national peut renvoyer le rapport pour correction.",
    Action.VALIDER: "Seul un relecteur national peut valider le rapport.",
    Action.ROUVRIR: "Seul un administrateur peut rouvrir un rapport validé.",
}

ETAT_REFUSE = {
    Action.TRANSMETTRE: "Seul un rapport en brouillon ou renvoyé pour correction peut être transmis.",
    Action.RENVOYER: "Seul un rapport transmis peut être renvoyé pour correction.",
    Action.VALIDER: "Seul un rapport transmis peut être validé.",
    Action.ROUVRIR: "Seul un rapport validé peut être rouvert.",
}

MOTIF_REQUIS = {
    Action.RENVOYER: "Indiquez le motif du renvoi : il sera communiqué à la région.",
    Action.ROUVRIR: "Indiquez le motif de la réouverture.",
}


def role_may(action, role, own_region):
    """May a user of `role` do `action` on a report (own_region: the report is of the user's region)?"""
    if role == Role.ADMINISTRATEUR:
        return True
    if action == Action.TRANSMETTRE:
        return role == Role.RESPONSABLE and own_region
    if action in (Action.RENVOYER, Action.VALIDER):
        return role == Role.RELECTEUR
    return False


def state_allows(action, etat):
    return etat in REGLES[action].depuis


def user_may(user, rapport, action):
    membership = membership_of(user)
    own_region = membership is not None and membership.caisse_id == rapport.caisse_id
    return role_may(action, role_of(user), own_region)


def require_action(user, rapport, action):
    """403 when the user's role may never do this action on this report (scope is checked by get_rapport)."""
    if not user_may(user, rapport, action):
        raise PermissionDenied(ROLE_REFUSE[action])


def available_actions(user, rapport):
    """The actions the user may do now, in the order of the report's life."""
    return [action for action in REGLES if state_allows(action, rapport.etat) and user_may(user, rapport, action)]


class TransitionRefusee(Exception):
    """The transition cannot happen; nothing was changed. `status` is the HTTP answer of the view."""

    status = 422

    def __init__(self, message, errors=(), warnings=()):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.warnings = list(warnings)


class EtatIncompatible(TransitionRefusee):
    status = 409


def _render_pdf(figee):
    """The frozen copy's PDF (freeze.Figee → bytes): the slow step, which tests replace."""
    return freeze.print_pdf(figee)


def variations_refusees(count):
    """The refusal of a transmission blocked by unexplained variations, in French with its agreements."""
    if count == 1:
        constat = "1 variation par rapport à l'exercice précédent dépasse le seuil fixé et n'est pas encore expliquée"
    else:
        constat = (
            f"{count} variations par rapport à l'exercice précédent dépassent le seuil fixé et ne sont pas encore "
            "expliquées"
        )
    return (
        f"Le rapport ne peut pas être transmis : {constat}. Écrivez chaque explication sur la page « Explications "
        "des variations » (liens ci-dessous), puis transmettez."
    )


def _check_transmission(rapport, accepted_keys):
    errors, warnings = validate_rapport(rapport)
    # A figure past its variation threshold blocks until the region explains it (rapports.variations).
    unexplained = variations.constats_transmission(rapport)
    if errors:
        raise TransitionRefusee(
            "Le rapport ne peut pas être transmis : corrigez d'abord les erreurs ci-dessous.",
            errors + unexplained,
            warnings,
        )
    if unexplained:
        raise TransitionRefusee(variations_refusees(len(unexplained)), unexplained, warnings)
    missing = [w for w in warnings if w.cle not in accepted_keys]
    if missing:
        raise TransitionRefusee(
            "Cochez chaque avertissement pour confirmer que vous en avez pris connaissance avant de transmettre.",
            warnings=warnings,
        )
    return [{"cle": w.cle, "section": w.section, "message": w.message} for w in warnings]


def perform(user, rapport, action, motif="", avertissements=()):
    """Apply `action` to the report as `user`; return the Transition.

    Raises PermissionDenied (role), EtatIncompatible (state) or TransitionRefusee (motif, validation);
    whatever fails — the PDF rendering included when it runs at once — nothing is changed.
    """
    require_action(user, rapport, action)
    regle = REGLES[action]
    motif = (motif or "").strip()
    stored = []
    if rapport.pk is None:
        # Nobody wrote to this report yet: its first transition creates the row, as a first save would.
        created, _ = RapportAnnuel.objects.get_or_create(caisse=rapport.caisse, exercice=rapport.exercice)
        rapport.pk, rapport._state.adding = created.pk, False
    try:
        with transaction.atomic():
            # The lock serialises concurrent transitions: the second one sees the new state and is refused.
            # Its region and exercice are read afresh too: the frozen copy shows their names and days as of now.
            locked = RapportAnnuel.objects.select_for_update(of=("self",)).select_related("caisse", "exercice")
            locked = locked.get(pk=rapport.pk)
            if not state_allows(action, locked.etat):
                raise EtatIncompatible(f"{ETAT_REFUSE[action]} Ce rapport est « {locked.get_etat_display().lower()} ».")
            if action == Action.TRANSMETTRE and not locked.exercice.ouvert:
                raise EtatIncompatible(
                    f"L'exercice {locked.exercice.annee} est clos : le rapport ne peut plus être transmis."
                )
            if regle.motif_requis and not motif:
                raise TransitionRefusee(MOTIF_REQUIS[action])
            accepted = []
            if action == Action.TRANSMETTRE:
                accepted = _check_transmission(locked, set(avertissements))
            etat_avant = locked.etat
            locked.etat = regle.vers
            locked.save(update_fields=["etat", "modifie_le"])
            transition = Transition.objects.create(
                rapport=locked,
                action=action,
                etat_avant=etat_avant,
                etat_apres=regle.vers,
                auteur=user,
                motif=motif,
                avertissements_acceptes=accepted,
            )
            if action == Action.TRANSMETTRE:
                # Rendered once the state is "transmis", so the official copy carries no draft mark.
                archive = freeze.figer(locked, transition)
                stored.append(archive)
                taches.imprimer_apres_transmission(archive)
            transaction.on_commit(lambda: _notify(transition))
    except BaseException:
        for archive in stored:
            archive.fichier.delete(save=False)
        raise
    rapport.etat = locked.etat
    return transition


def _notify(transition):
    from .notifications import notify_transition

    try:
        notify_transition(transition)
    except Exception:
        # The transition is committed: a mail server outage must not turn it into an error page.
        logger.exception("E-mail de la transition %s non envoyé", transition.pk)
