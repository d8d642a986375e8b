"""Background work (rapports.taches): the archive's PDF printed by a task, its pending state on every page that
shows it, `rapport_pdf --all` and e-mails through tasks, and one transmission printed by a real worker process."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_tasks import default_task_backend

from caisses import checks as validation
from caisses.checks import Constat
from caisses.models import RapportAnnuel
from rapports import lifecycle, taches
from rapports.lifecycle import Action, perform
from rapports.models import ArchivePDF, CopieFigee

Etat = RapportAnnuel.Etat
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
REDIS_CLAIM = "rapports-tests:base-reservee"
WORKER_TIMEOUT = 120  # seconds: Django's start and WeasyPrint on a machine shared by several test runs


def fake_pdf(figee):
    return f"%PDF-1.7 {figee.attachment_name} {hashlib.sha256(figee.corps_html.encode()).hexdigest()}".encode()


@pytest.fixture
def pdf(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", fake_pdf)


@pytest.fixture
def rapport(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)


@pytest.fixture
def queued(pdf, checks):
    """Tasks queued and left unrun (the dummy backend), as when no worker has taken them yet."""
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()
        yield default_task_backend


def url(name, rapport, **extra):
    return reverse(name, kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee, **extra})


def transmit(org, rapport, capture):
    with capture(execute=True):
        return perform(org.user("responsable"), rapport, Action.TRANSMETTRE)


def stored_bytes(archive):
    with archive.fichier.open("rb") as handle:
        return handle.read()


def tasks_named(backend, name):
    return [result for result in backend.results if result.task.name == name]


# --- Immediate backend: as before the tasks ------------------------------------------------------------------


def test_immediate_backend_prints_inside_the_transmission(org, rapport, pdf, checks):
    assert taches.runs_at_once(taches.imprimer_archive)
    transition = perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    archive = ArchivePDF.objects.get(transition=transition)
    assert not archive.en_preparation and archive.imprime_le is not None
    content = stored_bytes(archive)
    assert content.startswith(b"%PDF-1.7 rapport-CARSAT-T1-2025.json")
    assert archive.sha256 == hashlib.sha256(content).hexdigest() and archive.taille == len(content)


def test_immediate_backend_sends_the_emails_on_commit(org, rapport, pdf, checks, django_capture_on_commit_callbacks):
    transmit(org, rapport, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["t-relecteur@test.invalid"]]


# --- Pending: the task not run yet ---------------------------------------------------------------------------


def test_transmission_answers_at_once_with_the_copy_frozen_and_the_pdf_queued(
    org, rapport, queued, django_capture_on_commit_callbacks
):
    transition = transmit(org, rapport, django_capture_on_commit_callbacks)
    archive = ArchivePDF.objects.get(transition=transition)
    assert archive.en_preparation and archive.sha256 == "" and archive.taille is None
    assert CopieFigee.objects.filter(archive=archive).exists()  # the record is frozen with the transmission
    assert [r.args for r in tasks_named(queued, "imprimer_archive")] == [[archive.pk]]
    # The e-mails go through a task too, with plain JSON arguments; none is sent until it runs.
    (courriels,) = tasks_named(queued, "envoyer_courriels")
    sujet, corps, destinataires = courriels.args
    assert sujet == "Rapport CARSAT-T1 2025 transmis à la caisse nationale"
    assert destinataires == ["t-relecteur@test.invalid"] and "Suivi du rapport" in corps
    assert mail.outbox == []


def test_no_task_is_queued_when_the_transmission_fails(
    org, rapport, queued, checks, django_capture_on_commit_callbacks
):
    checks.errors = [Constat(message="Effectif manquant.", section="I.1")]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(lifecycle.TransitionRefusee):
        perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    assert queued.results == [] and not ArchivePDF.objects.exists()


def test_pages_say_pdf_en_preparation_and_the_pdf_answers_503(
    org, rapport, queued, client_for, django_capture_on_commit_callbacks
):
    transmit(org, rapport, django_capture_on_commit_callbacks)
    client = client_for(org.user("relecteur"))

    page = client.get(url("rapport_detail", rapport))
    assert page.status_code == 200
    html = page.content.decode()
    assert "PDF en préparation" in html and url("rapport_pdf", rapport) not in html

    suivi = client.get(url("rapport_transmission", rapport)).content.decode()
    assert "PDF en préparation" in suivi
    assert url("rapport_archive", rapport, numero=1) not in suivi and url("rapport_pdf", rapport) not in suivi

    response = client.get(url("rapport_pdf", rapport))
    assert response.status_code == 503
    assert response["Retry-After"] == "10" and response["Content-Type"].startswith("text/html")
    assert "Le PDF est en préparation, réessayez dans quelques instants" in response.content.decode()

    # The archive's own address, typed by hand while it is printed: the same French 503, never a 500.
    by_hand = client.get(url("rapport_archive", rapport, numero=1))
    assert by_hand.status_code == 503 and by_hand["Retry-After"] == "10"
    assert "Le PDF est en préparation" in by_hand.content.decode()


def test_once_printed_the_pages_link_the_pdf_and_serve_the_archive(
    org, rapport, queued, client_for, django_capture_on_commit_callbacks
):
    transition = transmit(org, rapport, django_capture_on_commit_callbacks)
    archive = ArchivePDF.objects.get(transition=transition)
    taches.imprimer_archive.call(archive.pk)
    archive.refresh_from_db()
    client = client_for(org.user("relecteur"))
    assert "PDF en préparation" not in client.get(url("rapport_detail", rapport)).content.decode()
    suivi = client.get(url("rapport_transmission", rapport)).content.decode()
    assert "PDF en préparation" not in suivi and url("rapport_archive", rapport, numero=1) in suivi
    response = client.get(url("rapport_pdf", rapport))
    assert response.status_code == 200 and response.content == stored_bytes(archive)


def test_printing_is_idempotent_and_never_touches_the_frozen_copy(
    org, rapport, queued, django_capture_on_commit_callbacks
):
    transition = transmit(org, rapport, django_capture_on_commit_callbacks)
    archive = ArchivePDF.objects.get(transition=transition)
    copie_before = CopieFigee.objects.filter(archive=archive).values().get()

    first = taches.imprimer_archive.call(archive.pk)
    archive.refresh_from_db()
    printed = (archive.fichier.name, archive.sha256, archive.taille, archive.imprime_le, stored_bytes(archive))
    assert first == archive.fichier.name and archive.sha256 == hashlib.sha256(printed[-1]).hexdigest()

    assert taches.imprimer_archive.call(archive.pk) is None  # printed already: nothing to do
    archive.refresh_from_db()
    assert (archive.fichier.name, archive.sha256, archive.taille, archive.imprime_le, stored_bytes(archive)) == printed
    assert CopieFigee.objects.filter(archive=archive).values().get() == copie_before
    archives = Path(settings.MEDIA_ROOT) / "archives"
    assert [p.name for p in archives.rglob("*.pdf")] == [Path(archive.fichier.name).name]  # no second file
    assert taches.imprimer_archive.call(archive.pk + 1000) is None  # gone: nothing either


def test_the_queued_emails_are_sent_by_their_task(org, rapport, queued, django_capture_on_commit_callbacks):
    transmit(org, rapport, django_capture_on_commit_callbacks)
    (courriels,) = tasks_named(queued, "envoyer_courriels")
    assert taches.envoyer_courriels.call(*courriels.args) == 1
    assert [m.to for m in mail.outbox] == [["t-relecteur@test.invalid"]]
    assert mail.outbox[0].subject == "Rapport CARSAT-T1 2025 transmis à la caisse nationale"


def test_admin_lists_pending_archives_and_queues_their_printing_again(
    org, rapport, queued, client_for, django_capture_on_commit_callbacks
):
    transition = transmit(org, rapport, django_capture_on_commit_callbacks)
    archive = ArchivePDF.objects.get(transition=transition)
    queued.clear()
    admin = client_for(org.user("administrateur"))
    changelist = reverse("admin:rapports_archivepdf_changelist")
    assert "en préparation" in admin.get(changelist).content.decode()
    response = admin.post(changelist, {"action": "relancer_impression", "_selected_action": [archive.pk]}, follow=True)
    assert "Impressions relancées : 1." in response.content.decode()
    assert [r.args for r in tasks_named(queued, "imprimer_archive")] == [[archive.pk]]


# --- The command --------------------------------------------------------------------------------------------


def test_rapport_pdf_refuses_a_pdf_being_printed(org, rapport, queued, tmp_path, django_capture_on_commit_callbacks):
    transmit(org, rapport, django_capture_on_commit_callbacks)
    with pytest.raises(CommandError, match="CARSAT-T1 2025 : Le PDF est en préparation"):
        call_command("rapport_pdf", "CARSAT-T1", "2025", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_rapport_pdf_all_queues_one_task_per_region(org, queued, tmp_path, capsys):
    folder = tmp_path / "pdf"
    call_command("rapport_pdf", "--all", "2025", "-o", str(folder))
    jobs = sorted(r.args for r in tasks_named(queued, "imprimer_rapport"))
    assert jobs == [["CARSAT-T1", 2025, str(folder.resolve())], ["CARSAT-T2", 2025, str(folder.resolve())]]
    assert "2 rapports mis en file d'attente" in capsys.readouterr().out
    assert list(folder.iterdir()) == []  # the workers write them


def test_rapport_pdf_all_says_which_region_failed(org, rapport, pdf, checks, tmp_path, monkeypatch, capsys):
    perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    ArchivePDF.objects.update(fichier="")  # as if its printing had not run
    folder = tmp_path / "pdf"
    with pytest.raises(CommandError, match="1 rapport"):
        call_command("rapport_pdf", "--all", "2025", "-o", str(folder))
    output = capsys.readouterr()
    assert "1 rapports écrits" in output.out
    assert "CARSAT-T1 : rapports.freeze.PdfEnPreparation: Le PDF est en préparation" in output.err
    assert [p.name for p in folder.iterdir()] == ["rapport-CARSAT-T2-2025.pdf"]


# --- A real worker process ---------------------------------------------------------------------------------


def database_url():
    """The test database, as the worker process must reach it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(backend, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "1",
        "TASKS_BACKEND": backend,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


def transmit_for_a_worker(tasks_setting, **extra_settings):
    """Transmit through the real path with `tasks_setting`; the pending archive (committed, task queued)."""
    from tests.factories import build_org

    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    with override_settings(TASKS=tasks_setting, **extra_settings):
        assert not taches.runs_at_once(taches.imprimer_archive)
        transition = perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    archive = ArchivePDF.objects.get(transition=transition)
    assert archive.en_preparation
    return archive


def start_worker(command, env, log):
    with log.open("w") as output:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_printed(archive, worker, log):
    """Poll the archive while the worker runs, at most WORKER_TIMEOUT seconds; the worker's output on failure."""
    for _ in range(WORKER_TIMEOUT * 2):
        archive.refresh_from_db()
        if not archive.en_preparation:
            return
        try:
            worker.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue
        if worker.returncode not in (None, 0):
            break
    archive.refresh_from_db()
    if archive.en_preparation:
        stop(worker)
        pytest.fail(f"PDF non imprimé par le worker :\n{log.read_text()}")


def stop(worker):
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=15)


