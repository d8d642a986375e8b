"""The entry pages say, at the top of their section, which figures moved past their threshold and whether each is
explained; whoever may change the report types the explanation there, beside the figure (issue 12, item 1)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from caisses.guard import SectionVersion
from caisses.models import RapportAnnuel
from caisses.numbers import NBSP
from effectifs.models import Categorie, Effectif
from rapports import variations
from rapports.models import ExplicationVariation
from tests.rapports.test_variations_page import CHAMP, rapport  # noqa: F401 — 150 → 185 people collectively

CHAMP_ETP = "explication-partie1-etp"


def entry(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def page(org):
    return reverse("rapport_variations", kwargs={"code": org.region.code, "annee": org.exercice.annee})


def box(html):
    if 'class="card border-info mb-3 variations-section"' not in html:
        return ""
    return html.split('class="card border-info mb-3 variations-section"')[1].split("</section>")[0]


def version():
    return SectionVersion.objects.filter(section=variations.SECTION).values_list("version", flat=True).first() or 0


def saved():
    return dict(ExplicationVariation.objects.values_list("cle", "texte"))


@pytest.fixture
def etp(org, rapport):  # noqa: F811
    """Part I's ETP too went past its threshold: 40 → 80 ETP (+100 %, +40) in I.1."""
    categorie = Categorie.objects.get(code="as")
    n1 = RapportAnnuel.objects.get(caisse=org.region, exercice=org.previous_exercice)
    Effectif.objects.create(rapport=n1, categorie=categorie, reel_effectif=40, reel_etp=D(40))
    Effectif.objects.create(rapport=rapport, categorie=categorie, reel_effectif=80, reel_etp=D(80))
    return rapport


def test_the_ii1_page_takes_the_explanation_beside_the_figure(org, client_for, rapport):  # noqa: F811
    html = box(client_for(org.user("responsable")).get(entry(org, "saisie_ii1")).content.decode())
    assert "Variation par rapport à 2024 à expliquer avant la transmission" in html
    assert "<strong>Personnes aidées collectivement</strong> : 150 → 185, soit +23,3" + NBSP + "% (+35)" in html
    assert '<span class="badge text-bg-warning">à expliquer</span>' in html
    assert f'<form method="post" action="{page(org)}"' in html
    assert '<input type="hidden" name="section" value="II.1">' in html
    assert f'name="{CHAMP}"' in html
    assert 'id="variation-indicateur-personnes_aidees_collectif"' in html
    assert 'data-variation-cle="indicateur:personnes_aidees_collectif"' in html  # the grid's cell is marked by it
    assert "Enregistrer les explications" in html


def test_the_explanation_saved_from_the_section_goes_back_to_the_section(org, client_for, rapport):  # noqa: F811
    client = client_for(org.user("agent"))
    response = client.post(page(org), {"version": version(), "section": "II.1", CHAMP: "Deux ateliers de plus."})
    assert response.status_code == 302
    assert response["Location"] == entry(org, "saisie_ii1") + "#variations-section"
    assert saved() == {"indicateur:personnes_aidees_collectif": "Deux ateliers de plus."}
    html = client.get(response["Location"]).content.decode()
    assert "Les explications des variations sont enregistrées. Toutes les variations de la section II.1 sont" in html
    section = box(html)
    assert '<span class="badge text-bg-success">expliquée</span>' in section
    assert ">Deux ateliers de plus.</textarea>" in section


def test_a_section_save_never_touches_another_sections_explanation(org, client_for, etp):
    ExplicationVariation.objects.create(rapport=etp, cle="partie1:etp", texte="Recrutements de 2025.")
    client = client_for(org.user("responsable"))
    i1 = box(client.get(entry(org, "saisie_i1")).content.decode())
    assert "<strong>Effectif réel en ETP au 31 décembre</strong>" in i1 and f'name="{CHAMP_ETP}"' in i1
    assert CHAMP not in i1  # the II.1 figure is typed on its own section
    # A tampered post of the II.1 block that also empties the I.1 text: the I.1 field is not read.
    response = client.post(page(org), {"version": version(), "section": "II.1", CHAMP: "Ateliers.", CHAMP_ETP: ""})
    assert response.status_code == 302
    assert saved() == {"partie1:etp": "Recrutements de 2025.", "indicateur:personnes_aidees_collectif": "Ateliers."}


