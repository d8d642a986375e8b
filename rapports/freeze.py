"""The frozen copy of a transmitted report: what was sent is what is served.

At each transmission (`lifecycle.perform`, atomically with its Transition; the demo's past reports too) `freeze`
stores, beside the archived PDF: the interchange document as exported, and the report's body
(rapports/rapport_corps.html) rendered once the state is "transmis". The PDF is PDF/A-3b, printed from that same
body with that same document attached, and always rendered afresh: never taken from the PDF cache of drafts.

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
    html = render_to_string(TEMPLATE, {**context, "pour_pdf": True, "corps_fige": corps})
    return Figee(document, corps, html, attachment_name(rapport), date)


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


def store(rapport, transition, numero, figee, pdf, reconstituee=False):
    archive = ArchivePDF(
        rapport=rapport,
        transition=transition,
        numero=numero,
        sha256=hashlib.sha256(pdf).hexdigest(),
        taille=len(pdf),
    )
    archive.fichier.save(archive_filename(rapport, numero), ContentFile(pdf), save=False)
    try:
        archive.save()
        archive.copie = CopieFigee.objects.create(
            archive=archive, document=figee.document, corps_html=figee.corps_html, reconstituee=reconstituee
        )
    except Exception:
        archive.fichier.delete(save=False)
        raise
    return archive


def freeze(rapport, transition, printer=None, reconstituee=False):
    """Render and store the copy of `transition`, a transmission of `rapport` (whose state is now transmis).

    `printer` turns the rendered copy into PDF bytes: `print_pdf`, looked up at each call so that tests may
    replace this slow step. The caller's transaction holds the report's row lock; if it fails afterwards, the
    caller deletes the returned archive's file.
    """
    numero = next_numero(rapport)
    figee = snapshot(rapport, numero, transition.date)
    return store(rapport, transition, numero, figee, (printer or print_pdf)(figee), reconstituee)


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


def served_pdf(rapport):
    """The report's PDF: the archived one while it is transmis or validé, else the live one."""
    copie = frozen_copy(rapport)
    if copie is None:
        return render_pdf(rapport)
    with copie.archive.fichier.open("rb") as handle:
        return handle.read()


def served_document(rapport):
    """The report's interchange document (text): the frozen one while it is transmis or validé, else now's."""
    from .interchange import export_document

    copie = frozen_copy(rapport)
    return copie.document if copie is not None else dumps(export_document(rapport))
