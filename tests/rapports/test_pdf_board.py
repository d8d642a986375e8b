"""The PDF a director hands to a board: cover dates and state, « Chiffres clés » after the table of contents,
small tables on one page, long ones with their header repeated, an empty I.1 that keeps its place, and the
national synthesis marking the reports it counts that are not transmitted. Text is read with pdftotext."""

import re
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from caisses import numbers
from caisses.models import RapportAnnuel
from rapports import pdf
from rapports.freeze import served_pdf
from rapports.lifecycle import Action, perform
from rapports.models import Transition
from rapports.report import Tableau, Texte
from tests.rapports.national_data import build_national


def pages_of(data, tmp_path):
    """The text of each page (pdftotext -raw: in the order it was laid out), blanks collapsed, no-break spaces
    as spaces."""
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-raw", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")))
    return pages


def page_with(pages, text):
    found = [index for index, page in enumerate(pages) if text in page]
    assert found, f"« {text} » n'est sur aucune page"
    return found[0]


def longue(date):
    return numbers.format_date_longue(date).replace("\u00a0", " ")


# --- Cover -------------------------------------------------------------------------------------------------


def test_cover_of_a_draft_says_not_transmitted(org, tmp_path):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    cover = pages_of(pdf.render_pdf(rapport, use_cache=False), tmp_path)[0]
    assert "État du rapport brouillon" in cover
    assert "Transmission à la caisse nationale non transmis" in cover


def test_cover_of_the_transmitted_copy_has_its_date_and_number(org, exemple, checks, tmp_path):
    transition = perform(org.user("administrateur"), exemple, Action.TRANSMETTRE)
    cover = pages_of(served_pdf(exemple), tmp_path)[0]
    assert f"État du rapport transmis le {longue(transition.date)}" in cover
    assert f"Transmission à la caisse nationale n° 1 du {longue(transition.date)}" in cover
    assert "BROUILLON" not in cover


def test_cover_of_a_returned_report_has_both_dates_and_the_page_of_a_validated_one_its_validation(
    org, exemple, checks, client_for, tmp_path, monkeypatch
):
    from rapports import lifecycle

    monkeypatch.setattr(lifecycle, "_render_pdf", lambda figee: b"%PDF-1.7 test")
    envoi = perform(org.user("administrateur"), exemple, Action.TRANSMETTRE)
    renvoi = perform(org.user("relecteur"), exemple, Action.RENVOYER, motif="À compléter.")
    exemple.refresh_from_db()
    cover = pages_of(served_pdf(exemple), tmp_path)[0]
    assert f"État du rapport renvoyé pour correction le {longue(renvoi.date)}" in cover
    assert f"Transmission à la caisse nationale n° 1 du {longue(envoi.date)}" in cover

    second = perform(org.user("administrateur"), exemple, Action.TRANSMETTRE)
    validation = perform(org.user("relecteur"), exemple, Action.VALIDER)
    assert Transition.objects.filter(rapport=exemple, action=Action.TRANSMETTRE).count() == 2
    page = client_for(org.user("relecteur")).get(reverse("rapport_detail", args=[exemple.caisse.code, 2025]))
    text = re.sub(r"\s+", " ", page.content.decode().replace("\u00a0", " "))
    assert f"transmission n° 2 du {longue(second.date)}), validé le {longue(validation.date)}" in text


# --- Chiffres clés -------------------------------------------------------------------------------------------


def test_key_figures_come_right_after_the_table_of_contents(org, exemple, tmp_path):
    pages = pages_of(pdf.render_pdf(exemple, use_cache=False), tmp_path)
    sommaire = page_with(pages, "Sommaire")
    chiffres = next(i for i, page in enumerate(pages) if "Chiffres clés 2025 L'année en une page" in page)
    assert chiffres == sommaire + 1
    assert "Chiffres clés 2025" in pages[sommaire]  # listed in the table of contents
    assert page_with(pages, "I. Organisation et moyens 1. Effectifs") > chiffres
    page = pages[chiffres]
    # The II.1 figures of the example (hand values in test_report): 4 210 helped for access to care, 3 915 in 2024.
    assert re.search(r"Accès aux soins 4 210 3 915 \+7,54 ?%", page)
    # Staff: the I.1 total (62,30 ETP réels) and its N−1; training: I.3's formula result, 1,1 %.
    assert re.search(r"Effectif réel au 31 décembre \(ETP\) 62,3", page)
    assert re.search(r"Temps passé en formation 1,1 ?%", page)
    assert "Enquête de satisfaction" in page
    assert "Personnes aidées individuellement et collectivement" in page  # the one chart's caption


