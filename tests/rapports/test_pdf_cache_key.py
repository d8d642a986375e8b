"""The PDF cache of drafts is never stale: every input of the page is in the key; an archive never comes from it."""

import io

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from pypdf import PdfReader

from activites.models import GroupeIndicateurs, Indicateur, Regle, Valeur
from caisses.guard import SANS_VERSION, save_section
from caisses.models import Caisse, Exercice, RapportAnnuel, Site
from effectifs.models import Categorie
from rapports import pdf
from rapports.lifecycle import Action, perform
from rapports.models import ArchivePDF, PartieTrois
from tests.factories import ExerciceFactory


def fresh(rapport):
    return RapportAnnuel.objects.select_related("caisse", "exercice").get(pk=rapport.pk)


def rename_region(rapport):
    Caisse.objects.filter(pk=rapport.caisse_id).update(nom="CARSAT Exemple rebaptisée")


def rename_cpam(rapport):
    Caisse.objects.filter(code="CPAM-EX1").update(nom="CPAM renommée")


def rename_site(rapport):
    Site.objects.filter(code="EX1-UL").update(nom="Unité locale renommée")


def move_site(rapport):
    Site.objects.filter(code="EX1-UL").update(adresse="99 avenue Nouvelle", horaires="le lundi seulement")


def new_site(rapport):
    Site.objects.create(code="EX1-NEUF", nom="Nouveau point d'accueil", type=Site.Type.PAS, caisse_id=rapport.caisse_id)


def rename_category(rapport):
    Categorie.objects.filter(libelle="Assistants sociaux").update(libelle="Assistants de service social")


def rename_indicator(rapport):
    Indicateur.objects.filter(libelle="Accès aux soins").update(libelle="Accès aux droits et aux soins")


def rename_groups(rapport):
    GroupeIndicateurs.objects.update(libelle=Concat(F("libelle"), Value(" (renommé)")))


def working_days(rapport):
    Exercice.objects.filter(annee=2025).update(jours_theoriques_travail=199)


def due_date(rapport):
    Exercice.objects.filter(annee=2025).update(date_limite="2026-06-30")


def earlier_exercice(rapport):
    """One more exercice inside the 5-year charts: their axes change."""
    ExerciceFactory(annee=2023)


def previous_report(rapport):
    """The N−1 report's figures (its data version moves, as with every write through the guard)."""
    previous = RapportAnnuel.objects.get(caisse_id=rapport.caisse_id, exercice__annee=2024)

    def write(locked):
        Valeur.objects.filter(rapport=locked, valeur__isnull=False).update(valeur=F("valeur") + 7)

    save_section(previous, "II.1", SANS_VERSION, write)


def part_three(rapport):
    def write(locked):
        PartieTrois.objects.update_or_create(rapport=locked, defaults={"observations": "Texte réécrit."})

    save_section(rapport, "III", SANS_VERSION, write)


def state(rapport):
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=RapportAnnuel.Etat.RENVOYE)


# Each input of a draft's page, in turn: the key must change, and so must the page it stands for.
INPUTS = [
    ("nom de la région", rename_region),
    ("nom d'une CPAM", rename_cpam),
    ("nom d'un site", rename_site),
    ("adresse et horaires d'un site", move_site),
    ("nouveau site", new_site),
    ("libellé d'une catégorie", rename_category),
    ("libellé d'un indicateur", rename_indicator),
    ("libellés des groupes d'indicateurs", rename_groups),
    ("jours théoriques de l'exercice", working_days),
    ("date limite de l'exercice", due_date),
    ("exercice de plus dans les graphiques", earlier_exercice),
    ("données du rapport N−1", previous_report),
    ("partie III", part_three),
    ("état du rapport", state),
]


def test_each_input_of_the_page_changes_the_key_and_the_page(exemple):
    rapport = fresh(exemple)
    key, html = pdf.cache_key(rapport), pdf.render_html(rapport)
    for name, change in INPUTS:
        change(rapport)
        rapport = fresh(rapport)
        new_key, new_html = pdf.cache_key(rapport), pdf.render_html(rapport)
        assert new_html != html, f"{name} : la page devrait changer"
        assert new_key != key, f"{name} : la clé du cache doit changer"
        key, html = new_key, new_html


def test_rules_of_the_catalogue_are_in_the_key(exemple):
    """Rules do not print, but they belong to the catalogue the page is built from."""
    rapport = fresh(exemple)
    key = pdf.cache_key(rapport)
    regle = Regle.objects.first()
    assert regle is not None
    regle.termes.add(Indicateur.objects.exclude(pk__in=regle.termes.values("pk")).first())
    assert pdf.cache_key(rapport) != key
    key = pdf.cache_key(rapport)
    Regle.objects.filter(pk=regle.pk).update(active=not regle.active)
    assert pdf.cache_key(rapport) != key


def test_an_unsaved_report_has_a_key(org):
    rapport = RapportAnnuel(caisse=org.region, exercice=org.exercice)
    key = pdf.cache_key(rapport)
    Caisse.objects.filter(pk=org.cpams[0].pk).update(nom="CPAM renommée")
    assert pdf.cache_key(rapport) != key
    assert not RapportAnnuel.objects.exists()


def pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_cached_pdf_follows_reference_data(exemple):
    rapport = fresh(exemple)
    first = pdf.render_pdf(rapport)
    assert pdf.render_pdf(rapport) == first  # served from the cache
    rename_region(rapport)
    second = pdf.render_pdf(fresh(rapport))
    assert second != first
    assert "CARSAT Exemple rebaptisée" in pdf_text(second)


@pytest.fixture
def poisoned_cache(monkeypatch):
    """Every report's key points to a file holding a PDF that no report has."""
    poison = b"%PDF-1.7 poison: ce PDF ne vient pas du rapport"
    monkeypatch.setattr(pdf, "cache_key", lambda rapport: "poison")
    pdf.cache_dir().mkdir(parents=True, exist_ok=True)

    def put(rapport):
        (pdf.cache_dir() / f"{rapport.caisse.code}-{rapport.exercice.annee}-poison.pdf").write_bytes(poison)

    put.content = poison
    return put


def test_the_archive_is_rendered_afresh_never_from_the_cache(org, checks, poisoned_cache):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    poisoned_cache(rapport)
    assert pdf.render_pdf(rapport) == poisoned_cache.content  # the cache would serve it

    transition = perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    content = ArchivePDF.objects.get(transition=transition).fichier.read()
    assert content != poisoned_cache.content and b"poison" not in content
    reader = PdfReader(io.BytesIO(content))
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert org.region.nom in pdf_text(content) and "BROUILLON" not in pdf_text(content)
