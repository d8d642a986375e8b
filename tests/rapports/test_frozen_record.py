"""A transmitted report is frozen: its page's body, its PDF and its export.json are served from the copy stored at
the transmission, whatever is done afterwards, until an administrator reopens it (or a reviewer returns it)."""

import copy
import hashlib
import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from activites.models import GroupeIndicateurs, Indicateur
from caisses.guard import SANS_VERSION, save_section
from caisses.models import Caisse, Exercice, RapportAnnuel, Site
from effectifs.models import Categorie
from rapports import freeze
from rapports.interchange import import_document
from rapports.lifecycle import Action, perform
from rapports.models import ArchivePDF, CopieFigee, PartieTrois, Transition
from tests.factories import ExerciceFactory
from tests.rapports.conftest import example_document

Etat = RapportAnnuel.Etat


def url(rapport, name):
    return reverse(name, kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})


def body_of(html):
    """The report's body in a page: the <article class="rapport"> element, the site's navigation left out."""
    match = re.search(r'<article class="rapport".*</article>', html, re.S)
    assert match, "la page ne contient pas le corps du rapport"
    return match.group(0)


def served(client, rapport):
    """(body of the page, PDF, export.json) as the site serves them now."""
    page = client.get(url(rapport, "rapport_detail"))
    pdf = client.get(url(rapport, "rapport_pdf"))
    export = client.get(url(rapport, "rapport_export_json"))
    assert (page.status_code, pdf.status_code, export.status_code) == (200, 200, 200)
    return body_of(page.content.decode()), pdf.content, export.content


def live_body(rapport):
    """The body the report would have if it were rendered now (to prove that a change reaches a live page)."""
    from django.template.loader import render_to_string

    rapport = RapportAnnuel.objects.select_related("caisse", "exercice").get(pk=rapport.pk)
    return render_to_string(freeze.BODY_TEMPLATE, freeze.body_context(rapport))


def pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def valide(org, exemple, checks):
    """The example's 2025 report, transmitted (frozen with the real PDF) and validated."""
    perform(org.user("administrateur"), exemple, Action.TRANSMETTRE)
    perform(org.user("relecteur"), exemple, Action.VALIDER)
    exemple.refresh_from_db()
    return exemple


@pytest.fixture
def relecteur(org, client_for):
    return client_for(org.user("relecteur"))


# --- The copy -------------------------------------------------------------------------------------------------


def test_the_copy_is_a_pdfa_with_the_document_attached_and_is_what_the_site_serves(valide, relecteur):
    archive = ArchivePDF.objects.select_related("copie").get(rapport=valide)
    content = archive.fichier.read()
    assert archive.sha256 == hashlib.sha256(content).hexdigest() and archive.taille == len(content)
    reader = PdfReader(io.BytesIO(content))
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert reader.xmp_metadata.pdfaid_conformance == "B"

    body, pdf, export = served(relecteur, valide)
    assert pdf == content
    assert reader.attachments == {"rapport-CARSAT-EX-2025.json": [export]}
    assert export.decode() == archive.copie.document
    assert json.loads(export)["caisse"] == {"code": "CARSAT-EX", "nom": "CARSAT Exemple", "type": "regionale"}
    assert body == archive.copie.corps_html.strip()
    assert not archive.copie.reconstituee
    # Rendered once transmitted: no draft mark, the transmission on the cover, in the page and in the PDF alike.
    text = re.sub(r"\s+", " ", pdf_text(content))
    assert "BROUILLON" not in text and "BROUILLON" not in body
    assert "Transmission à la caisse nationale n° 1 du" in text
    assert "Transmission à la caisse nationale" in body
    # The page around the body is the site's, live: the current state and the date of the copy.
    page = relecteur.get(url(valide, "rapport_detail")).content.decode()
    assert "Validé" in page and "tel qu'il a été" in page


def change_names(org, rapport):
    Caisse.objects.filter(code="CARSAT-EX").update(nom="CARSAT Exemple rebaptisée")
    Caisse.objects.filter(code="CPAM-EX1").update(nom="CPAM renommée par l'administrateur")
    site = Site.objects.get(code="EX1-UL")
    site.nom, site.adresse = "Unité locale déménagée", "99 avenue Nouvelle"
    site.save()


def next_year(org, rapport):
    """Next year's entries (Part III of 2026, through the write guard as every entry page)."""
    exercice = ExerciceFactory(annee=2026, jours_theoriques_travail=209)
    suivant = RapportAnnuel(caisse=rapport.caisse, exercice=exercice)
    save_section(suivant, "III", SANS_VERSION, lambda r: PartieTrois.objects.create(rapport=r, observations="2026"))


