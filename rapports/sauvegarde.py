"""Backup of the whole record into a folder (``manage.py sauvegarder -o DIR``; docs/SAUVEGARDE.md).

A backup holds:

- ``donnees/reference.json``: users, groups and roles, caisses, sites, exercices, the catalogue, the thresholds…
  (Django's serializer, natural keys where a model has them, else primary keys);
- ``donnees/dossiers.json``: the reports' rows (state, data version), section versions, transitions, archives'
  rows, frozen copies, comments;
- ``donnees/lignes_rapports.json``: the rows of the reports' figures and texts, with their ids;
- ``donnees/historique.json``: django-simple-history's tables;
- ``rapports/CODE-ANNEE.json``: each report's figures and texts as its interchange document, the export as is;
- ``media/…``: the archived PDFs, under their name in MEDIA_ROOT (an archive still « en préparation » has none);
- ``manifest.json``: format, version, date, commit, counts and the SHA-256 of every file above.

rapports.restauration reads it back. A report's data is there twice on purpose: its interchange document is the
format that outlives the models (the restore imports it, which proves it complete), its rows keep their ids, to
which the history's rows point (the restore puts them back in place of the imported ones).
"""

import contextlib
import datetime
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from caisses.interchange import dumps
from caisses.models import RapportAnnuel

from .interchange import export_document
from .models import ArchivePDF

FORMAT = "sauvegarde-rapports-service-social"
VERSION = 1
MANIFEST = "manifest.json"
REFERENCE = "donnees/reference.json"
DOSSIERS = "donnees/dossiers.json"
HISTORIQUE = "donnees/historique.json"
LIGNES = "donnees/lignes_rapports.json"
RAPPORTS_DIR = "rapports"
ARCHIVES_DIR = "media"
# What --force replaces: only the names a backup writes, never a file of someone else in the folder.
ENTRIES = (MANIFEST, "donnees", RAPPORTS_DIR, ARCHIVES_DIR)

# The records around the reports that their interchange document does not carry.
DOSSIER_MODELS = (
    "caisses.RapportAnnuel",
    "caisses.SectionVersion",
    "rapports.Transition",
    "rapports.ArchivePDF",
    "rapports.CopieFigee",
    "rapports.Commentaire",
)
# The figures and texts the interchange document carries: imported, then replaced by their rows (same ids).
DONNEES_RAPPORT = (
    "effectifs.Effectif",
    "effectifs.Affectation",
    "effectifs.Mouvement",
    "effectifs.Absence",
    "effectifs.Boursier",
    "effectifs.Installation",
    "effectifs.EtatLocaux",
    "effectifs.Convention",
    "effectifs.Formation",
    "effectifs.Reunion",
    "effectifs.ReunionAutreService",
    "activites.Valeur",
    "activites.PartieDeux",
    "activites.Etudiant",
    "activites.Circonscription",
    "activites.EnqueteSatisfaction",
    "activites.ItemSatisfaction",
    "rapports.PartieTrois",
    "rapports.ExplicationVariation",
)
# Rebuilt by migrate, or passing state a new base does without: sessions, login attempts, the task queue.
EXCLUS_APPS = ("contenttypes", "sessions", "axes", "django_tasks_database")
EXCLUS_MODELS = ("auth.Permission",)


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, with the microseconds it drops: a restored date must be the same instant, to the digit."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class SauvegardeImpossible(Exception):
    """A French message for the command to show."""


def is_historical(model):
    # django-simple-history marks its generated models with the model they follow.
    return hasattr(model, "instance_type")


def models_by_group():
    """{file: [models]} in an order where each model comes after those its natural keys name."""
    groups = {REFERENCE: [], DOSSIERS: [], LIGNES: [], HISTORIQUE: []}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in EXCLUS_APPS or label in EXCLUS_MODELS:
            continue
        if label in DONNEES_RAPPORT:
            groups[LIGNES].append(model)
        elif is_historical(model):
            groups[HISTORIQUE].append(model)
        elif label in DOSSIER_MODELS:
            groups[DOSSIERS].append(model)
        else:
            groups[REFERENCE].append(model)
    return {name: serializers.sort_dependencies([(None, models)], allow_cycles=True) for name, models in groups.items()}


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rapport_filename(rapport):
    return f"{RAPPORTS_DIR}/{rapport.caisse.code}-{rapport.exercice.annee}.json"


