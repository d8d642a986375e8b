"""Restore a backup of rapports.sauvegarde into an empty base (``manage.py restaurer DIR``; docs/SAUVEGARDE.md).

Everything is checked before anything is written: the manifest, the SHA-256 of every file it lists, and that the
base is empty. Then, in one transaction: the reference data and the records (primary keys kept, so the foreign
keys stay right), each report's data through the interchange import (administrator's mode) — which must give back
the backed-up document —, then the backed-up rows of that data in place of the imported ones (their ids are the
history's), the state, versions and dates the import moved put back from the backed-up rows, the history tables,
the archived PDFs into MEDIA_ROOT under their recorded names. Before the commit, every report must export its
backed-up document again, every PDF must match its hash and every table its count; otherwise nothing stays.
"""

import json
import re
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from caisses.models import Caisse, Exercice, RapportAnnuel, SectionVersion

from . import taches
from .interchange import ADMIN, canonical, export_document, import_document
from .models import ArchivePDF
from .sauvegarde import (
    DOSSIERS,
    FORMAT,
    HISTORIQUE,
    LIGNES,
    MANIFEST,
    REFERENCE,
    VERSION,
    models_by_group,
    sha256_of,
)

SHA256 = re.compile(r"[0-9a-f]{64}")
# The rows the import touches (envelope, report's state, data version, date): put back once it has run.
REWRITTEN = ("caisses.Caisse", "caisses.Site", "caisses.Exercice", "caisses.RapportAnnuel")
MAX_ERRORS_SHOWN = 20


class RestaurationImpossible(Exception):
    """A French message for the command to show; nothing was written."""


# --- Checks, before any write --------------------------------------------------------------------------------


def _safe_relative(value, what):
    """A relative path inside its folder ("a/b.json"), or refused: a manifest is input like any other."""
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        raise RestaurationImpossible(f"manifest.json : {what} invalide.")
    path = PurePosixPath(value)
    if path.is_absolute() or any(part in ("", ".", "..") for part in value.split("/")):
        raise RestaurationImpossible(f"manifest.json : {what} « {value[:80]} » sort du dossier de la sauvegarde.")
    return value