def import_next_year(org, rapport):
    """Next year's document: other figures, and another état des locaux for every site."""
    document = example_document(2025)
    document["exercice"] = 2026
    document["jours_theoriques_travail"] = Exercice.objects.get(annee=2026).jours_theoriques_travail
    for site in document["sites"]:
        site["etat_locaux"] = "Locaux inondés en 2026, fermés pour travaux."
    document["partie_3"] = {"observations": "Une autre année."}
    import_document(json.dumps(document))


def import_other_region(org, rapport):
    """Another region's document that names this region's CPAM and site, and other working days for 2025.

    Whether the importer accepts it or not (issue point 2), the frozen report must not move.
    """
    document = copy.deepcopy(example_document(2025))
    document["caisse"] = {"code": org.region.code, "nom": "CARSAT Test Un", "type": "regionale"}
    document["jours_theoriques_travail"] = 190
    document["caisses_primaires"] = [{"code": "CPAM-EX1", "nom": "CPAM annexée"}]
    document["sites"] = [{**document["sites"][0], "nom": "Site annexé", "caisse": "CPAM-EX1"}]
    for key in ("partie_1", "partie_2"):
        document.pop(key)
    import_document(json.dumps(document))


def edit_catalogue(org, rapport):
    Indicateur.objects.filter(libelle="Accès aux soins").update(libelle="Accès aux droits et aux soins")
    GroupeIndicateurs.objects.update(libelle="Groupe renommé")
    Categorie.objects.filter(libelle="Assistants sociaux").update(libelle="Assistants de service social")


def change_exercice(org, rapport):
    Exercice.objects.filter(annee=2025).update(jours_theoriques_travail=199)


# (name, change, visible): `visible` — the change shows on a live page of the report (so the test proves something).
LATER_CHANGES = [
    ("saisies de l'année suivante", next_year, False),
    ("import du document de l'année suivante (dont l'état des locaux)", import_next_year, None),
    ("import du document d'une autre région", import_other_region, None),
    ("noms de la caisse, d'une CPAM et d'un site", change_names, True),
    ("libellés du catalogue et d'une catégorie", edit_catalogue, True),
    ("jours théoriques de travail de l'exercice", change_exercice, True),
]


def test_nothing_done_later_changes_a_validated_report(org, valide, relecteur):
    before = served(relecteur, valide)
    for name, change, visible in LATER_CHANGES:
        live = live_body(valide)
        change(org, valide)
        if visible:
            assert live_body(valide) != live, f"{name} : la modification devrait changer un rapport non figé"
        after = served(relecteur, valide)
        assert after[0] == before[0], f"{name} : le corps de la page a changé"
        assert after[1] == before[1], f"{name} : le PDF a changé"
        assert after[2] == before[2], f"{name} : export.json a changé"


def test_the_command_prints_the_frozen_pdf(valide, tmp_path):
    from django.core.management import call_command

    change_names(None, valide)
    target = tmp_path / "rapport.pdf"
    call_command("rapport_pdf", "CARSAT-EX", "2025", "-o", str(target))
    assert target.read_bytes() == ArchivePDF.objects.get(rapport=valide).fichier.read()


# --- Reopening and returning unfreeze --------------------------------------------------------------------------


def test_reopening_makes_it_live_and_the_next_transmission_freezes_a_new_copy(org, valide, relecteur):
    first = served(relecteur, valide)
    first_archive = ArchivePDF.objects.get(rapport=valide, numero=1)
    change_names(org, valide)
    assert served(relecteur, valide) == first

    perform(org.user("administrateur"), valide, Action.ROUVRIR, motif="Noms corrigés par l'administrateur.")
    page = relecteur.get(url(valide, "rapport_detail")).content.decode()
    assert "CARSAT Exemple rebaptisée" in body_of(page) and "BROUILLON" in body_of(page)
    export = relecteur.get(url(valide, "rapport_export_json")).content
    assert json.loads(export)["caisse"]["nom"] == "CARSAT Exemple rebaptisée"

    perform(org.user("administrateur"), valide, Action.TRANSMETTRE)
    second = served(relecteur, valide)
    archive = ArchivePDF.objects.select_related("copie").get(rapport=valide, numero=2)
    assert second[1] == archive.fichier.read() and second[2].decode() == archive.copie.document
    assert "CARSAT Exemple rebaptisée" in second[0] and "n° 2 du" in second[0]
    assert "Unité locale déménagée" in second[0]
    assert PdfReader(io.BytesIO(second[1])).attachments["rapport-CARSAT-EX-2025.json"] == [second[2]]
    # The first transmission's copy is still there, unchanged.
    assert first_archive.fichier.read() == first[1]
    assert hashlib.sha256(first[1]).hexdigest() == first_archive.sha256

    perform(org.user("relecteur"), valide, Action.RENVOYER, motif="À compléter.")
    valide.refresh_from_db()
    assert valide.etat == Etat.RENVOYE
    Caisse.objects.filter(code="CARSAT-EX").update(nom="CARSAT Exemple, troisième nom")
    assert "CARSAT Exemple, troisième nom" in body_of(relecteur.get(url(valide, "rapport_detail")).content.decode())


