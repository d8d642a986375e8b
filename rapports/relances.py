"""Reminders of what a region still owes on an open exercice: `manage.py relances`, run once a day (docs/RELANCES.md).

When, for an exercice due on L and a day D:
- « J-30 » while D is in [L − 30, L − 7), its period starting on L − 30;
- « J-7 » while D is in [L − 7, L], its period starting on L − 7;
- « retard » when D > L, once a week: periods of 7 days starting on L + 1, L + 8, L + 15…
Each person gets one e-mail per exercice, kind and period (caisses.models.Relance holds it, unique on those four),
so a day the cron missed is caught up the next day and a second run the same day sends nothing.

Who: the region's active responsables and agents with an e-mail address, while its report is still to transmit
(rapports.queries.a_faire: brouillon, renvoyé, or nobody opened it yet). A responsable is told every incomplete
section and the transmission; an agent only their unit's empty II.1 cells (activites.a_remplir), and nothing once
there are none: that is all an agent answers for.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from activites import a_remplir
from caisses.checks import entry_url
from caisses.models import Caisse, Exercice, Membership, RapportAnnuel, Relance
from caisses.numbers import format_date_longue

from .queries import a_faire

Kind = Relance.Kind
Role = Membership.Role
DAY = datetime.timedelta(days=1)
RETARD_EVERY = 7  # days between two reminders once the due date is past

SUBJECTS = {
    Kind.J30: "Rappel : rapport d'activité {annee} de {region} à transmettre avant le {date_limite}",
    Kind.J7: "Dernière semaine : rapport d'activité {annee} de {region} à transmettre avant le {date_limite}",
    Kind.RETARD: "Retard : rapport d'activité {annee} de {region}, attendu le {date_limite}",
}


def periode(date_limite, jour):
    """(kind, first day of its period) of the reminder due on `jour`, or None before J−30."""
    if jour > date_limite:
        weeks = (jour - date_limite - DAY).days // RETARD_EVERY
        return Kind.RETARD, date_limite + DAY * (1 + weeks * RETARD_EVERY)
    if jour >= date_limite - 7 * DAY:
        return Kind.J7, date_limite - 7 * DAY
    if jour >= date_limite - 30 * DAY:
        return Kind.J30, date_limite - 30 * DAY
    return None


@dataclass
class Envoi:
    """One reminder e-mail due to one person."""

    user: object
    region: object
    exercice: object
    kind: str
    date: datetime.date
    subject: str
    body: str

    @property
    def courriel(self):
        return self.user.email

    def __str__(self):
        role = self.user.membership.get_role_display().lower()
        return (
            f"{self.kind} · {self.region.code} {self.exercice.annee} · "
            f"{self.user.get_username()} <{self.courriel}> ({role})"
        )


def destinataires():
    """{region id: [users]}: active responsables and agents with an e-mail address, in one query."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=(Role.RESPONSABLE, Role.AGENT))
        .exclude(email="")
        .select_related("membership__caisse__parent", "membership__site__caisse__parent")
        .order_by("-membership__role", "username")  # "responsable" > "agent": responsables first
    )
    by_region = {}
    for user in users:
        region = user.membership.region
        if region is not None:
            by_region.setdefault(region.pk, []).append(user)
    return by_region


def _absolute(path):
    return f"{settings.SITE_URL}{path}" if path else ""


def contenu(user, region, item, kind, jour):
    """(subject, body) of the reminder of `user` for one AFaire item, or None when they owe nothing on it."""
    membership = user.membership
    rapport = item.rapport or RapportAnnuel(caisse=region, exercice=item.exercice)
    kwargs = {"code": region.code, "annee": item.exercice.annee}
    context = {
        "user": user,
        "region": region,
        "item": item,
        "date_limite": format_date_longue(item.exercice.date_limite),
        "jours_restants": (item.exercice.date_limite - jour).days,
        "jours_de_retard": (jour - item.exercice.date_limite).days,
        "lien_saisie": _absolute(reverse("saisie", kwargs=kwargs)),
        "site_url": settings.SITE_URL,
    }
    if membership.role == Role.AGENT:
        unite = membership.site or membership.caisse
        nombre = a_remplir.cases_a_remplir(unite, item.rapport, item.exercice.annee)
        if not nombre:
            return None
        context["unite"] = a_remplir.phrase(unite, nombre)
        context["lien_saisie"] = _absolute(entry_url(rapport, "II.1")) or context["lien_saisie"]
    else:
        context["sections"] = [(section, etat, _absolute(url)) for section, etat, url in item.sections]
        context["lien_transmission"] = _absolute(reverse("rapport_transmission", kwargs=kwargs))
    subject = SUBJECTS[kind].format(annee=item.exercice.annee, region=region.nom, date_limite=context["date_limite"])
    subject = " ".join(subject.split())  # a line break in a name would make the header invalid (BadHeaderError)
    return subject, render_to_string("rapports/relance_email.txt", context)


def relances_dues(jour):
    """[Envoi] of the reminders due on `jour` and not sent yet, by region code, exercice and person."""
    fenetres = {e.pk: p for e in Exercice.objects.ouverts() if (p := periode(e.date_limite, jour)) is not None}
    if not fenetres:
        return []
    exercices = list(Exercice.objects.filter(pk__in=fenetres).order_by("annee"))
    deja = set(
        Relance.objects.filter(exercice__in=exercices, date__in={date for _, date in fenetres.values()}).values_list(
            "user_id", "exercice_id", "kind", "date"
        )
    )
    users_by_region = destinataires()
    envois = []
    for region in Caisse.objects.regionales().filter(pk__in=users_by_region).order_by("code"):
        users = users_by_region[region.pk]
        # The region's states cost queries: none for a region whose people all had this period's reminder.
        if all((u.pk, e.pk, *fenetres[e.pk]) in deja for u in users for e in exercices):
            continue
        for item in a_faire(region, exercices, today=jour):
            kind, date = fenetres[item.exercice.pk]
            for user in users:
                if (user.pk, item.exercice.pk, kind, date) in deja:
                    continue
                message = contenu(user, region, item, kind, jour)
                if message is not None:
                    envois.append(Envoi(user, region, item.exercice, kind, date, *message))
    return envois


def envoyer(envoi, connection=None):
    """Send one reminder and record it, both or neither; False when another run already recorded it.

    The record is written first, inside the transaction that sends: a concurrent run's insert of the same key
    waits for this one and then fails on the unique constraint, and a failed send (OSError, raised to the caller)
    records nothing, so the next run tries again. `connection`: one SMTP connection for a whole run.
    """
    try:
        with transaction.atomic():
            Relance.objects.create(
                user=envoi.user,
                courriel=envoi.courriel,
                caisse=envoi.region,
                exercice=envoi.exercice,
                kind=envoi.kind,
                date=envoi.date,
            )
            message = EmailMessage(envoi.subject, envoi.body, settings.DEFAULT_FROM_EMAIL, [envoi.courriel])
            message.connection = connection
            message.send()
    except IntegrityError:
        return False
    return True