def read_manifest(folder):
    folder = Path(folder)
    if not folder.is_dir():
        raise RestaurationImpossible(f"{folder} n'est pas un dossier.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RestaurationImpossible(
            f"{folder} ne contient pas de manifest.json : ce n'est pas une sauvegarde."
        ) from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise RestaurationImpossible("manifest.json est illisible (JSON invalide).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestaurationImpossible("manifest.json ne décrit pas une sauvegarde de cette application.")
    if manifest.get("version") != VERSION:
        raise RestaurationImpossible(
            f"Sauvegarde au format n° {manifest.get('version')!r} : cette version de l'application lit le n° {VERSION}."
        )
    fichiers = manifest.get("fichiers")
    if not isinstance(fichiers, dict) or not all(isinstance(h, str) and SHA256.fullmatch(h) for h in fichiers.values()):
        raise RestaurationImpossible("manifest.json : la liste des fichiers et de leurs empreintes est invalide.")
    for relative in fichiers:
        _safe_relative(relative, "chemin de fichier")
    for relative in (REFERENCE, DOSSIERS, LIGNES, HISTORIQUE):
        if relative not in fichiers:
            raise RestaurationImpossible(f"manifest.json ne liste pas {relative}.")
    _check_lists(manifest, fichiers)
    return manifest


def _check_lists(manifest, fichiers):
    rapports, archives = manifest.get("rapports"), manifest.get("archives")
    if (
        not isinstance(rapports, list)
        or not isinstance(archives, list)
        or not isinstance(manifest.get("comptes"), dict)
    ):
        raise RestaurationImpossible("manifest.json : rapports, archives ou comptes manquants.")
    for item in rapports:
        if not isinstance(item, dict) or not isinstance(item.get("fichier"), str) or item["fichier"] not in fichiers:
            raise RestaurationImpossible("manifest.json : un rapport renvoie à un fichier non répertorié.")
    for item in archives:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            raise RestaurationImpossible("manifest.json : une archive est mal décrite.")
        if item.get("fichier") is None:
            continue
        if not isinstance(item["fichier"], str) or item.get("sha256") != fichiers.get(item["fichier"]):
            raise RestaurationImpossible(f"manifest.json : le PDF de l'archive n° {item['id']} n'est pas répertorié.")
        if not str(item.get("nom", "")).startswith("archives/"):
            raise RestaurationImpossible(f"manifest.json : nom de PDF invalide pour l'archive n° {item['id']}.")
        _safe_relative(item["nom"], "nom de PDF")


def check_files(folder, manifest, progress=print):
    """Every listed file present and unchanged; refused at the first that is not."""
    folder = Path(folder)
    for relative, expected in sorted(manifest["fichiers"].items()):
        path = folder / relative
        if not path.is_file():
            raise RestaurationImpossible(f"Fichier manquant dans la sauvegarde : {relative}. Rien n'a été restauré.")
        if sha256_of(path) != expected:
            raise RestaurationImpossible(
                f"Le fichier {relative} a été modifié depuis la sauvegarde (empreinte SHA-256 différente). "
                "Rien n'a été restauré."
            )
    progress(f"{len(manifest['fichiers'])} fichier(s) vérifié(s) : empreintes conformes au manifeste.")


def check_empty_base():
    if Caisse.objects.exists() or RapportAnnuel.objects.exists():
        raise RestaurationImpossible(
            "La base n'est pas vide (elle contient des caisses ou des rapports) : la restauration se fait dans une "
            "base neuve (manage.py migrate sur une base vide). Rien n'a été restauré."
        )
    if get_user_model().objects.filter(is_superuser=False).exists():
        raise RestaurationImpossible(
            "La base contient déjà des utilisateurs (autres que des superutilisateurs) : la restauration se fait "
            "dans une base neuve. Rien n'a été restauré."
        )


# --- The restore ---------------------------------------------------------------------------------------------


def restaurer(folder, progress=print, imprimer=True):
    """Check, then restore the backup in `folder` into this empty base, all or nothing; returns the manifest.
    `imprimer`: queue the printing of the archives that were still pending when the backup was made."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_files(folder, manifest, progress)
    check_empty_base()
    stored = []
    try:
        with transaction.atomic():
            _restore(folder, manifest, stored, progress)
    except BaseException as exc:
        # The rows are rolled back: the PDFs written for them must not stay behind.
        for storage, name in stored:
            storage.delete(name)
        if isinstance(exc, DatabaseError):
            refused = f"La base a refusé la restauration ({str(exc)[:300]}). Rien n'a été restauré."
            raise RestaurationImpossible(refused) from None
        if isinstance(exc, RestaurationImpossible):
            raise RestaurationImpossible(f"{exc} Rien n'a été restauré.") from None
        raise
    # Kept pages and section states are keyed by report id and data version, which a restore reuses.
    cache.clear()
    progress(f"Restauration terminée : {len(manifest['rapports'])} rapport(s), {len(stored)} PDF archivé(s).")
    pending = list(ArchivePDF.objects.filter(fichier="").order_by("pk").values_list("pk", flat=True))
    if pending and imprimer:
        failed = taches.relancer_impressions(pending)
        suite = f", {failed} en échec : relancez-la depuis l'admin « PDF archivés »" if failed else ""
        progress(f"PDF en préparation à la sauvegarde : impression relancée pour {len(pending)}{suite}.")
    elif pending:
        progress(f"PDF en préparation à la sauvegarde : {len(pending)}, impression non relancée (--sans-impression).")
    return manifest


def _restore(folder, manifest, stored, progress):
    _clear_reference()
    loaded = {}
    for relative in (REFERENCE, DOSSIERS):
        count = _save_all(folder / relative, loaded)
        progress(f"{relative} : {count} ligne(s) chargée(s).")
    # The import adds rows (section versions) beside those just loaded with their ids: it needs the next ids.
    _reset_sequences(loaded)
    documents = _import_reports(folder, manifest, progress)
    _verify_documents(documents, "réimporté")
    _replace_report_rows(folder / LIGNES, loaded)
    progress(f"{LIGNES} : lignes des rapports remises avec leurs identifiants.")
    _put_back(loaded)
    count = _save_all(folder / HISTORIQUE, loaded, replace_history=True)
    progress(f"{HISTORIQUE} : {count} ligne(s) chargée(s).")
    _restore_archives(folder, manifest, stored, progress)
    _reset_sequences(loaded)
    _verify_documents(documents, "restauré")
    _verify(manifest)
    progress(
        "Vérifié : chaque rapport exporte son document sauvegardé, chaque PDF son empreinte, chaque table son compte."
    )


def _clear_reference():
    """The backup's reference data replaces the base's: migrate fills a new base with the default catalogue,
    categories and thresholds, which the backed-up ones (perhaps edited since) must not sit beside.
    Superusers made to run the restore stay."""
    user_model = get_user_model()
    cleared = [model for model in models_by_group()[REFERENCE] if model is not user_model]
    tables = [model._meta.db_table for model in cleared]
    for model in models_by_group()[REFERENCE]:
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and (model in cleared or field.related_model in cleared):
                tables.insert(0, through._meta.db_table)
    _delete_tables(tables)


def _delete_tables(tables):
    """Plain SQL, not the ORM's delete: the catalogue's rows protect each other (ratios name their numerator), and
    the ORM would write a history row for each deleted row. The foreign keys are checked at the commit, once the
    backed-up rows are in."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a model's table)


def _deserialize(path):
    try:
        yield from serializers.deserialize(
            "json", path.read_text(encoding="utf-8"), handle_forward_references=True, ignorenonexistent=False
        )
    except DeserializationError as exc:
        raise RestaurationImpossible(f"{path.name} est illisible : {str(exc)[:300]}") from None


def _save_all(path, loaded, replace_history=False):
    """Save every row of one serialized file (as loaddata does); `loaded` keeps them by model label."""
    deferred, count = [], 0
    if replace_history:
        # Every history row in the base was written by this restore's imports: the backed-up ones replace them.
        _delete_tables([model._meta.db_table for model in models_by_group()[HISTORIQUE]])
    for obj in _deserialize(path):
        try:
            obj.save()
        except (DatabaseError, ValueError) as exc:
            what = f"{obj.object._meta.label} n° {obj.object.pk}"
            raise RestaurationImpossible(
                f"{path.name} : la ligne {what} ne se charge pas ({str(exc)[:300]})."
            ) from None
        loaded.setdefault(obj.object._meta.label, []).append(obj)
        if obj.deferred_fields:
            deferred.append(obj)
        count += 1
    for obj in deferred:
        obj.save_deferred_fields()
    return count


def _import_reports(folder, manifest, progress):
    """Each report's data through the interchange import; {(code, annee): document}."""
    # The import writes only into a draft of an open exercice; the real state and dates are put back after.
    Exercice.objects.update(ouvert=True)
    RapportAnnuel.objects.update(etat=RapportAnnuel.Etat.BROUILLON)
    documents = {}
    for item in manifest["rapports"]:
        raw = (folder / item["fichier"]).read_bytes()
        result = import_document(raw, mode=ADMIN)
        if not result.ok:
            lines = result.errors.lines()
            shown = "\n  ".join(lines[:MAX_ERRORS_SHOWN])
            raise RestaurationImpossible(f"{item['fichier']} ne s'importe pas ({len(lines)} erreur(s)) :\n  {shown}")
        documents[(result.rapport.caisse.code, result.rapport.exercice.annee)] = json.loads(raw)
    progress(f"{len(documents)} rapport(s) réimporté(s) depuis leur document d'échange.")
    return documents


def _replace_report_rows(path, loaded):
    """The imported rows give way to the backed-up ones: same values, and the ids their history points to."""
    _delete_tables([model._meta.db_table for model in models_by_group()[LIGNES]])
    _save_all(path, loaded)


def _put_back(loaded):
    for label in REWRITTEN:
        for obj in loaded.get(label, ()):
            obj.save()
    SectionVersion.objects.all().delete()
    for obj in loaded.get(SectionVersion._meta.label, ()):
        obj.save()


def _restore_archives(folder, manifest, stored, progress):
    storage = ArchivePDF._meta.get_field("fichier").storage
    names = dict(ArchivePDF.objects.values_list("pk", "fichier"))
    pending = 0
    for item in manifest["archives"]:
        if item["fichier"] is None:
            pending += 1
            continue
        name = item["nom"]
        if names.get(item["id"]) != name:
            raise RestaurationImpossible(f"L'archive n° {item['id']} ne correspond pas au PDF {name} du manifeste.")
        if storage.exists(name):
            if sha256_of(storage.path(name)) == item["sha256"]:
                continue
            storage.delete(name)
        saved = storage.save(name, ContentFile((folder / item["fichier"]).read_bytes()))
        stored.append((storage, saved))
        if saved != name:
            raise RestaurationImpossible(f"Le PDF {name} n'a pas pu être remis à son nom dans MEDIA_ROOT.")
    progress(f"{len(stored)} PDF archivé(s) remis dans MEDIA_ROOT, {pending} archive(s) en préparation.")


def _reset_sequences(loaded):
    """Rows were saved with their primary keys: the next id of each table must come after them (as loaddata)."""
    models = {obj.object.__class__ for objs in loaded.values() for obj in objs}
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    try:
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
    except IntegrityError as exc:
        raise RestaurationImpossible(f"La sauvegarde renvoie à des lignes absentes : {exc}") from None


def _verify_documents(documents, how):
    for (code, annee), document in documents.items():
        rapport = RapportAnnuel.objects.select_related("caisse", "exercice").get(
            caisse__code=code, exercice__annee=annee
        )
        if canonical(export_document(rapport)) != canonical(document):
            raise RestaurationImpossible(f"Le rapport {code} {annee} {how} n'exporte pas son document sauvegardé.")


def _verify(manifest):
    storage = ArchivePDF._meta.get_field("fichier").storage
    for archive in ArchivePDF.objects.exclude(fichier=""):
        if not storage.exists(archive.fichier.name) or sha256_of(storage.path(archive.fichier.name)) != archive.sha256:
            raise RestaurationImpossible(f"Le PDF restauré {archive.fichier.name} ne correspond pas à son empreinte.")
    user_label = get_user_model()._meta.label
    for label, expected in manifest["comptes"].items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            raise RestaurationImpossible(f"La sauvegarde contient une table inconnue ici : {label}.") from None
        found = model._default_manager.count()
        # Superusers created before the restore stay beside the restored users.
        if found != expected and not (label == user_label and found > expected):
            raise RestaurationImpossible(f"{label} : {found} ligne(s) restaurée(s) au lieu de {expected}.")
