from django.core.management.base import BaseCommand, CommandError

from rapports.restauration import RestaurationImpossible, restaurer


class Command(BaseCommand):
    help = (
        "Restaure dans une base vide une sauvegarde écrite par « sauvegarder » : vérifie d'abord le manifeste et "
        "l'empreinte de chaque fichier, puis charge tout en une transaction (docs/SAUVEGARDE.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", metavar="DOSSIER", help="dossier d'une sauvegarde")
        parser.add_argument(
            "--sans-impression",
            action="store_true",
            help="ne pas relancer l'impression des PDF encore en préparation au moment de la sauvegarde",
        )

    def handle(self, dossier, sans_impression=False, **options):
        try:
            restaurer(dossier, progress=self.stdout.write, imprimer=not sans_impression)
        except RestaurationImpossible as refused:
            raise CommandError(str(refused)) from None
        except OSError as exc:
            raise CommandError(
                f"Lecture impossible dans {dossier} : {exc.strerror or exc}. Rien n'a été restauré."
            ) from None
