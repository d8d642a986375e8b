"""The frozen copy of a transmitted report: what was sent is what is served.

At each transmission (`lifecycle.perform`, atomically with its Transition; the demo's past reports too) `freeze`
stores, beside the archived PDF: the interchange document as exported, and the report's body
(rapports/rapport_corps.html) rendered once the state is "transmis". The PDF is PDF/A-3b, printed from that same
body with that same document attached, and always rendered afresh: never taken from the PDF cache of drafts.
The copy is stored inside the transmission; the PDF may be printed from it afterwards by a task (`figer` then
`imprimer`, rapports.taches): until then the archive is « en préparation » and its PDF is not served
(`PdfEnPreparation`), never replaced by a freshly rendered one.

While a report is transmis or validé, its page, its PDF and its export.json come from its latest copy
(`frozen_copy`), so that nothing done later (reference data, catalogue, exercices, next year, imports) changes
them. Returning or reopening the report makes it live again; its next transmission freezes a new numbered copy.

Transmissions made before these copies existed are completed the first time the report is read: an ArchivePDF
without its CopieFigee keeps its PDF exactly as transmitted (not PDF/A, no attachment), and its document and
body are rendered from the data of that moment; a transmission without any archive (the demo's, before) gets
its whole copy then, PDF/A-3b included. Either way the copy is marked `reconstituee` and served unchanged from
then on.
"""

import datetime
import hashlib
from dataclasses import dataclass

import weasyprint
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from caisses.interchange import dumps
from caisses.models import RapportAnnuel

from .models import ArchivePDF, CopieFigee, Transition
from .pdf import TEMPLATE, html_to_pdf, render_pdf

BODY_TEMPLATE = "rapports/rapport_corps.html"


@dataclass(frozen=True)
class Figee:
    """A copy rendered but not stored yet; the PDF is printed from `html`, which holds `corps_html`."""

    document: str
    corps_html: str
    html: str
    attachment_name: str
    date: datetime.datetime


class PdfEnPreparation(Exception):
    """The archive's PDF is not printed yet: the caller says so (503 on the site), never serves another PDF."""

    message = "Le PDF est en préparation, réessayez dans quelques instants."

    def __str__(self):
        return self.message


def attachment_name(rapport):
    return f"rapport-{rapport.caisse.code}-{rapport.exercice.annee}.json"


def archive_filename(rapport, numero):
    return f"rapport-{rapport.caisse.code}-{rapport.exercice.annee}-transmission-{numero}.pdf"


def body_context(rapport, transmission=None):
    """The body's context: the live report, or (`transmission`: numero, date) the one being frozen."""
    from .chiffres_cles import couverture
    from .report import build_report

    return {**build_report(rapport), "transmission": transmission, "couverture": couverture(rapport, transmission)}


def snapshot(rapport, numero, date):
    """Document, body and print HTML of the report now, as transmission n° `numero` of `date`."""
    from .interchange import export_document

    document = dumps(export_document(rapport))
    context = body_context(rapport, {"numero": numero, "date": date})
    corps = render_to_string(BODY_TEMPLATE, context)
    return Figee(document, corps, print_html(rapport, corps), attachment_name(rapport), date)


def print_html(rapport, corps):
    """The page printed into the PDF: the frozen body as it is, under the report's title."""
    # Our own template's output, stored unchanged: escaped when it was rendered.
    corps = mark_safe(corps)  # noqa: S308
    return render_to_string(
        TEMPLATE, {"pour_pdf": True, "corps_fige": corps, "region": rapport.caisse, "exercice": rapport.exercice}
    )


def figee_of(archive):
    """The Figee of a stored copy, so that the PDF printed later is the one of what was transmitted."""
    copie, rapport = archive.copie, archive.rapport
    return Figee(
        copie.document,
        copie.corps_html,
        print_html(rapport, copie.corps_html),
        attachment_name(rapport),
        archive.transition.date,
    )


def print_pdf(figee):
    """PDF/A-3b with the interchange document attached (the official copy, readable by machines too)."""
    attachment = weasyprint.Attachment(
        string=figee.document,
        name=figee.attachment_name,
        description="Document d'échange du rapport (JSON)",
        relationship="Data",
        created=figee.date,
        modified=figee.date,
    )
    return html_to_pdf(figee.html, pdf_variant="pdf/a-3b", attachments=[attachment])


def next_numero(rapport):
    return (ArchivePDF.objects.filter(rapport_id=rapport.pk).aggregate(n=Max("numero"))["n"] or 0) + 1


