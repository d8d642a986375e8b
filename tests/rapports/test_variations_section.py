"""The entry pages say, at the top of their section, which figures moved past their threshold and whether each is
explained, with a link to its row of « Explications des variations »."""

from django.urls import reverse

from caisses.numbers import NBSP
from rapports.models import ExplicationVariation
from tests.rapports.test_variations_page import rapport  # noqa: F401 — the fixture: 150 → 185 people collectively


def entry(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def box(html):
    if 'class="card border-info mb-3 variations-section"' not in html:
        return ""
    return html.split('class="card border-info mb-3 variations-section"')[1].split("</section>")[0]


def test_the_ii1_page_lists_its_unexplained_variation_with_a_link_to_its_row(org, client_for, rapport):  # noqa: F811
    html = box(client_for(org.user("responsable")).get(entry(org, "saisie_ii1")).content.decode())
    assert "Variation par rapport à 2024 à expliquer avant la transmission" in html
    assert "Personnes aidées collectivement</a> : 150 → 185, soit +23,3" + NBSP + "% (+35)" in html
    assert "<strong>pas encore expliquée</strong>" in html
    page = reverse("rapport_variations", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    assert f'href="{page}#variation-indicateur-personnes_aidees_collectif"' in html
    assert "Écrire ou modifier les explications" in html


def test_a_reviewer_reads_the_explanation_beside_its_figure(org, client_for, rapport):  # noqa: F811
    ExplicationVariation.objects.create(
        rapport=rapport, cle="indicateur:personnes_aidees_collectif", texte="Deux <b>ateliers</b> nouveaux."
    )
    html = box(client_for(org.user("relecteur")).get(entry(org, "saisie_ii1")).content.decode())
    assert "expliquée : « Deux &lt;b&gt;ateliers&lt;/b&gt; nouveaux. »" in html
    assert "Voir les explications des variations" in html


def test_sections_without_such_figures_show_nothing(org, client_for, rapport):  # noqa: F811
    client = client_for(org.user("responsable"))
    for name in ("saisie_i2", "saisie_i1", "saisie_ii3"):
        assert box(client.get(entry(org, name)).content.decode()) == ""
