"""E-mails sent at each transition of a report, to the people who must act on it (through a task: rapports.taches)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from caisses.models import Membership
from caisses.numbers import format_date

from .models import Transition
from .taches import envoyer_courriels

Action = Transition.Action
Role = Membership.Role


def region_users(region, roles):
    """Active users of `roles` bound to the region, one of its caisses primaires or one of their sites."""
    return get_user_model().objects.filter(
        Q(membership__caisse=region) | Q(membership__caisse__parent=region),
        membership__role__in=roles,
        is_active=True,
    )


def recipients(transition):
    """E-mail addresses of the people concerned by a transition."""
    rapport = transition.rapport
    if transition.action == Action.TRANSMETTRE:
        users = get_user_model().objects.filter(membership__role=Role.RELECTEUR, is_active=True)
    elif transition.action == Action.ROUVRIR:
        users = region_users(rapport.caisse, [Role.RESPONSABLE])
    else:
        users = region_users(rapport.caisse, [Role.RESPONSABLE, Role.AGENT])
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


SUBJECTS = {
    Action.TRANSMETTRE: "Rapport {code} {annee} transmis à la caisse nationale",
    Action.RENVOYER: "Rapport {code} {annee} renvoyé pour correction",
    Action.VALIDER: "Rapport {code} {annee} validé",
    Action.ROUVRIR: "Rapport {code} {annee} rouvert par l'administrateur",
}


def message(transition, page_url):
    rapport = transition.rapport
    auteur = transition.auteur.get_full_name() or transition.auteur.username
    lines = [
        "Bonjour,",
        "",
        f"Le rapport d'activité {rapport.exercice.annee} de {rapport.caisse.nom} est maintenant "
        f"« {rapport.get_etat_display().lower()} » ({transition.get_action_display().lower()} "
        f"par {auteur}, le {format_date(transition.date)}).",
    ]
    if transition.motif:
        lines += ["", "Motif :", transition.motif]
    lines += ["", f"Suivi du rapport : {page_url}", "", "— Rapports d'activité du service social"]
    return "\n".join(lines)


def notify_transition(transition):
    """Queue the e-mails of a committed transition (sent at once with the immediate backend); their number."""
    to = recipients(transition)
    if not to:
        return 0
    rapport = transition.rapport
    path = reverse("rapport_transmission", kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    page_url = f"{settings.SITE_URL}{path}"
    subject = SUBJECTS[transition.action].format(code=rapport.caisse.code, annee=rapport.exercice.annee)
    envoyer_courriels.enqueue(subject, message(transition, page_url), to)
    return len(to)
