from django.core.management.base import BaseCommand, CommandError

from rapports.restauration import RestaurationImpossible, restaurer


class Command(BaseCommand):
    help = (
        "Restaure dans une base vide une sauvegarde écrite par « sauvegarder » : vérifie d'abord le manifeste et "
        "l'empreinte de chaque fichier, puis charge tout en une transaction (docs/SAUVEGARDE.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", metavar="DOSSIER", help="dossier d'une sauvegarde")

    def handle(self, dossier, **options):
        try:
            restaurer(dossier, progress=self.stdout.write)
        except RestaurationImpossible as refused:
            raise CommandError(str(refused)) from None
        except OSError as exc:
            raise CommandError(
                f"Lecture impossible dans {dossier} : {exc.strerror or exc}. Rien n'a été restauré."
            ) from None
