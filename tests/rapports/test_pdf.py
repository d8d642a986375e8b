"""The PDF: WeasyPrint's rendering of the report page, its text, its file name, its cache and its URL fetcher."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from caisses.models import RapportAnnuel
from rapports import pdf
from tests.rapports.test_report import assert_in_order, headings, url

NBSP = "\u00a0"


def pdf_pages(data):
    return [re.sub(r"[ \t\r\n]+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data):
    pages = pdf_pages(data)
    return len(pages), " ".join(pages)


def test_pdf_of_an_empty_report(org, client_for):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    response = client_for(org.user("agent")).get(url(rapport, "rapport_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rapport-CARSAT-T1-2025.pdf"'
    count, text = pdf_text(response.content)
    assert count >= 3
    assert "BROUILLON" in text
    assert_in_order(text, ["Rapport d'activité du service social", "Exercice 2025", *headings()])
    assert "Non renseigné." in text
    assert f"page 1 / {count}" in text and f"page {count} / {count}" in text


def test_pdf_of_the_example_report(org, exemple):
    data = pdf.render_pdf(exemple, use_cache=False)
    count, text = pdf_text(data)
    assert_in_order(text, headings())
    # Running header: caisse and exercice on the pages after the cover.
    assert "CARSAT Exemple" in text and "Exercice 2025" in text
    # The training formula with its values (94,5 days / (41,4 ETP × 208 days) × 100 = 1,097 %).
    assert "94,5 / (41,4 × 208) × 100 = 1,1 %" in text.replace(NBSP, " ")
    # Absenteeism: 933 / (62,3 × 208) × 100 = 7,2 %; effectifs N/N−1: 35,1 → 34,6 ETP (as entered) = −1,42 %.
    assert "933 / (62,3 × 208) × 100 = 7,2 %" in text.replace(NBSP, " ")
    assert re.search(r"Assistants sociaux 35,1 34,6 \u22121,42 ?%", text.replace(NBSP, " "))
    # Part II: 4 210 people helped for access to care in 2025, 3 915 in 2024 → +7,54 % (hand values in test_report).
    assert re.search(r"Accès aux soins 4 210 3 915 \+7,54 ?%", text.replace(NBSP, " "))
    assert "Mise en place d'une permanence commune" in text
    # The table of contents has page numbers: the line of Part II ends with the page where Part II starts.
    match = re.search(r"II\. Activités du service[ .]*(\d+)", text)
    part_two_page = next(
        number
        for number, page in enumerate(pdf_pages(data), start=1)
        if "Sommaire" not in page and "II. Activités du service" in page
    )
    assert match and int(match.group(1)) == part_two_page
    assert f"page 1 / {count}" in text


def test_transmitted_pdf_has_no_draft_mark(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="transmis")
    _count, text = pdf_text(pdf.render_pdf(rapport, use_cache=False))
    assert "BROUILLON" not in text


def test_cache_serves_an_unchanged_report_and_follows_its_data(org, monkeypatch):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    first = pdf.render_pdf(rapport)
    renders = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: renders.append(1) or real(html))
    assert pdf.render_pdf(rapport) == first
    assert renders == []
    RapportAnnuel.objects.filter(pk=rapport.pk).update(version_donnees=5)
    rapport.refresh_from_db()
    pdf.render_pdf(rapport)
    assert renders == [1]
    # Only the current version of a report is kept on disk.
    assert len(list(pdf.cache_dir().glob("CARSAT-T1-2025-*.pdf"))) == 1


def test_cache_follows_the_previous_year(org, monkeypatch):
    """The N−1 column and the charts read earlier reports: changing one of them renders again."""
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    previous = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
    key = pdf.cache_key(rapport)
    RapportAnnuel.objects.filter(pk=previous.pk).update(version_donnees=3)
    assert pdf.cache_key(rapport) != key


def test_cache_follows_reference_data_edited_outside_the_report(org):
    """An administrator edits a site's hours or the exercice's working days: the annex and formula change."""
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    key = pdf.cache_key(rapport)
    org.sites[0].horaires = "le mardi"
    org.sites[0].save()
    assert pdf.cache_key(rapport) != key
    key = pdf.cache_key(rapport)
    org.exercice.jours_theoriques_travail = 207
    org.exercice.save()
    assert pdf.cache_key(rapport) != key


def test_cache_can_be_switched_off(org, settings, monkeypatch):
    settings.RAPPORT_PDF_CACHE = False
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    pdf.render_pdf(rapport)
    assert not pdf.cache_dir().exists()


class TestFetcher:
    fetcher = pdf.StaticOnlyURLFetcher()

    def test_serves_our_static_files(self):
        response = self.fetcher.fetch(pdf.BASE_URL + "static/css/rapport-print.css")
        assert b"@page" in response.read()

    def test_serves_data_uris(self):
        assert self.fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"

    @pytest.mark.parametrize(
        "address",
        [
            "http://example.com/static/css/rapport.css",
            "https://169.254.169.254/latest/meta-data/",
            "ftp://example.com/x",
            "file:///etc/passwd",
            pdf.BASE_URL + "static/../../reporting_site/settings.py",
            pdf.BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
            pdf.BASE_URL + "media/archives/x.pdf",
            pdf.BASE_URL + "admin/",
        ],
    )
    def test_refuses_everything_else(self, address):
        with pytest.raises(pdf.RefusedURL):
            self.fetcher.fetch(address)

    def test_file_urls_only_inside_static(self):
        inside = Path(settings.STATICFILES_DIRS[0], "css", "rapport.css").resolve()
        assert b".rapport" in self.fetcher.fetch(inside.as_uri()).read()
        with pytest.raises(pdf.RefusedURL):
            self.fetcher.fetch(Path(settings.BASE_DIR, "manage.py").resolve().as_uri())

    def test_a_refused_resource_does_not_stop_the_pdf(self):
        html = '<p>texte</p><img src="http://example.com/x.png"><link rel="stylesheet" href="file:///etc/passwd">'
        assert pdf.html_to_pdf(html).startswith(b"%PDF")