# --- Transmissions older than the frozen copies ----------------------------------------------------------------


def transmitted_before(org, archived_pdf=None):
    """A validated report as databases hold them from before the frozen copies."""
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=Etat.VALIDE)
    transmission = Transition.objects.create(
        rapport=rapport,
        action=Action.TRANSMETTRE,
        etat_avant=Etat.BROUILLON,
        etat_apres=Etat.TRANSMIS,
        auteur=org.user("responsable"),
    )
    if archived_pdf is not None:
        from django.core.files.base import ContentFile

        archive = ArchivePDF(
            rapport=rapport,
            transition=transmission,
            numero=1,
            sha256=hashlib.sha256(archived_pdf).hexdigest(),
            taille=len(archived_pdf),
        )
        archive.fichier.save("ancien.pdf", ContentFile(archived_pdf), save=True)
    return rapport


def test_an_archive_from_before_keeps_its_pdf_and_is_completed_at_first_read(org, relecteur):
    old_pdf = b"%PDF-1.4 transmis avant les copies figees"
    rapport = transmitted_before(org, old_pdf)
    assert not CopieFigee.objects.exists()

    body, pdf, export = served(relecteur, rapport)
    copie = CopieFigee.objects.get()
    assert copie.reconstituee and copie.archive.numero == 1
    assert pdf == old_pdf  # the PDF that was transmitted, not a new one
    assert body == copie.corps_html.strip() and export.decode() == copie.document
    page = re.sub(r"\s+", " ", relecteur.get(url(rapport, "rapport_detail")).content.decode())
    assert "antérieure à la conservation des copies figées" in page

    Caisse.objects.filter(pk=org.region.pk).update(nom="CARSAT Test Un renommée")
    Exercice.objects.filter(pk=org.exercice.pk).update(jours_theoriques_travail=150)
    assert served(relecteur, rapport) == (body, pdf, export)
    assert CopieFigee.objects.count() == 1


def test_a_transmission_without_archive_is_frozen_whole_at_first_read(org, relecteur):
    rapport = transmitted_before(org)
    body, pdf, export = served(relecteur, rapport)
    archive = ArchivePDF.objects.select_related("copie").get(rapport=rapport)
    assert archive.copie.reconstituee and archive.numero == 1
    assert pdf == archive.fichier.read() and hashlib.sha256(pdf).hexdigest() == archive.sha256
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert reader.attachments == {f"rapport-{org.region.code}-2025.json": [export]}
    Caisse.objects.filter(pk=org.region.pk).update(nom="CARSAT Test Un renommée")
    assert served(relecteur, rapport) == (body, pdf, export)


def test_a_state_set_by_hand_without_transmission_is_shown_live(org, relecteur):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=Etat.TRANSMIS)
    body, _pdf, _export = served(relecteur, rapport)
    assert "Transmis" in body and not ArchivePDF.objects.exists()


def test_a_frozen_page_reads_a_fixed_number_of_queries(valide, relecteur, django_assert_max_num_queries):
    relecteur.get(url(valide, "rapport_detail"))
    # The frozen body is read, not rebuilt (5); the region's place among the others, beside it, reads 7 more.
    with django_assert_max_num_queries(12):
        assert relecteur.get(url(valide, "rapport_detail")).status_code == 200


# --- The demo ---------------------------------------------------------------------------------------------------


def test_the_demo_freezes_its_validated_reports(db):
    from caisses.demo import build_demo

    build_demo(regions=1, years=2)
    rapport = RapportAnnuel.objects.select_related("caisse", "exercice").get(etat=Etat.VALIDE)
    archive = ArchivePDF.objects.select_related("copie", "transition").get(rapport=rapport)
    assert not archive.copie.reconstituee
    assert archive.transition.action == Action.TRANSMETTRE and archive.transition.date < archive.cree_le
    content = archive.fichier.read()
    assert hashlib.sha256(content).hexdigest() == archive.sha256
    assert PdfReader(io.BytesIO(content)).attachments[freeze.attachment_name(rapport)] == [
        archive.copie.document.encode()
    ]
    assert "BROUILLON" not in archive.copie.corps_html
    assert freeze.frozen_copy(rapport) == archive.copie
