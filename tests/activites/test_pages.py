"""II.2–II.4 and Part III entry pages: saves, French errors, read-only roles, preview."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from activites.models import Circonscription, EnqueteSatisfaction, Etudiant, PartieDeux
from rapports.models import PartieTrois


def url(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_ii2_adds_trainees_and_ignores_blank_rows(org, client_for, rapport):
    data = {
        "version": 0,
        **management("etudiants", 2),
        "etudiants-0-ecole": "IRTS de Nantes",
        "etudiants-0-nombre": "4",
        "etudiants-0-duree_semaines": "12",
        "etudiants_commentaire": "Stagiaires de 3e année.",
    }
    response = client_for(org.user("responsable")).post(url(org, "saisie_ii2"), data)
    assert response.status_code == 302
    etudiant = Etudiant.objects.get()
    assert (etudiant.ecole, etudiant.nombre, etudiant.duree_semaines) == ("IRTS de Nantes", 4, D(12))
    assert PartieDeux.objects.get().etudiants_commentaire == "Stagiaires de 3e année."
    assert Etudiant.history.count() == 1


def test_ii2_negative_number_is_a_french_error_and_input_is_kept(org, client_for, rapport):
    data = {
        "version": 0,
        **management("etudiants", 1),
        "etudiants-0-ecole": "IRTS",
        "etudiants-0-nombre": "-2",
        "etudiants-0-duree_semaines": "12",
        "etudiants_commentaire": "Texte gardé",
    }
    response = client_for(org.user("responsable")).post(url(org, "saisie_ii2"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valeur hors limites : saisissez un nombre entre 0 et 100\u00a0000\u00a0000." in html
    assert 'value="IRTS"' in html and "Texte gardé" in html
    assert not Etudiant.objects.exists()


def test_ii2_delete_a_row(org, client_for, rapport):
    kept = Etudiant.objects.create(rapport=rapport, ecole="A", nombre=1, duree_semaines=4)
    removed = Etudiant.objects.create(rapport=rapport, ecole="B", nombre=2, duree_semaines=6, ordre=1)
    data = {
        "version": 0,
        **management("etudiants", 2, initial=2),
        "etudiants-0-id": kept.pk,
        "etudiants-0-ecole": "A",
        "etudiants-0-nombre": "1",
        "etudiants-0-duree_semaines": "4",
        "etudiants-1-id": removed.pk,
        "etudiants-1-ecole": "B",
        "etudiants-1-nombre": "2",
        "etudiants-1-duree_semaines": "6",
        "etudiants-1-DELETE": "on",
        "etudiants_commentaire": "",
    }
    assert client_for(org.user("responsable")).post(url(org, "saisie_ii2"), data).status_code == 302
    assert list(Etudiant.objects.values_list("ecole", flat=True)) == ["A"]


def test_ii3_circonscriptions(org, client_for, rapport):
    data = {
        "version": 0,
        **management("circonscriptions", 2),
        "circonscriptions-0-nom": "Nord",
        "circonscriptions-0-territoire": "Cantons nord",
        "circonscriptions-0-referent": "Mme Martin",
        "coordination_commentaire": "Convention avec le département.",
    }
    assert client_for(org.user("responsable")).post(url(org, "saisie_ii3"), data).status_code == 302
    assert Circonscription.objects.get().referent == "Mme Martin"
    assert PartieDeux.objects.get().coordination_commentaire == "Convention avec le département."


def survey(satisfaits="89", tres="37", taux="31.5", avec=True):
    data = {
        "version": 0,
        "autres_activites": "Comité local de santé.",
        "enquete-periode": "novembre 2025",
        "enquete-echantillon": "1200",
        "enquete-taux_reponse": taux,
        "enquete-organisme": "Cabinet",
        **management("items", 2),
        "items-0-dimension": "Qualité globale",
        "items-0-satisfaits_pct": satisfaits,
        "items-0-tres_satisfaits_pct": tres,
    }
    if avec:
        data["avec_enquete"] = "on"
    return data


def test_ii4_survey_saved(org, client_for, rapport):
    assert client_for(org.user("responsable")).post(url(org, "saisie_ii4"), survey()).status_code == 302
    enquete = EnqueteSatisfaction.objects.get()
    assert enquete.taux_reponse == D("31.5")
    assert [(i.dimension, i.satisfaits_pct, i.tres_satisfaits_pct) for i in enquete.items.all()] == [
        ("Qualité globale", D(89), D(37))
    ]


@pytest.mark.parametrize(("field", "value"), [("satisfaits", "100.5"), ("tres", "-1"), ("taux", "101")])
def test_ii4_percentages_outside_0_100_are_refused_in_french(org, client_for, rapport, field, value):
    response = client_for(org.user("responsable")).post(url(org, "saisie_ii4"), survey(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valeur hors limites (%) : saisissez un nombre entre 0 et 100." in html
    assert f'value="{value}"' in html
    assert not EnqueteSatisfaction.objects.exists()


def test_ii4_unticked_survey_is_removed_and_not_validated(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    assert client.post(url(org, "saisie_ii4"), survey()).status_code == 302
    response = client.post(url(org, "saisie_ii4"), {**survey(taux="999", avec=False), "version": 1})
    assert response.status_code == 302
    assert not EnqueteSatisfaction.objects.exists()
    assert PartieDeux.objects.get().autres_activites == "Comité local de santé."


@pytest.mark.parametrize("name", ["saisie_ii2", "saisie_ii3", "saisie_ii4", "saisie_iii"])
@pytest.mark.parametrize(
    ("role", "status"), [("agent", 403), ("relecteur", 403), ("agent_autre", 404), ("responsable_autre", 404)]
)
def test_region_pages_post_forbidden(org, client_for, rapport, name, role, status):
    response = client_for(org.user(role)).post(url(org, name), {"version": 0, "observations": "x"})
    assert response.status_code == status


@pytest.mark.parametrize("name", ["saisie_ii2", "saisie_ii3", "saisie_ii4", "saisie_iii"])
def test_region_pages_read_only_for_agent(org, client_for, rapport, name):
    html = client_for(org.user("agent")).get(url(org, name)).content.decode()
    assert "saisie par le responsable régional" in html
    assert ">Enregistrer</button>" not in html


def test_iii_preview_does_not_save_and_save_does(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    text = "## Perspectives\n\n- **renforcer** l'offre <script>alert(1)</script>"
    response = client.post(url(org, "saisie_iii"), {"version": 0, "observations": text, "action": "apercu"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h3>Perspectives</h3>" in html and "<strong>renforcer</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert not PartieTrois.objects.exists()
    response = client.post(url(org, "saisie_iii"), {"version": 0, "observations": text, "action": "enregistrer"})
    assert response.status_code == 302
    assert PartieTrois.objects.get().observations == text


def test_section_states(org, rapport):
    from caisses.plan import EtatSection, section_states

    assert section_states(rapport)["III"] == EtatSection.VIDE
    PartieTrois.objects.create(rapport=rapport, observations="Texte")
    Circonscription.objects.create(rapport=rapport, nom="Nord")
    states = section_states(rapport)
    assert states["III"] == EtatSection.COMPLET
    assert states["II.3"] == EtatSection.EN_COURS
    assert states["II.1"] == EtatSection.VIDE
