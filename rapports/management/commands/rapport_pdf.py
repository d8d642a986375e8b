"""python manage.py rapport_pdf CODE ANNEE [-o FILE] | --all ANNEE [-o DIR]: the report's PDF from the command line.

A transmitted or validated report's PDF is its archived copy (rapports.freeze), as on the site; refused while
that copy is still being printed. `--all` queues one task per region (rapports.taches.imprimer_rapport): with the
immediate backend they run here, one after the other, with a progress bar; otherwise the task workers write the
files (docs/TACHES.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus
from tqdm import tqdm

from caisses.models import Caisse, Exercice, RapportAnnuel
from rapports.freeze import PdfEnPreparation, served_pdf
from rapports.pdf import pdf_filename
from rapports.taches import imprimer_rapport, runs_at_once


def rapport_of(code, annee):
    try:
        region = Caisse.objects.regionales().get(code=code)
    except Caisse.DoesNotExist:
        raise CommandError(f"Caisse régionale inconnue : {code}") from None
    try:
        exercice = Exercice.objects.get(annee=annee)
    except Exercice.DoesNotExist:
        raise CommandError(f"Exercice inconnu : {annee}") from None
    # Reading never creates a report: one nobody wrote to is printed from an unsaved row, as the site shows it.
    found = RapportAnnuel.objects.filter(caisse=region, exercice=exercice).select_related("caisse", "exercice")
    return found.first() or RapportAnnuel(caisse=region, exercice=exercice)


def failure_of(result):
    """The last line of a failed task's traceback: the exception and its message, in French when it is ours."""
    lines = result.errors[-1].traceback.strip().splitlines() if result.errors else []
    return lines[-1] if lines else "échec"


class Command(BaseCommand):
    help = "Écrit le PDF du rapport d'une caisse régionale pour un exercice, ou de toutes les régions (--all)."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="code de la caisse régionale, par exemple CARSAT-PL")
        parser.add_argument("annee", nargs="?", type=int, help="exercice, par exemple 2025")
        parser.add_argument("--all", dest="all_annee", type=int, metavar="ANNEE", help="toutes les régions")
        parser.add_argument(
            "-o",
            "--output",
            help="fichier ou dossier de sortie (un dossier avec --all) ; par défaut rapport-CODE-ANNEE.pdf",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="sans effet, gardé pour les scripts existants : --all passe par les tâches, dont le parallélisme "
            "est le nombre de workers lancés (docs/TACHES.md)",
        )

    def handle(self, *args, code=None, annee=None, all_annee=None, output=None, **options):
        if all_annee is not None:
            if code or annee:
                raise CommandError("Donnez soit CODE ANNEE, soit --all ANNEE, pas les deux.")
            return self.render_all(all_annee, Path(output or "."))
        if not code or annee is None:
            raise CommandError("Usage : rapport_pdf CODE ANNEE [-o FICHIER] ou rapport_pdf --all ANNEE [-o DOSSIER]")
        rapport = rapport_of(code, annee)
        path = Path(output or pdf_filename(rapport))
        if path.is_dir():  # -o DIR, as with --all: the usual file name inside it
            path = path / pdf_filename(rapport)
        try:
            pdf = served_pdf(rapport)
        except PdfEnPreparation as pending:
            raise CommandError(f"{code} {annee} : {pending} (service des tâches : docs/TACHES.md)") from None
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"Écriture impossible de {path} : {exc.strerror or exc}.") from None
        self.stdout.write(f"{path} écrit.")

    def render_all(self, annee, folder):
        if not Exercice.objects.filter(annee=annee).exists():
            raise CommandError(f"Exercice inconnu : {annee}")
        folder.mkdir(parents=True, exist_ok=True)
        # A worker may run elsewhere than in this directory: it is given the folder's full path.
        dossier = str(folder.resolve())
        codes = list(Caisse.objects.regionales().values_list("code", flat=True))
        progress = {"total": len(codes), "desc": "Rapports", "unit": "rapport", "file": self.stderr}
        results = [(code, imprimer_rapport.enqueue(code, annee, dossier)) for code in tqdm(codes, **progress)]
        if not runs_at_once(imprimer_rapport):
            self.stdout.write(
                f"{len(results)} rapports mis en file d'attente : le service des tâches les écrit dans {folder}."
            )
            return
        failed = [(code, result) for code, result in results if result.status != TaskResultStatus.SUCCESSFUL]
        for code, result in failed:
            self.stderr.write(f"{code} : {failure_of(result)}")
        self.stdout.write(f"{len(results) - len(failed)} rapports écrits dans {folder}.")
        if failed:
            raise CommandError(f"{len(failed)} rapport(s) non écrit(s) : voir ci-dessus.")