# --- Page breaks -----------------------------------------------------------------------------------------


def print_blocs(blocs):
    """The report's block template inside the PDF page, with the report's print stylesheets."""
    corps = render_to_string("rapports/rapport_blocs.html", {"blocs": blocs})
    html = render_to_string("rapports/rapport_pdf_base.html", {"pour_pdf": True})
    return pdf.html_to_pdf(html.replace('<main id="contenu"></main>', f'<main id="contenu">{corps}</main>'))


@pytest.mark.parametrize("lignes_avant", range(24, 36, 2))  # the table crosses the end of page 1
def test_a_small_table_is_never_split(lignes_avant, tmp_path):
    """Text of growing length pushes a 10-row table across the first page's end: its rows stay together."""
    filler = Texte(texte="\n\n".join(f"Paragraphe de remplissage {i}." for i in range(lignes_avant)))
    rows = [[f"Ligne-{i:02d}", str(i)] for i in range(10)]
    tableau = Tableau([("Libellé", False), ("Valeur", True)], rows, legende="Petit tableau")
    pages = pages_of(print_blocs([filler, tableau]), tmp_path)
    holding = [index for index, page in enumerate(pages) if "Ligne-" in page]
    assert len(holding) == 1, f"tableau coupé sur les pages {holding}"
    assert all(f"Ligne-{i:02d}" in pages[holding[0]] for i in range(10))


def test_a_long_table_repeats_its_header(tmp_path):
    rows = [[f"Ligne-{i:03d}", str(i)] for i in range(120)]
    tableau = Tableau([("Libellé de la ligne", False), ("Valeur chiffrée", True)], rows, legende="Grand tableau")
    pages = pages_of(print_blocs([tableau]), tmp_path)
    assert len(pages) >= 2
    assert all("Libellé de la ligne Valeur chiffrée" in page for page in pages)


def test_parts_start_a_page_and_sections_do_not(org, exemple, tmp_path):
    pages = pages_of(pdf.render_pdf(exemple, use_cache=False), tmp_path)
    # I.2 follows I.1 d) on the same page: only parts force a new page.
    assert page_with(pages, "2. Installation des services") == page_with(pages, "d) Boursiers")
    assert pages[page_with(pages, "II. Activités du service 1.")].startswith("II. Activités du service")


# --- An empty part keeps its place ----------------------------------------------------------------------------


def test_an_empty_report_shows_i1_as_not_filled_in(org, tmp_path):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    text = " ".join(pages_of(pdf.render_pdf(rapport, use_cache=False), tmp_path))
    start = text.index("1. Effectifs Effectifs par catégorie")
    i1 = text[start : text.index("a) Organigramme avec affectations", start)]
    assert "Effectifs par catégorie, exercice 2025 Non renseigné." in i1
    assert "Évolution des effectifs Non renseigné." in i1
    assert "Âge moyen par catégorie Non renseigné." in i1


# --- National synthesis ---------------------------------------------------------------------------------------


def test_national_pdf_marks_the_reports_not_transmitted(org, client_for, tmp_path):
    build_national(org)  # T1 transmitted, T2 a draft, T3 not started
    response = client_for(org.user("relecteur")).get(reverse("national_pdf", kwargs={"annee": 2025}))
    text = " ".join(pages_of(response.content, tmp_path))
    assert "CARSAT Test Un BROUILLON" not in text
    assert re.search(r"CARSAT Test Deux BROUILLON", text)
    assert re.search(r"CARSAT Test Trois NON COMMENCÉ", text)
    assert (
        "Ces totaux comprennent les chiffres provisoires de 2 rapports non transmis : CARSAT Test Deux "
        "(brouillon), CARSAT Test Trois (non commencé)." in text
    )


def test_national_totals_keep_their_heading_and_note_on_their_page(org, client_for, tmp_path):
    """The totals' heading and the note on drafts go to the page of their table (with three regions the
    heading was left alone at the foot of page 1)."""
    build_national(org)
    response = client_for(org.user("relecteur")).get(reverse("national_pdf", kwargs={"annee": 2025}))
    pages = pages_of(response.content, tmp_path)
    heading = page_with(pages, "Totaux et ratios nationaux Ces totaux")
    assert page_with(pages, "Totaux et ratios nationaux, exercice 2025 : rapports transmis ou validés") == heading
