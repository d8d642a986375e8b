"""python manage.py rapport_pdf CODE ANNEE [-o FILE] | --all ANNEE [-o DIR]: the report's PDF from the command line.

A transmitted or validated report's PDF is its archived copy (rapports.freeze), as on the site.
"""

import multiprocessing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from tqdm import tqdm

from caisses.models import Caisse, Exercice, RapportAnnuel
from rapports.freeze import served_pdf
from rapports.pdf import pdf_filename


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


def write_pdf(job):
    """Worker: render one region's report into `folder` (each process opens its own database connection)."""
    code, annee, folder = job
    rapport = rapport_of(code, annee)
    path = Path(folder) / pdf_filename(rapport)
    path.write_bytes(served_pdf(rapport))
    return str(path)


class Command(BaseCommand):
    help = "Écrit le PDF du rapport d'une caisse régionale pour un exercice, ou de toutes les régions (--all)."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="code de la caisse régionale, par exemple CARSAT-PL")
        parser.add_argument("annee", nargs="?", type=int, help="exercice, par exemple 2025")
        parser.add_argument("--all", dest="all_annee", type=int, metavar="ANNEE", help="toutes les régions")
        parser.add_argument(
            "-o", "--output", help="fichier de sortie (un dossier avec --all) ; par défaut rapport-CODE-ANNEE.pdf"
        )
        parser.add_argument("--workers", type=int, default=2, help="processus en parallèle avec --all (défaut : 2)")

    def handle(self, *args, code=None, annee=None, all_annee=None, output=None, workers=2, **options):
        if all_annee is not None:
            if code or annee:
                raise CommandError("Donnez soit CODE ANNEE, soit --all ANNEE, pas les deux.")
            return self.render_all(all_annee, Path(output or "."), workers)
        if not code or annee is None:
            raise CommandError("Usage : rapport_pdf CODE ANNEE [-o FICHIER] ou rapport_pdf --all ANNEE [-o DOSSIER]")
        rapport = rapport_of(code, annee)
        path = Path(output or pdf_filename(rapport))
        path.write_bytes(served_pdf(rapport))
        self.stdout.write(f"{path} écrit.")

    def render_all(self, annee, folder, workers):
        if not Exercice.objects.filter(annee=annee).exists():
            raise CommandError(f"Exercice inconnu : {annee}")
        folder.mkdir(parents=True, exist_ok=True)
        jobs = [(code, annee, str(folder)) for code in Caisse.objects.regionales().values_list("code", flat=True)]
        progress = {"total": len(jobs), "desc": "Rapports", "unit": "rapport", "file": self.stderr}
        if workers <= 1:
            paths = [write_pdf(job) for job in tqdm(jobs, **progress)]
        else:
            # Forked workers must not share the parent's database connection.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                paths = list(tqdm(pool.imap_unordered(write_pdf, jobs), **progress))
        self.stdout.write(f"{len(paths)} rapports écrits dans {folder}.")
