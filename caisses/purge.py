"""How long personal data is kept (page « Données personnelles »), and the purge that applies it.

- Login records (django-axes: AccessLog, AccessAttempt, AccessFailureLog): CONNEXIONS_CONSERVATION_MOIS months.
- History of changes (every django-simple-history model): HISTORIQUE_CONSERVATION_ANNEES years.

A record is purged when it is strictly older than the limit: run on 2 December 2026, a login of 2 December 2025 at
any hour is kept (exactly 12 months old: the day the limit falls on is still inside the period), one of
1 December 2025 is purged. The limit is computed from the purge's `now`, never read from the clock here.

No transmitted report needs a history row: its page, PDF and document are served from its frozen copy
(rapports.freeze.CopieFigee) and the diff between transmissions reads those copies' documents (rapports.diff).
The history is read only by the section history page (rapports.audit), which then starts at the limit.
"""

import calendar
import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

CONNEXIONS = (
    (AccessLog, "connexions"),
    (AccessAttempt, "tentatives de connexion en cours"),
    (AccessFailureLog, "échecs de connexion et verrouillages"),
)


@dataclass(frozen=True)
class Resultat:
    libelle: str
    limite: datetime.datetime
    nombre: int


def months_before(day, months):
    """The same day `months` months earlier, on the last day of that month when it is shorter (31 → 30, 29 → 28)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def limite(now, months):
    """Midnight, in the site's time zone, of the day `months` months before `now`'s: that whole day is kept."""
    day = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    midnight = datetime.datetime.combine(months_before(day, months), datetime.time())
    return timezone.make_aware(midnight) if settings.USE_TZ else midnight


def limite_connexions(now):
    return limite(now, settings.CONNEXIONS_CONSERVATION_MOIS)


def limite_historique(now):
    return limite(now, 12 * settings.HISTORIQUE_CONSERVATION_ANNEES)


def history_models():
    """Every history table of the project, in a fixed order (the command's lines keep theirs)."""
    found = {}
    for model in registered_models.values():
        try:
            history = get_history_model_for_model(model)
        except NotHistoricalModelError:
            continue
        found[history._meta.label] = (model, history)
    return [found[label] for label in sorted(found)]


def purger(now, dry_run=False):
    """Delete what is older than the limits at `now` (nothing with `dry_run`); one Resultat per kind of record."""
    connexions, historique = limite_connexions(now), limite_historique(now)
    plans = [(label, model.objects.filter(attempt_time__lt=connexions), connexions) for model, label in CONNEXIONS]
    for model, history in history_models():
        libelle = f"historique : {model._meta.verbose_name_plural}"
        plans.append((libelle, history.objects.filter(history_date__lt=historique), historique))
    resultats = []
    # One transaction: a failure halfway leaves every kind as it was, and the counts said are the rows deleted.
    with transaction.atomic():
        for libelle, queryset, date_limite in plans:
            nombre = queryset.count()
            if nombre and not dry_run:
                queryset.delete()
            resultats.append(Resultat(libelle, date_limite, nombre))
    return resultats
