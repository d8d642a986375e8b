import errno
import os

from django.core.management.base import BaseCommand, CommandError

from rapports.interchange import ADMIN, MAX_BYTES, import_document, too_big

# The system's own wording of these errors is in English.
READ_ERRORS = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "accès refusé",
    errno.EISDIR: "c'est un dossier, pas un fichier",
}


class Command(BaseCommand):
    help = (
        "Importe un ou plusieurs documents d'échange (JSON) : tout ou rien pour chaque document. Outil de migration "
        "de l'administrateur : crée ou met à jour la caisse régionale, l'exercice, les caisses primaires et les sites."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="+", metavar="FICHIER")

    def handle(self, fichiers, **options):
        failed = 0
        for path in fichiers:
            try:
                size = os.path.getsize(path)
                if size > MAX_BYTES:
                    self.stderr.write(f"{path} : {too_big(size)}, rien n'a été importé.")
                    failed += 1
                    continue
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError as exc:
                reason = READ_ERRORS.get(exc.errno, f"erreur système n° {exc.errno}")
                self.stderr.write(f"{path} : lecture impossible ({reason}), rien n'a été importé.")
                failed += 1
                continue
            result = import_document(raw, mode=ADMIN)
            if not result.ok:
                failed += 1
                self.stderr.write(f"{path} : {len(result.errors)} erreur(s), rien n'a été importé :")
                for line in result.errors.lines():
                    self.stderr.write(f"  {line}")
                continue
            rapport = result.rapport
            what = "importé" if result.changed else "déjà à jour, rien n'a changé"
            self.stdout.write(f"{path} : rapport {rapport.caisse.code} {rapport.exercice.annee} {what}.")
            for line in result.ignored:
                self.stdout.write(f"  {line}")
        if failed:
            raise CommandError(f"{failed} document(s) sur {len(fichiers)} refusé(s).")
