"""python manage.py relances [--date AAAA-MM-JJ] [--dry-run]: the day's reminders (rapports.relances), daily.

Idempotent: a second run the same day sends nothing. The last line of the output says how many were sent.
"""

import datetime
import re

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapports.relances import envoyer, relances_dues


def parse_jour(text):
    """The day of `--date`, or a French CommandError."""
    error = CommandError(f"Date invalide : « {text} ». Format attendu : AAAA-MM-JJ, par exemple 2026-03-31.")
    # fromisoformat alone also takes « 20260331 » or a week date: only the documented form is accepted.
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text or ""):
        raise error
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise error from None


class Command(BaseCommand):
    help = (
        "Envoie les relances du jour : à J−30 et à J−7 de la date limite d'un exercice ouvert, puis chaque semaine "
        "après elle, un courriel aux responsables et agents des régions dont le rapport n'est pas transmis."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="AAAA-MM-JJ", help="le jour des relances (par défaut : aujourd'hui)")
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche les relances à envoyer, sans rien envoyer ni enregistrer"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        jour = parse_jour(date) if date is not None else timezone.localdate()
        envois = relances_dues(jour)
        if dry_run:
            for envoi in envois:
                self.stdout.write(f"À envoyer : {envoi}")
            self.stdout.write(f"{len(envois)} relance(s) à envoyer (simulation, rien n'est envoyé).")
            return
        sent = skipped = 0
        try:
            with mail.get_connection() as connection:
                for envoi in envois:
                    try:
                        if envoyer(envoi, connection):
                            sent += 1
                            self.stdout.write(f"Envoyée : {envoi}")
                        else:
                            skipped += 1  # a concurrent run sent it
                    except OSError as error:  # SMTP errors included: nothing was recorded, the next run retries
                        self.stderr.write(f"Échec de l'envoi : {envoi} ({error})")
        except OSError as error:  # the relay could not even be reached (or closed badly): no traceback for cron
            self.stderr.write(f"Serveur de courriel injoignable : {error}")
        self.stdout.write(f"{sent} relance(s) envoyée(s).")
        failed = len(envois) - sent - skipped
        if failed:
            raise CommandError(f"{failed} relance(s) non envoyée(s) : elles seront retentées à la prochaine exécution.")
