from django.core.management.base import BaseCommand, CommandError

from rapports.sauvegarde import SauvegardeImpossible, sauvegarder


class Command(BaseCommand):
    help = (
        "Sauvegarde dans un dossier les données de référence, chaque rapport en document d'échange, les "
        "transmissions et les PDF archivés, avec un manifeste des empreintes (docs/SAUVEGARDE.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, metavar="DOSSIER", help="dossier de la sauvegarde (vide)")
        parser.add_argument("--force", action="store_true", help="remplace la sauvegarde que contient déjà le dossier")

    def handle(self, output, force=False, **options):
        try:
            sauvegarder(output, force=force, progress=self.stdout.write)
        except SauvegardeImpossible as refused:
            raise CommandError(str(refused)) from None
        except OSError as exc:
            raise CommandError(f"Écriture impossible dans {output} : {exc.strerror or exc}.") from None
