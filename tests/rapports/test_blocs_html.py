"""The report's blocks and the national tables written in Python: same markup, every typed text escaped."""

from types import SimpleNamespace

from django.utils.safestring import mark_safe

from rapports import blocs_html, national_html
from rapports.report import Bloc, Formule, Graphique, Tableau, Texte, Vide

EVIL = '<script>alert("x")</script>'


def test_a_table_escapes_every_cell_and_keeps_its_structure():
    tableau = Tableau(
        colonnes=[("Site", False), ("Personnes", True)],
        lignes=[[EVIL, "1\u202f234"], ["Nord", mark_safe("<em>5</em>")]],
        legende='Légende "citée"',
        total=["Total", "1\u202f239"],
    )
    html = blocs_html.tableau_html(tableau)
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'aria-label="Légende &quot;citée&quot;"' in html and "<caption>Légende &quot;citée&quot;</caption>" in html
    assert '<thead><tr><th scope="col">Site</th><th scope="col" class="num">Personnes</th></tr></thead>' in html
    assert '<tr><th scope="row">Nord</th><td class="num"><em>5</em></td></tr>' in html  # already safe: kept
    assert '<tfoot><tr class="total"><th scope="row">Total</th><td class="num">1\u202f239</td></tr></tfoot>' in html


def test_a_table_without_caption_is_named_for_screen_readers():
    html = blocs_html.tableau_html(Tableau(colonnes=[("A", False)], lignes=[["x"]]))
    assert 'aria-label="Tableau de chiffres"' in html and "<caption>" not in html and "<tfoot>" not in html


def test_blocks_of_every_kind():
    petit = Tableau(colonnes=[("A", False)], lignes=[["x"]] * 15)
    grand = Tableau(colonnes=[("A", False)], lignes=[["x"]] * 16)
    graphique = Graphique(titre=EVIL, legende="Source", image="data:image/svg+xml;base64,AAAA", tableau=petit)
    html = blocs_html.blocs_html(
        [
            Bloc(titre="Moyens", blocs=[petit, grand]),
            Texte(texte=f"Ligne 1\nLigne 2 {EVIL}", titre="Titre"),
            Texte(html=mark_safe("<p><strong>Markdown</strong></p>")),
            Formule(libelle="Taux", texte="1 / 2 × 100 = 50 %"),
            graphique,
            Vide(),
        ]
    )
    assert '<div class="groupe">\n  <h5 class="groupe-titre">Moyens</h5>\n<div class="petit-tableau">' in html
    assert '<div class="grand-tableau">' in html
    assert '<p class="texte-titre">Titre</p><p>Ligne 1<br>Ligne 2 &lt;script&gt;' in html
    assert "<p><strong>Markdown</strong></p>" in html
    assert '<p class="formule-libelle">Taux</p>' in html
    assert 'alt="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; : les valeurs' in html
    assert '<p class="vide">Non renseigné.</p>' in html
    assert "<script>" not in html


def test_national_tables_escape_region_names():
    region = SimpleNamespace(nom=EVIL, code="CARSAT-X")
    ligne = SimpleNamespace(
        region=region,
        rapport=SimpleNamespace(is_transmitted=False),
        etat_libelle="Brouillon",
        sections_detail=[(None, "vide", "Vide")],
    )
    pos = SimpleNamespace(rang_texte="1re sur 6", quart_court="premier quart", atypique=True)
    pairs = national_html.pairs_regions_html([(ligne, [(None, "24,0", pos)])])
    assert "<script>" not in pairs and "&lt;script&gt;" in pairs
    assert '<span class="badge text-bg-light border">brouillon</span>' in pairs
    assert '1re sur 6 · premier quart</span><span class="badge text-bg-warning">atypique</span>' in pairs
    completude = national_html.completude_html([ligne])
    assert "<script>" not in completude and 'etat-section-vide">Vide</span>' in completude