def figer(rapport, transition, reconstituee=False):
    """Store the copy of `transition`, a transmission of `rapport` (whose state is now transmis), PDF pending.

    Called inside the transmission's transaction, under the report's row lock: what is frozen is what was sent.
    """
    numero = next_numero(rapport)
    figee = snapshot(rapport, numero, transition.date)
    archive = ArchivePDF.objects.create(rapport=rapport, transition=transition, numero=numero)
    archive.copie = CopieFigee.objects.create(
        archive=archive, document=figee.document, corps_html=figee.corps_html, reconstituee=reconstituee
    )
    return archive


def imprimer(archive_id, printer=None):
    """Print the PDF of a pending archive from its frozen copy; None when there is nothing to print.

    Idempotent: an archive already printed (or gone) is left as it is, and the frozen copy is only read.
    No transaction is held while printing (seconds: SQLite would block every writer); the PDF is attached only
    if the archive is still pending then, so two concurrent runs keep one file. Inside the transmission's own
    transaction (immediate backend) a failure raises and the caller deletes the file. `printer` turns the
    copy into PDF bytes: `print_pdf`, looked up at each call so that tests may replace this slow step.
    """
    related = ("copie", "transition", "rapport__caisse", "rapport__exercice")
    archive = ArchivePDF.objects.select_related(*related).filter(pk=archive_id, fichier="").first()
    if archive is None:
        return None
    pdf = (printer or print_pdf)(figee_of(archive))
    archive.fichier.save(archive_filename(archive.rapport, archive.numero), ContentFile(pdf), save=False)
    archive.sha256, archive.taille, archive.imprime_le = hashlib.sha256(pdf).hexdigest(), len(pdf), timezone.now()
    try:
        attached = ArchivePDF.objects.filter(pk=archive.pk, fichier="").update(
            fichier=archive.fichier.name, sha256=archive.sha256, taille=archive.taille, imprime_le=archive.imprime_le
        )
    except Exception:
        archive.fichier.delete(save=False)
        raise
    if not attached:
        # Another run printed it meanwhile: its file is the archive.
        archive.fichier.delete(save=False)
        return None
    return archive


def freeze(rapport, transition, printer=None, reconstituee=False):
    """`figer` then `imprimer` at once (the demo's past reports, transmissions older than the copies).

    The caller's transaction holds the report's row lock; if it fails afterwards, the caller deletes the
    returned archive's file.
    """
    archive = figer(rapport, transition, reconstituee)
    return imprimer(archive.pk, printer) or archive


def _copie_of(transition):
    archive = getattr(transition, "archive", None)
    return getattr(archive, "copie", None) if archive is not None else None


def _last_transmission(rapport):
    return (
        Transition.objects.filter(rapport_id=rapport.pk, action=Transition.Action.TRANSMETTRE)
        .select_related("archive__copie")
        .order_by("-pk")
        .first()
    )


def frozen_copy(rapport):
    """The CopieFigee served while the report is transmis or validé; None while it is live."""
    if rapport.pk is None or not rapport.is_transmitted:
        return None
    transition = _last_transmission(rapport)
    if transition is None:
        # Put in this state by hand, without a transmission: nothing was ever frozen, so it is shown live.
        return None
    return _copie_of(transition) or _complete(rapport)


def _complete(rapport):
    """Freeze a transmission older than the frozen copies (see the module docstring), once."""
    stored = []
    try:
        with transaction.atomic():
            RapportAnnuel.objects.select_for_update().filter(pk=rapport.pk).first()
            transition = _last_transmission(rapport)
            copie = _copie_of(transition)
            if copie is not None:  # a concurrent reader completed it first
                return copie
            archive = getattr(transition, "archive", None)
            if archive is None:
                stored.append(freeze(rapport, transition, reconstituee=True))
                return stored[-1].copie
            figee = snapshot(rapport, archive.numero, transition.date)
            copie = CopieFigee.objects.create(
                archive=archive, document=figee.document, corps_html=figee.corps_html, reconstituee=True
            )
            copie.archive = archive
            return copie
    except BaseException:
        for archive in stored:
            archive.fichier.delete(save=False)
        raise


def open_archive(archive):
    """The archived PDF's file, open for reading; PdfEnPreparation while its printing task has not run."""
    if archive.en_preparation:
        raise PdfEnPreparation
    return archive.fichier.open("rb")


def served_pdf(rapport):
    """The report's PDF: the archived one while it is transmis or validé (PdfEnPreparation until it is printed),
    else the live one."""
    copie = frozen_copy(rapport)
    if copie is None:
        return render_pdf(rapport)
    with open_archive(copie.archive) as handle:
        return handle.read()


def served_document(rapport):
    """The report's interchange document (text): the frozen one while it is transmis or validé, else now's."""
    from .interchange import export_document

    copie = frozen_copy(rapport)
    return copie.document if copie is not None else dumps(export_document(rapport))
