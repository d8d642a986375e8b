import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caisses.numbers import format_date, format_nombre
from caisses.purge import purger


def parse_date(text):
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--date {text!r} : une date AAAA-MM-JJ est attendue, par exemple 2026-12-02.") from None
    # A later date would delete what the retention periods still keep.
    if day > timezone.localdate():
        raise CommandError(f"--date {text} : la date ne peut pas être postérieure à aujourd'hui.")
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def pluriel(nombre, dry_run):
    verbe = "à supprimer" if dry_run else "supprimé(s)"
    return f"{format_nombre(nombre)} enregistrement(s) {verbe}"


class Command(BaseCommand):
    help = (
        "Supprime les traces de connexion de plus de CONNEXIONS_CONSERVATION_MOIS mois et l'historique des "
        "modifications de plus de HISTORIQUE_CONSERVATION_ANNEES ans (page « Données personnelles »)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="purger comme si la commande était lancée ce jour-là (AAAA-MM-JJ)")
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien supprimer")

    def handle(self, *args, date=None, dry_run=False, **options):
        now = parse_date(date) if date else timezone.now()
        resultats = purger(now, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Simulation : rien n'a été supprimé.")
        for resultat in resultats:
            self.stdout.write(
                f"{resultat.libelle} (avant le {format_date(resultat.limite)}) : {pluriel(resultat.nombre, dry_run)}"
            )
        total = sum(resultat.nombre for resultat in resultats)
        self.stdout.write(self.style.SUCCESS(f"Total : {pluriel(total, dry_run)}"))
