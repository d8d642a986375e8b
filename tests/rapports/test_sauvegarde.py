"""Backup and restore (issue 13, item 7): a round trip through an emptied base gives back the same record."""

import hashlib
import importlib
import io
import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from activites.models import Indicateur
from caisses.models import RapportAnnuel, SectionVersion
from effectifs.models import Categorie
from rapports.freeze import figer, imprimer
from rapports.interchange import ADMIN, canonical, export_document, import_document
from rapports.models import ArchivePDF, Commentaire, CopieFigee, SeuilVariationPartieUn, Transition
from rapports.sauvegarde import DONNEES_RAPPORT, DOSSIER_MODELS, EXCLUS_APPS, EXCLUS_MODELS, is_historical
from tests.rapports.conftest import import_example

# The flush empties the tables that migrations filled (catalogue, categories): `_seeded` puts them back before
# each test. (A serialized rollback would clash with the content types other transactional tests re-create.)
pytestmark = pytest.mark.django_db(transaction=True)

Etat, Action = RapportAnnuel.Etat, Transition.Action
PASSWORD = "motdepasse-test"
CATALOGUE_DEFAUT = "Personnes aidées individuellement"  # tests.factories.UserFactory's


def fake_printer(figee):
    # WeasyPrint takes seconds; the backup only needs bytes that are the archive's.
    return b"%PDF-1.7\n" + hashlib.sha256(figee.document.encode()).hexdigest().encode() + b"\n%%EOF\n"


def step(rapport, action, avant, apres, auteur, motif=""):
    transition = Transition.objects.create(
        rapport=rapport, action=action, etat_avant=avant, etat_apres=apres, auteur=auteur, motif=motif
    )
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=apres)
    rapport.refresh_from_db()
    return transition


def transmit(rapport, auteur, printed=True):
    transition = step(rapport, Action.TRANSMETTRE, rapport.etat, Etat.TRANSMIS, auteur)
    archive = figer(rapport, transition)
    if printed:
        imprimer(archive.pk, printer=fake_printer)
    return archive


def build_record(org):
    """Three regions, two exercices: a validated report, a transmitted one (a printed and a pending archive),
    a draft with Part III and an explanation, comments, an edited threshold, a group."""
    responsable, relecteur, admin = org.user("responsable"), org.user("relecteur"), org.user("administrateur")
    valide = import_example(2024)
    transmis = import_example(2025)
    transmit(valide, admin)
    step(valide, Action.VALIDER, Etat.TRANSMIS, Etat.VALIDE, relecteur)
    transmit(transmis, admin)
    step(transmis, Action.RENVOYER, Etat.TRANSMIS, Etat.RENVOYE, relecteur, motif="Chiffres de la partie II.")
    transmit(transmis, admin, printed=False)

    brouillon = export_document(RapportAnnuel(caisse=org.region, exercice=org.exercice))
    brouillon["partie_3"] = {"observations": "## Perspectives\n\nUne **permanence** commune en 2026."}
    brouillon["explications_variations"] = [{"cle": "partie1:etp", "texte": "Deux départs à la retraite."}]
    result = import_document(json.dumps(brouillon), mode=ADMIN)
    assert result.ok, result.errors

    Commentaire.objects.create(rapport=transmis, section="II.1", auteur=relecteur, texte="Total à revoir.")
    Commentaire.objects.create(
        rapport=result.rapport, section="I.1", auteur=relecteur, texte="ETP ?", traite=True, traite_par=responsable
    )
    # Edited since migrate seeded it: the restore must give back this wording, not the default one.
    Indicateur.objects.filter(libelle=CATALOGUE_DEFAUT).update(libelle="Personnes aidées (libellé revu)")
    SeuilVariationPartieUn.objects.update_or_create(cle="etp", defaults={"seuil_relatif": 15, "seuil_absolu": 2})
    groupe = Group.objects.create(name="Pilotage")
    groupe.permissions.add(Permission.objects.get(codename="view_rapportannuel"))
    responsable.groups.add(groupe)


LIGNES = (*DONNEES_RAPPORT, "activites.HistoricalValeur", "rapports.HistoricalPartieTrois")


def counted_models():
    for model in apps.get_models():
        if model._meta.app_label not in EXCLUS_APPS and model._meta.label not in EXCLUS_MODELS:
            yield model


USER_KEYS = ("auteur_id", "traite_par_id", "user_id", "history_user_id", "modifie_par_id")


def named_users(rows):
    """Rows with each user named by username: accounts come back by their natural key, not their first id."""
    usernames = dict(get_user_model().objects.values_list("pk", "username"))
    return [
        {key: usernames.get(value, value) if key in USER_KEYS else value for key, value in row.items()} for row in rows
    ]


