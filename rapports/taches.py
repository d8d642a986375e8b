"""Background work through Django's tasks API (django-tasks): the archive's PDF, `rapport_pdf --all`, e-mails.

Which backend runs them is configuration (TASKS_BACKEND, docs/TACHES.md): `immediate` runs each task in the
process that asks for it; `database` and `redis` queue it for a worker (`manage.py db_worker`,
`manage.py rqworker default`). Arguments are JSON: ids, codes, paths and strings, never model instances.
"""

from pathlib import Path

from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks.backends.immediate import ImmediateBackend

from caisses.taches import envoyer_courriels  # noqa: F401 — its home since it serves caisses' e-mails too

from . import freeze


def runs_at_once(a_task):
    """Does this task run when it is enqueued, in this process (the immediate backend)?"""
    return isinstance(a_task.get_backend(), ImmediateBackend)


@task()
def imprimer_archive(archive_id):
    """Print the PDF of a transmission's archive from its frozen copy; nothing when it is printed already."""
    from . import lifecycle

    # lifecycle._render_pdf is looked up now: the suite replaces the slow printer there.
    archive = freeze.imprimer(archive_id, printer=lifecycle._render_pdf)
    return archive.fichier.name if archive is not None else None


def imprimer_apres_transmission(archive):
    """Have the archive of a transmission being committed printed.

    With the immediate backend it is printed now, inside the transmission's transaction, as before the tasks
    existed: the PDF exists when the request ends and a failure undoes the transmission. Otherwise the task is
    queued once the transmission is committed, so that no worker looks for an archive not yet visible to it.
    """
    if runs_at_once(imprimer_archive):
        imprimer_archive.call(archive.pk)
        # The caller deletes the file if its transaction fails, and shows the archive's hash: both are read here.
        archive.refresh_from_db()
    else:
        # robust: the transmission is committed; a queue out of reach is logged and leaves the archive pending,
        # to be queued again from the admin (« Relancer l'impression »), rather than an error page.
        transaction.on_commit(lambda: imprimer_archive.enqueue(archive.pk), robust=True)


def relancer_impressions(archive_ids):
    """Queue again the printing of pending archives (the admin's « Relancer l'impression », a restore); how many
    failed at once: the immediate backend prints now, and a failure leaves its archive pending."""
    failed = 0
    for pk in archive_ids:
        if imprimer_archive.enqueue(pk).status == TaskResultStatus.FAILED:
            failed += 1
    return failed


@task()
def imprimer_rapport(code, annee, dossier):
    """`rapport_pdf --all`: write one region's report PDF into `dossier`; the path written."""
    from .management.commands.rapport_pdf import rapport_of
    from .pdf import pdf_filename

    rapport = rapport_of(code, annee)
    path = Path(dossier) / pdf_filename(rapport)
    path.write_bytes(freeze.served_pdf(rapport))
    return str(path)
