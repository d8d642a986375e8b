"""The report's PDF is tagged for screen readers (RGAA): structure tree, marked content, French language.

The draft served to users and the PDF/A-3b archive of a transmission are both tagged; the archive keeps its variant.
"""

import io

from django.utils import timezone
from pypdf import PdfReader

from caisses.models import RapportAnnuel
from rapports import freeze, pdf
from tests.rapports.test_report import url


def catalog(data):
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def structure_types(data):
    """Every structure type (/S) of the PDF's tag tree: H1, P, Table, TH, Figure…"""
    found, pending = set(), [catalog(data)["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not hasattr(node, "get"):
            continue  # a marked-content id (an integer) at a leaf of the tree
        if "/S" in node:
            found.add(str(node["/S"]).lstrip("/"))
        kids = node.get("/K")
        if kids is not None:
            pending.append(kids)
    return found


def assert_tagged(data):
    root = catalog(data)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert str(root["/Lang"]) == "fr"


def test_the_draft_served_to_users_is_tagged(org, client_for):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    response = client_for(org.user("responsable")).get(url(rapport, "rapport_pdf"))
    assert response.status_code == 200
    assert_tagged(response.content)
    # Headings, paragraphs and tables are in the tree, not only a root: a screen reader can move by heading.
    types = structure_types(response.content)
    assert {"H1", "H2", "P", "Table", "TH", "TD"} <= types, types


def test_the_pdfa_archive_is_tagged_and_stays_pdfa_3b(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="transmis")
    data = freeze.print_pdf(freeze.snapshot(rapport, 1, timezone.now()))
    assert_tagged(data)
    metadata = PdfReader(io.BytesIO(data)).xmp_metadata
    assert (metadata.pdfaid_part, metadata.pdfaid_conformance) == ("3", "B")


def test_a_pdf_without_tags_would_fail_these_checks():
    """The checks above can fail: WeasyPrint's untagged output has no structure tree."""
    import weasyprint

    untagged = weasyprint.HTML(string='<html lang="fr"><h1>Titre</h1></html>').write_pdf()
    assert "/StructTreeRoot" not in catalog(untagged)
    assert "/StructTreeRoot" in catalog(pdf.html_to_pdf('<html lang="fr"><h1>Titre</h1></html>'))