def state_of_base(media_root):
    """Everything the round trip must give back, in comparable form."""
    rapports = RapportAnnuel.objects.select_related("caisse", "exercice").order_by("pk")
    archives = ArchivePDF.objects.order_by("pk")
    return {
        "documents": {f"{r.caisse.code}-{r.exercice.annee}": canonical(export_document(r)) for r in rapports},
        "rapports": list(rapports.values_list("pk", "caisse__code", "etat", "version_donnees", "modifie_le")),
        "sections": sorted(SectionVersion.objects.values_list("rapport_id", "section", "version")),
        "transitions": named_users(Transition.objects.order_by("pk").values()),
        "archives": list(archives.values("pk", "rapport_id", "numero", "fichier", "sha256", "taille", "imprime_le")),
        "fichiers": {
            a.fichier.name: hashlib.sha256((media_root / a.fichier.name).read_bytes()).hexdigest()
            for a in archives
            if a.fichier
        },
        "copies": list(CopieFigee.objects.order_by("pk").values_list("archive_id", "document", "corps_html")),
        "commentaires": named_users(Commentaire.objects.order_by("pk").values()),
        "catalogue": list(Indicateur.objects.order_by("pk").values()),
        "seuils": list(SeuilVariationPartieUn.objects.order_by("cle").values_list("cle", "seuil_relatif")),
        "groupes": list(get_user_model().objects.filter(groups__name="Pilotage").values_list("username", flat=True)),
        "comptes": {model._meta.label: model._default_manager.count() for model in counted_models()},
        # The rows themselves, ids included: the history's rows point at them by id.
        "lignes": {
            label: named_users(apps.get_model(label)._default_manager.order_by("pk").values()) for label in LIGNES
        },
    }


