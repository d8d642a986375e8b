"""French numbers in II.2–II.4: « 2,5 » weeks, « 1 234 » students, « 31,47 » %, one French error for garbage."""

from decimal import Decimal as D

import pytest

from activites.models import EnqueteSatisfaction, Etudiant
from caisses.numbers import NOMBRE_ATTENDU

from .test_pages import management, survey, url

NNBSP, NBSP = "\u202f", "\u00a0"


def ii2(nombre, duree, version=0):
    return {
        "version": version,
        **management("etudiants", 1),
        "etudiants-0-ecole": "IRTS",
        "etudiants-0-nombre": nombre,
        "etudiants-0-duree_semaines": duree,
        "etudiants_commentaire": "",
    }


@pytest.mark.parametrize("space", [" ", NBSP, NNBSP])
def test_ii2_accepts_a_decimal_comma_and_thousands(org, client_for, rapport, space):
    response = client_for(org.user("responsable")).post(url(org, "saisie_ii2"), ii2(f"1{space}234", "2,5"))
    assert response.status_code == 302
    etudiant = Etudiant.objects.get()
    assert (etudiant.nombre, etudiant.duree_semaines) == (1234, D("2.5"))


def test_ii2_shows_saved_figures_in_french_in_text_inputs(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    assert client.post(url(org, "saisie_ii2"), ii2("1234", "2.5")).status_code == 302
    html = client.get(url(org, "saisie_ii2")).content.decode()
    assert 'value="2,5"' in html and f'value="1{NBSP}234"' in html
    assert 'type="number"' not in html and 'inputmode="decimal"' in html and 'inputmode="numeric"' in html


@pytest.mark.parametrize(
    ("nombre", "duree", "message"),
    [
        ("4", "douze", NOMBRE_ATTENDU),
        ("quatre", "12", NOMBRE_ATTENDU),
        ("4", "1e1", NOMBRE_ATTENDU),
        ("4", "1.234,5", NOMBRE_ATTENDU),
        ("2,5", "12", "Saisissez un nombre entier."),
        ("4", "2,55", "Au plus 1 décimale."),
    ],
)
def test_ii2_refuses_in_french_and_keeps_the_input(org, client_for, rapport, nombre, duree, message):
    response = client_for(org.user("responsable")).post(url(org, "saisie_ii2"), ii2(nombre, duree))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{nombre}"' in html and f'value="{duree}"' in html
    assert not Etudiant.objects.exists()


def test_ii4_keeps_the_precision_of_a_rate(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    response = client.post(url(org, "saisie_ii4"), {**survey(taux="31,47"), "enquete-echantillon": f"1{NNBSP}200"})
    assert response.status_code == 302
    enquete = EnqueteSatisfaction.objects.get()
    assert (enquete.taux_reponse, enquete.echantillon) == (D("31.47"), 1200)
    html = client.get(url(org, "saisie_ii4")).content.decode()
    assert 'value="31,47"' in html and f'value="1{NBSP}200"' in html


def test_ii4_garbage_is_the_same_french_error(org, client_for, rapport):
    response = client_for(org.user("responsable")).post(url(org, "saisie_ii4"), survey(taux="trente"))
    assert response.status_code == 200
    assert NOMBRE_ATTENDU in response.content.decode()
    assert not EnqueteSatisfaction.objects.exists()