def application_commit():
    """The commit of the running code, when it is a git checkout; None otherwise."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            [git, "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def prepare_folder(folder, force):
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise SauvegardeImpossible(f"{folder} existe et n'est pas un dossier.")
    if folder.exists() and any(folder.iterdir()):
        if not force:
            raise SauvegardeImpossible(
                f"Le dossier {folder} n'est pas vide : choisissez un dossier vide, ou ajoutez --force pour "
                "remplacer la sauvegarde qu'il contient."
            )
        for name in ENTRIES:
            entry = folder / name
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            elif entry.exists() or entry.is_symlink():
                entry.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sauvegarder(folder, force=False, progress=print):
    """Write the backup into `folder` (empty, or replaced with `force`); returns the manifest."""
    folder = prepare_folder(folder, force)
    with snapshot():
        return _write(folder, progress)


@contextlib.contextmanager
def snapshot():
    """On PostgreSQL, every table read as of one instant, while the application keeps writing.

    SQLite's transactions here are IMMEDIATE (they take the write lock): holding one for the whole backup would
    stop every save, so there the tables are read one after the other (docs/SAUVEGARDE.md: back up when quiet).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write(folder, progress):
    fichiers, comptes = {}, {}

    def written(relative):
        fichiers[relative] = sha256_of(folder / relative)

    (folder / "donnees").mkdir()
    for relative, models in models_by_group().items():
        with open(folder / relative, "w", encoding="utf-8") as handle:
            serializers.serialize(
                "json",
                _rows(models, comptes),
                stream=handle,
                indent=1,
                cls=ExactEncoder,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
        written(relative)
        progress(f"{relative} : {sum(comptes[m._meta.label] for m in models)} ligne(s) écrite(s).")

    rapports = []
    (folder / RAPPORTS_DIR).mkdir()
    for rapport in RapportAnnuel.objects.select_related("caisse", "exercice").order_by("caisse__code", "exercice"):
        relative = rapport_filename(rapport)
        (folder / relative).write_text(dumps(export_document(rapport)), encoding="utf-8")
        written(relative)
        rapports.append({"code": rapport.caisse.code, "annee": rapport.exercice.annee, "fichier": relative})
    progress(f"{len(rapports)} rapport(s) écrit(s) en documents d'échange.")

    archives = _copy_archives(folder, written)
    pending = sum(1 for archive in archives if archive["fichier"] is None)
    progress(f"{len(archives) - pending} PDF archivé(s) copié(s), {pending} archive(s) en préparation (sans PDF).")

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": application_commit(),
        "comptes": comptes,
        "rapports": rapports,
        "archives": archives,
        "fichiers": fichiers,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    progress(f"Sauvegarde terminée dans {folder} ({len(fichiers)} fichier(s) vérifiable(s) par manifest.json).")
    return manifest


def _rows(models, comptes):
    for model in models:
        comptes[model._meta.label] = 0
        for row in model._default_manager.order_by(model._meta.pk.name).iterator(chunk_size=500):
            comptes[model._meta.label] += 1
            yield row


def _copy_archives(folder, written):
    """Each archive's PDF under archives/<its name in MEDIA_ROOT>; refused if a recorded file is gone or altered."""
    archives = []
    for archive in ArchivePDF.objects.order_by("pk"):
        if not archive.fichier:
            archives.append({"id": archive.pk, "nom": "", "fichier": None, "sha256": ""})
            continue
        name = archive.fichier.name
        relative = f"{ARCHIVES_DIR}/{name}"
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.fichier.open("rb") as source, open(target, "wb") as copy:
                shutil.copyfileobj(source, copy)
        except OSError as exc:
            raise SauvegardeImpossible(f"Le PDF archivé {name} est illisible ({exc.strerror}).") from None
        written(relative)
        if archive.sha256 and archive.sha256 != sha256_of(target):
            raise SauvegardeImpossible(
                f"Le PDF archivé {name} ne correspond plus à son empreinte enregistrée : sauvegarde interrompue."
            )
        archives.append({"id": archive.pk, "nom": name, "fichier": relative, "sha256": archive.sha256})
    return archives