def test_a_field_not_posted_keeps_its_text(org, client_for, etp):
    ExplicationVariation.objects.create(rapport=etp, cle="partie1:etp", texte="Recrutements de 2025.")
    response = client_for(org.user("responsable")).post(page(org), {"version": version(), CHAMP: "Ateliers."})
    assert response.status_code == 302
    assert saved()["partie1:etp"] == "Recrutements de 2025."
    # Emptying a posted field erases its text: the figure is unexplained again.
    client_for(org.user("responsable")).post(page(org), {"version": version(), CHAMP_ETP: "  "})
    assert "partie1:etp" not in saved()


def test_a_refused_section_save_keeps_the_typed_text_and_the_other_sections(org, client_for, etp):
    client = client_for(org.user("responsable"))
    too_long = "x" * 20_001
    response = client.post(page(org), {"version": version(), "section": "I.1", CHAMP_ETP: too_long})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Rien n'a été enregistré" in html and "ne peut pas dépasser" in html
    assert '<input type="hidden" name="section" value="I.1">' in html
    assert CHAMP not in html  # the page answers with the section's findings only, so its save reads only those
    assert saved() == {}
    stale = client.post(page(org), {"version": "0", "section": "I.1", CHAMP_ETP: "Recrutements."})
    assert stale.status_code == 302
    assert client.post(page(org), {"version": "0", "section": "I.1", CHAMP_ETP: "Autre."}).status_code == 409


@pytest.mark.parametrize("section", ["I.2", "III", "../admin", ""])
def test_an_unknown_section_is_the_whole_page(org, client_for, rapport, section):  # noqa: F811
    response = client_for(org.user("responsable")).post(
        page(org), {"version": version(), "section": section, CHAMP: "Ateliers."}
    )
    assert response.status_code == 302 and response["Location"] == page(org)


def test_a_reviewer_reads_the_explanation_beside_its_figure(org, client_for, rapport):  # noqa: F811
    ExplicationVariation.objects.create(
        rapport=rapport, cle="indicateur:personnes_aidees_collectif", texte="Deux <b>ateliers</b> nouveaux."
    )
    html = box(client_for(org.user("relecteur")).get(entry(org, "saisie_ii1")).content.decode())
    assert "expliquée : « Deux &lt;b&gt;ateliers&lt;/b&gt; nouveaux. »" in html
    assert "Voir les explications des variations" in html
    assert "<textarea" not in html and "<form" not in html


def test_a_sent_report_shows_the_texts_without_a_form(org, client_for, rapport):  # noqa: F811
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=RapportAnnuel.Etat.TRANSMIS)
    html = box(client_for(org.user("responsable")).get(entry(org, "saisie_ii1")).content.decode())
    assert "<strong>pas encore expliquée</strong>" in html and "<textarea" not in html


def test_sections_without_such_figures_show_nothing(org, client_for, rapport):  # noqa: F811
    client = client_for(org.user("responsable"))
    for name in ("saisie_i2", "saisie_i1", "saisie_ii3"):
        assert box(client.get(entry(org, name)).content.decode()) == ""


def test_a_long_list_is_folded_so_that_the_figures_come_first(org, client_for, rapport):  # noqa: F811
    from activites.models import Indicateur, Valeur

    n1 = RapportAnnuel.objects.get(caisse=org.region, exercice=org.previous_exercice)
    for code in ("domaine_acces_soins", "domaine_maintien_emploi", "domaine_retour_emploi"):
        indicateur = Indicateur.objects.get(code=code)
        Valeur.objects.create(rapport=n1, indicateur=indicateur, valeur=100)
        Valeur.objects.create(rapport=rapport, indicateur=indicateur, valeur=200)
    html = box(client_for(org.user("responsable")).get(entry(org, "saisie_ii1")).content.decode())
    assert '<details class="variations-details">' in html
    assert "4 à expliquer sur 4 — ouvrir pour écrire les explications</summary>" in html
    assert html.count("<textarea") == 4
