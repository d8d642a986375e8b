from django.core.management.base import BaseCommand, CommandError

from caisses.interchange import dumps
from caisses.models import Caisse, RapportAnnuel
from rapports.interchange import export_document


class Command(BaseCommand):
    help = "Écrit le document d'échange (JSON) du rapport d'une caisse régionale pour un exercice."

    def add_arguments(self, parser):
        parser.add_argument("code", help="code de la caisse régionale, par exemple CARSAT-PL")
        parser.add_argument("annee", type=int, help="exercice, par exemple 2025")
        parser.add_argument("-o", "--output", help="fichier à écrire (sortie standard par défaut)")

    def handle(self, code, annee, output=None, **options):
        try:
            rapport = RapportAnnuel.objects.select_related("caisse", "exercice").get(
                caisse__code=code, caisse__type=Caisse.Type.REGIONALE, exercice__annee=annee
            )
        except RapportAnnuel.DoesNotExist:
            raise CommandError(f"Aucun rapport {code} pour l'exercice {annee}.") from None
        text = dumps(export_document(rapport))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Rapport {code} {annee} écrit dans {output}.")
        else:
            self.stdout.write(text, ending="")
