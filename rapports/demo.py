"""Demo: the reports of past exercices were transmitted and validated; the last exercice is still being written.

Each transmission is frozen as a real one is (rapports.freeze): the demo's validated reports are served from
their archived copy. Rendering it costs WeasyPrint's time for each report (about 1–2 s).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from caisses.models import Membership, RapportAnnuel

from .freeze import freeze
from .models import Transition

Role = Membership.Role
Etat = RapportAnnuel.Etat
Action = Transition.Action


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def demo_lifecycle(regions, exercices, progress=None):
    """Idempotent: only draft reports of past exercices without any transition get their two steps."""
    if len(exercices) < 2:
        return
    users = get_user_model().objects.filter(membership__isnull=False).select_related("membership")
    admin = next((u for u in users if u.membership.role == Role.ADMINISTRATEUR), None)
    relecteur = next((u for u in users if u.membership.role == Role.RELECTEUR), admin)
    responsables = {u.membership.caisse_id: u for u in users if u.membership.role == Role.RESPONSABLE}
    if admin is None or relecteur is None:
        return
    last = max(exercice.annee for exercice in exercices)
    rapports = list(
        RapportAnnuel.objects.filter(
            caisse__in=regions,
            exercice__in=[e for e in exercices if e.annee < last],
            etat=Etat.BROUILLON,
            transitions__isnull=True,
        ).select_related("caisse", "exercice")
    )
    stored = []
    try:
        for rapport in rapports:
            sent = rapport.exercice.date_limite - datetime.timedelta(days=10 + rapport.caisse_id % 15)
            transmission = Transition.objects.create(
                rapport=rapport,
                action=Action.TRANSMETTRE,
                etat_avant=Etat.BROUILLON,
                etat_apres=Etat.TRANSMIS,
                auteur=responsables.get(rapport.caisse_id, admin),
                date=_at(sent, 10),
                motif="Rapport repris de l'ancien circuit papier (démonstration).",
            )
            rapport.etat = Etat.TRANSMIS
            rapport.save(update_fields=["etat", "modifie_le"])
            stored.append(freeze(rapport, transmission))
            Transition.objects.create(
                rapport=rapport,
                action=Action.VALIDER,
                etat_avant=Etat.TRANSMIS,
                etat_apres=Etat.VALIDE,
                auteur=relecteur,
                date=_at(sent + datetime.timedelta(days=21), 15),
            )
            if callable(progress):
                progress(f"Rapport {rapport.caisse.code} {rapport.exercice.annee} transmis, figé et validé.")
    except BaseException:
        # build_demo's transaction rolls back: the archived files must not stay behind.
        for archive in stored:
            archive.fichier.delete(save=False)
        raise
    RapportAnnuel.objects.filter(pk__in=[r.pk for r in rapports]).update(etat=Etat.VALIDE)