def check_printed(archive):
    content = stored_bytes(archive)
    assert content.startswith(b"%PDF-") and archive.taille == len(content)
    assert archive.sha256 == hashlib.sha256(content).hexdigest()
    assert archive.copie.document  # still the frozen copy it was printed from


@pytest.mark.django_db(transaction=True)
def test_a_transmission_printed_by_the_database_worker(pdf_cache_dir, monkeypatch, tmp_path):
    monkeypatch.setattr(validation, "CHECKS", [])
    archive = transmit_for_a_worker({"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    log = tmp_path / "worker.log"
    command = ["db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"]
    worker = start_worker(command, worker_env("database"), log)
    try:
        wait_until_printed(archive, worker, log)
    finally:
        stop(worker)
    check_printed(archive)


def redis_url():
    """A database of the local Redis claimed for this run (a key set only if absent, expiring), so that two runs
    at once (CI runs SQLite and PostgreSQL side by side) never share a queue."""
    import redis

    try:
        for db in range(1, 16):
            url = f"redis://127.0.0.1:6379/{db}"
            if redis.Redis.from_url(url, socket_connect_timeout=1).set(REDIS_CLAIM, os.getpid(), nx=True, ex=300):
                return url
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis ne répond pas sur 127.0.0.1:6379 : la CI doit y faire passer une archive.")
        pytest.skip("Redis ne répond pas sur 127.0.0.1:6379 : test du worker Redis sauté.")
    pytest.fail("Aucune base Redis libre (1 à 15) : d'autres suites tournent-elles en même temps ?")


def release_redis(url):
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1).delete(REDIS_CLAIM)


@pytest.mark.django_db(transaction=True)
def test_a_transmission_printed_by_the_redis_worker(pdf_cache_dir, monkeypatch, tmp_path):
    url = redis_url()
    monkeypatch.setattr(validation, "CHECKS", [])
    archive = transmit_for_a_worker(
        {"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
        RQ_QUEUES={"default": {"URL": url, "DEFAULT_TIMEOUT": 900}},
    )
    log = tmp_path / "worker.log"
    worker = start_worker(
        ["rqworker", "--job-class", "django_tasks_rq.Job", "--burst", "default"],
        worker_env("redis", REDIS_URL=url),
        log,
    )
    try:
        wait_until_printed(archive, worker, log)
    finally:
        stop(worker)
        release_redis(url)
    check_printed(archive)