def seed_like_migrate():
    """What migrate puts in a new base (default catalogue, categories, thresholds): the backup's replace them."""
    for module, function in (
        ("activites.migrations.0002_catalogue_par_defaut", "load"),
        ("effectifs.migrations.0002_categories_par_defaut", "load"),
        ("rapports.migrations.0008_seuils_partie_un", "create"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
    assert Indicateur.objects.filter(libelle=CATALOGUE_DEFAUT).exists()


@pytest.fixture(autouse=True)
def _seeded():
    """Tests of the whole suite that run before these (transaction=True) may have flushed what migrate seeded,
    and the serialized copy does not always bring it back: put it back so each test starts from a new base."""
    if not Indicateur.objects.exists() and not Categorie.objects.exists():
        seed_like_migrate()


def empty_everything(media_root):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)


def log_in(username):
    response = Client().post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_round_trip_gives_back_every_export_archive_and_row(org, settings, tmp_path):
    media_root = Path(settings.MEDIA_ROOT)
    build_record(org)
    before = state_of_base(media_root)
    assert {r[2] for r in before["rapports"]} >= {Etat.VALIDE, Etat.TRANSMIS, Etat.BROUILLON}
    assert len(before["fichiers"]) == 2 and any(not a["fichier"] for a in before["archives"])
    assert before["comptes"]["rapports.ExplicationVariation"] == 1 and before["comptes"]["rapports.Commentaire"] == 2

    backup = tmp_path / "sauvegarde"
    call_command("sauvegarder", "-o", str(backup), stdout=io.StringIO())
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 1 and len(manifest["rapports"]) == len(before["documents"])
    assert [a["fichier"] for a in manifest["archives"]].count(None) == 1

    empty_everything(media_root)
    assert not RapportAnnuel.objects.exists() and not media_root.exists()
    seed_like_migrate()

    # Without printing the pending archive, so that the base is exactly the one backed up.
    call_command("restaurer", str(backup), "--sans-impression", stdout=io.StringIO())
    after = state_of_base(media_root)
    for key in before:
        assert after[key] == before[key], key
    assert all(
        hashlib.sha256((media_root / name).read_bytes()).hexdigest() == sha
        for name, sha in ((a["fichier"], a["sha256"]) for a in after["archives"] if a["fichier"])
    )
    pending = ArchivePDF.objects.get(fichier="")
    assert pending.en_preparation and pending.sha256 == "" and pending.taille is None
    assert log_in("t-responsable")
    # The sequences follow the restored ids: a new row gets a new id, never one of the restored ones.
    comment = Commentaire.objects.create(
        rapport=RapportAnnuel.objects.first(),
        section="I.1",
        auteur=get_user_model().objects.get(username=org.user("relecteur").username),
        texte="Nouveau.",
    )
    assert comment.pk > max(c["id"] for c in before["commentaires"])


def test_every_model_is_either_backed_up_or_rebuilt_by_design():
    """A new model must be placed: a report's data model the import writes, or a record serialized as it is."""
    assert set(DOSSIER_MODELS).isdisjoint(DONNEES_RAPPORT)
    for label in (*DOSSIER_MODELS, *DONNEES_RAPPORT):
        apps.get_model(label)
    for label in DONNEES_RAPPORT:
        model = apps.get_model(label)
        assert not is_historical(model) and hasattr(model, "history"), label


@pytest.fixture
def backup(org, tmp_path, settings):
    # The refusals need a report document and a PDF, not the whole record of the round trip.
    transmit(import_example(2025), org.user("administrateur"))
    folder = tmp_path / "sauvegarde"
    call_command("sauvegarder", "-o", str(folder), stdout=io.StringIO())
    return folder


def restore_refused(folder, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("restaurer", str(folder), stdout=io.StringIO())
    return str(refused.value)


@pytest.fixture
def backup_with_a_pending_archive(org, tmp_path, settings):
    """A backup whose only archive was not printed yet, and the base emptied as for a restore."""
    transmit(import_example(2025), org.user("administrateur"), printed=False)
    folder = tmp_path / "sauvegarde"
    call_command("sauvegarder", "-o", str(folder), stdout=io.StringIO())
    empty_everything(Path(settings.MEDIA_ROOT))
    seed_like_migrate()
    return folder


def test_restore_prints_the_archives_pending_at_backup_time(backup_with_a_pending_archive, monkeypatch):
    folder = backup_with_a_pending_archive
    monkeypatch.setattr("rapports.lifecycle._render_pdf", fake_printer)
    out = io.StringIO()
    call_command("restaurer", str(folder), stdout=out)
    assert "PDF en préparation à la sauvegarde : impression relancée pour 1." in out.getvalue()
    archive = ArchivePDF.objects.get()
    assert not archive.en_preparation
    assert archive.sha256 == hashlib.sha256(fake_printer(archive.copie)).hexdigest()


def test_a_restore_whose_printing_fails_says_so_and_keeps_the_archive_pending(
    backup_with_a_pending_archive, monkeypatch
):
    folder = backup_with_a_pending_archive

    def broken(figee):
        raise OSError("imprimante hors service")

    monkeypatch.setattr("rapports.lifecycle._render_pdf", broken)
    out = io.StringIO()
    call_command("restaurer", str(folder), stdout=out)
    assert "impression relancée pour 1, 1 en échec : relancez-la depuis l'admin « PDF archivés »." in out.getvalue()
    assert ArchivePDF.objects.get().en_preparation
    assert RapportAnnuel.objects.filter(caisse__code="CARSAT-EX").exists()  # the restore itself stands


def test_restore_refuses_a_base_that_is_not_empty(backup, tmp_path):
    comptes = {model: model._default_manager.count() for model in counted_models()}
    message = restore_refused(backup, tmp_path)
    assert "La base n'est pas vide" in message and "Rien n'a été restauré" in message
    assert {model: model._default_manager.count() for model in counted_models()} == comptes


def test_restore_refuses_a_tampered_file_before_writing_anything(backup, tmp_path, settings):
    document = next((backup / "rapports").glob("CARSAT-EX-2025.json"))
    document.write_text(document.read_text(encoding="utf-8").replace("permanence", "Permanence"), encoding="utf-8")
    empty_everything(Path(settings.MEDIA_ROOT))
    message = restore_refused(backup, tmp_path)
    assert "rapports/CARSAT-EX-2025.json a été modifié" in message
    assert not get_user_model().objects.exists() and not Categorie.objects.exists()


def test_restore_refuses_a_missing_manifest_or_pdf(backup, tmp_path, settings):
    empty_everything(Path(settings.MEDIA_ROOT))
    pdf = next((backup / "media").rglob("*.pdf"))
    pdf.unlink()
    assert "Fichier manquant dans la sauvegarde" in restore_refused(backup, tmp_path)
    (backup / "manifest.json").unlink()
    assert "ne contient pas de manifest.json" in restore_refused(backup, tmp_path)
    assert "n'est pas un dossier" in restore_refused(tmp_path / "absent", tmp_path)


def test_restore_refuses_a_manifest_pointing_outside_the_backup(backup, tmp_path, settings):
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    manifest["fichiers"]["../../etc/passwd"] = "0" * 64
    (backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    empty_everything(Path(settings.MEDIA_ROOT))
    assert "sort du dossier de la sauvegarde" in restore_refused(backup, tmp_path)


def test_backup_refuses_a_folder_that_is_not_empty_unless_forced(org, tmp_path):
    folder = tmp_path / "occupe"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("sauvegarder", "-o", str(folder), stdout=io.StringIO())
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    call_command("sauvegarder", "-o", str(folder), "--force", stdout=io.StringIO())
    call_command("sauvegarder", "-o", str(folder), "--force", stdout=io.StringIO())
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "à garder"
    assert (folder / "manifest.json").exists()


def test_a_document_that_does_not_import_leaves_nothing_behind(backup, tmp_path, settings):
    """Hashes that match but a document the import refuses: every row and every PDF written is undone."""
    relative = "rapports/CARSAT-EX-2025.json"
    document = json.loads((backup / relative).read_text(encoding="utf-8"))
    document["partie_3"] = {"observations": 12}
    (backup / relative).write_text(json.dumps(document), encoding="utf-8")
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    manifest["fichiers"][relative] = hashlib.sha256((backup / relative).read_bytes()).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    media_root = Path(settings.MEDIA_ROOT)
    empty_everything(media_root)
    message = restore_refused(backup, tmp_path)
    assert "CARSAT-EX-2025.json ne s'importe pas" in message and "partie_3.observations" in message
    assert "Rien n'a été restauré" in message
    assert not RapportAnnuel.objects.exists() and not get_user_model().objects.exists()
    assert not list(media_root.rglob("*.pdf"))
