"""The II.1 entry grid: who writes which row, errors at the cell, typed input kept, conflicts, query count."""

import re
from dataclasses import replace
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.guard import section_version
from caisses.limits import VALEUR_INDICATEUR
from caisses.models import Caisse, Site
from caisses.numbers import NombreInvalide, parse_nombre
from tests.factories import CaisseFactory, SiteFactory


def url(org, groupe=None):
    base = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    return base + (f"?groupe={groupe}" if groupe else "")


def valeur(rapport, code, caisse=None, site=None):
    found = Valeur.objects.filter(rapport=rapport, indicateur__code=code, caisse=caisse, site=site).first()
    return found.valeur if found else None


def put(rapport, code, value, caisse=None, site=None):
    return Valeur.objects.create(
        rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, site=site, valeur=D(value)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), ("  ", None), ("1 234", D(1234)), ("1\u00a0234", D(1234)), ("0", D(0)), ("-3", D(-3))],
)
def test_parse_nombre(text, expected):
    assert parse_nombre(text) == expected


def test_parse_nombre_within_a_bound():
    one_decimal = replace(VALEUR_INDICATEUR, places=1)
    assert parse_nombre("12,5", one_decimal) == D("12.5")
    assert parse_nombre("100 000 000", VALEUR_INDICATEUR) == D(100_000_000)
    cases = [
        ("abc", VALEUR_INDICATEUR, "Saisissez un nombre (par exemple 1 234 ou 12,5)."),
        ("1,2,3", VALEUR_INDICATEUR, "Saisissez un nombre (par exemple 1 234 ou 12,5)."),
        ("1e5", VALEUR_INDICATEUR, "Saisissez un nombre (par exemple 1 234 ou 12,5)."),
        ("12,5", replace(VALEUR_INDICATEUR, places=0), "Saisissez un nombre entier."),
        ("12,345", VALEUR_INDICATEUR, "Au plus 2 décimales."),
        ("-3", VALEUR_INDICATEUR, "Valeur hors limites : saisissez un nombre entre 0 et 100\u00a0000\u00a0000."),
        ("9" * 20, VALEUR_INDICATEUR, "Valeur hors limites"),
    ]
    for bad, bound, message in cases:
        with pytest.raises(NombreInvalide) as refused:
            parse_nombre(bad, bound)
        assert str(refused.value).startswith(message), bad


def test_responsable_saves_unit_and_region_rows(org, client_for, rapport):
    cpam = org.cpams[0]
    response = client_for(org.user("responsable")).post(
        url(org),
        {
            "version": 0,
            f"v-{cpam.code}-domaine_acces_soins": "1 200",
            f"v-{org.sites[0].code}-domaine_acces_soins": "30",
            "v-region-personnes_aidees_individuel": "1230",
            "evolution_nature_activites": "Plus d'offres de service.",
        },
    )
    assert response.status_code == 302
    assert valeur(rapport, "domaine_acces_soins", caisse=cpam) == D(1200)
    assert valeur(rapport, "domaine_acces_soins", site=org.sites[0]) == D(30)
    assert valeur(rapport, "personnes_aidees_individuel") == D(1230)
    assert rapport.partie_deux.evolution_nature_activites == "Plus d'offres de service."
    assert section_version(rapport, "II.1") == 1
    assert Valeur.history.count() == 3


def test_agent_writes_only_its_unit(org, client_for, rapport):
    agent_cpam = org.cpams[0]
    data = {"version": 0, f"v-{agent_cpam.code}-domaine_acces_soins": "12"}
    assert client_for(org.user("agent")).post(url(org), data).status_code == 302
    assert valeur(rapport, "domaine_acces_soins", caisse=agent_cpam) == D(12)
    assert Valeur.objects.count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"v-CPAM-T12-domaine_acces_soins": "99"},  # another CPAM of the region
        {"v-region-personnes_aidees_individuel": "99"},  # the region's row
        {"evolution_nature_activites": "non"},  # the region's narrative
    ],
)
def test_agent_posting_what_is_not_its_own_is_refused_and_nothing_is_written(org, client_for, rapport, extra):
    assert org.cpams[1].code == "CPAM-T12"
    data = {"version": 0, f"v-{org.cpams[0].code}-domaine_acces_soins": "12", **extra}
    response = client_for(org.user("agent")).post(url(org), data)
    assert response.status_code == 403
    html = response.content.decode()
    assert "que vous ne pouvez pas saisir ici" in html and "Rien n&#x27;a été enregistré" in html
    assert 'value="12"' in html  # what was typed in its own cell is kept
    assert not Valeur.objects.exists()
    assert not hasattr(rapport, "partie_deux") or rapport.partie_deux.evolution_nature_activites == ""


def test_agent_page_shows_only_its_row_as_inputs(org, client_for, rapport):
    put(rapport, "domaine_acces_soins", 40, caisse=org.cpams[1])
    html = client_for(org.user("agent")).get(url(org, "domaines")).content.decode()
    assert f'name="v-{org.cpams[0].code}-domaine_acces_soins"' in html
    assert f'name="v-{org.cpams[1].code}-domaine_acces_soins"' not in html
    assert 'name="v-region-' not in html
    assert 'data-value="40"' in html  # the other unit's figure is shown, read-only


def test_bad_number_keeps_what_was_typed_and_writes_nothing(org, client_for, rapport):
    cpam = org.cpams[0]
    response = client_for(org.user("responsable")).post(
        url(org),
        {"version": 0, f"v-{cpam.code}-domaine_acces_soins": "12a", f"v-{cpam.code}-domaine_retour_emploi": "7"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez un nombre (par exemple 1 234 ou 12,5)." in html
    assert 'value="12a"' in html and 'value="7"' in html
    assert 'aria-invalid="true"' in html
    assert Valeur.objects.count() == 0


def test_rule_error_in_a_unit_blocks_the_save_with_the_message_at_the_cell(org, client_for, rapport):
    cpam = org.cpams[0]
    response = client_for(org.user("responsable")).post(
        url(org),
        {
            "version": 0,
            f"v-{cpam.code}-accompagnements_termines": "10",
            f"v-{cpam.code}-objectifs_atteints": "11",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "« dont objectifs totalement atteints » (11) ne peut pas dépasser « Accompagnements terminés » (10)." in html
    assert Valeur.objects.count() == 0


def test_negative_count_is_refused_at_the_cell(org, client_for, rapport):
    response = client_for(org.user("responsable")).post(url(org), {"version": 0, "v-region-publics_precarite": "-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valeur hors limites : saisissez un nombre entre 0 et 100\u00a0000\u00a0000." in html
    assert 'value="-1"' in html
    assert Valeur.objects.count() == 0


def test_totals_mismatch_during_entry_is_a_warning_not_a_block(org, client_for, rapport):
    # The individual total for the region as a whole, domaines per CPAM: while agents enter their rows the
    # totals differ; the save goes through and the total cell says so.
    put(rapport, "personnes_aidees_individuel", 100)
    client = client_for(org.user("agent"))
    response = client.post(url(org), {"version": 0, f"v-{org.cpams[0].code}-domaine_acces_soins": "40"})
    assert response.status_code == 302
    html = client.get(url(org)).content.decode()
    assert "Total de la région : « Personnes aidées individuellement » (100) doit être égal" in html


def test_clearing_a_cell_deletes_the_figure(org, client_for, rapport):
    put(rapport, "publics_precarite", 5)
    response = client_for(org.user("responsable")).post(url(org), {"version": 0, "v-region-publics_precarite": ""})
    assert response.status_code == 302
    assert Valeur.objects.count() == 0


def test_stale_version_is_a_conflict_and_keeps_the_input(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    assert client.post(url(org), {"version": 0, "v-region-publics_precarite": "5"}).status_code == 302
    response = client.post(url(org), {"version": 0, "v-region-publics_precarite": "6"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in html
    assert 'value="6"' in html
    assert 'name="version" value="1"' in html
    assert valeur(rapport, "publics_precarite") == D(5)


@pytest.mark.parametrize(("role", "status"), [("relecteur", 403), ("agent_autre", 404), ("responsable_autre", 404)])
def test_post_forbidden(org, client_for, rapport, role, status):
    response = client_for(org.user(role)).post(url(org), {"version": 0, "v-region-publics_precarite": "5"})
    assert response.status_code == status
    assert Valeur.objects.count() == 0


def test_post_to_transmitted_report_is_403(org, client_for, rapport):
    rapport.etat = "transmis"
    rapport.save()
    response = client_for(org.user("responsable")).post(url(org), {"version": 0, "v-region-publics_precarite": "5"})
    assert response.status_code == 403
    html = client_for(org.user("responsable")).get(url(org)).content.decode()
    assert 'name="v-region-publics_precarite"' not in html


def test_totals_n1_and_evolution_are_shown(org, client_for, rapport, rapport_n1):
    for caisse, n, n1 in [(org.cpams[0], 300, 200), (org.cpams[1], 100, 200)]:
        put(rapport, "accompagnements_termines", n, caisse=caisse)
        put(rapport_n1, "accompagnements_termines", n1, caisse=caisse)
    put(rapport, "objectifs_atteints", 100, caisse=org.cpams[0])
    html = client_for(org.user("relecteur")).get(url(org, "accompagnements_termines")).content.decode()
    assert "<strong data-total" in html
    assert "400</strong>" in html  # 300 + 100
    assert "N−1 : 400" in html  # 200 + 200
    assert "non calculable" in html  # taux N−1: no objectifs_atteints in 2024
    assert "25,0\u00a0%" in html  # 100 / 400 for the region; 33,3 % for the first CPAM
    assert "33,3\u00a0%" in html
    assert 'name="v-' not in html  # the relecteur reads only


def test_a_ratio_total_moves_in_points_a_count_in_percent(org, client_for, rapport, rapport_n1):
    """taux_objectifs_atteints: 100 / 400 = 25,0 % in N, 50 / 400 = 12,5 % in N−1 → « +12,5 pts »; the count
    of accompagnements terminés 400 → 400 → « 0,00 % ». The same words as the report (caisses.numbers)."""
    for caisse in org.cpams:
        put(rapport, "accompagnements_termines", 200, caisse=caisse)
        put(rapport_n1, "accompagnements_termines", 200, caisse=caisse)
    put(rapport, "objectifs_atteints", 100, caisse=org.cpams[0])
    put(rapport_n1, "objectifs_atteints", 50, caisse=org.cpams[0])
    html = client_for(org.user("responsable")).get(url(org, "accompagnements_termines")).content.decode()
    assert 'data-evolution="taux" data-n1="12.5' in html
    assert ">+12,5\u00a0pts</span>" in html
    assert 'data-evolution="nombre" data-n1="400.00">0,00\u00a0%<' in html
    # objectifs_atteints is a count (50 → 100: +100 %); its rate is not read as one.
    assert 'data-evolution="nombre" data-n1="50.00">+100,00\u00a0%<' in html
    assert not re.search(r'data-evolution="taux"[^<]*>[^<]*%<', html)


def _add_units(org, count):
    for i in range(count):
        cpam = CaisseFactory(code=f"CPAM-X{i}", parent=org.region, type=Caisse.Type.PRIMAIRE)
        SiteFactory(code=f"UL-X{i}", caisse=cpam)


def test_query_count_does_not_grow_with_units(org, client_for, rapport, rapport_n1):
    client = client_for(org.user("responsable"))
    put(rapport, "publics_precarite", 5, caisse=org.cpams[0])
    put(rapport_n1, "publics_precarite", 4, caisse=org.cpams[0])

    def count():
        cache.clear()  # cold each time: put() writes around the guard, so kept section states would not move
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(org)).status_code == 200
        return len(ctx.captured_queries)

    small = count()  # 2 CPAMs, 2 sites
    _add_units(org, 8)  # 10 CPAMs, 10 sites
    for i in range(8):
        put(rapport, "publics_precarite", 5, caisse=Caisse.objects.get(code=f"CPAM-X{i}"))
        put(rapport_n1, "publics_precarite", 4, site=Site.objects.get(code=f"UL-X{i}"))
    assert count() == small


def test_indicator_added_by_an_admin_appears_from_its_first_exercice(org, client_for, rapport, rapport_n1):
    from activites.models import GroupeIndicateurs

    groupe = GroupeIndicateurs.objects.create(code="logement", libelle="Accès au logement", ordre=200)
    Indicateur.objects.create(
        code="logement_duree_moyenne",
        libelle="Durée moyenne d'accompagnement",
        groupe=groupe,
        unite_mesure="jours",
        decimales=1,
        agregation="aucune",
        actif_depuis=2025,
    )
    client = client_for(org.user("responsable"))
    html = client.get(url(org, "logement")).content.decode()
    assert "Durée moyenne d&#x27;accompagnement" in html
    response = client.post(
        url(org, "logement"), {"version": 0, "groupe": "logement", "v-region-logement_duree_moyenne": "12,5"}
    )
    assert response.status_code == 302
    assert valeur(rapport, "logement_duree_moyenne") == D("12.5")
    html_2024 = client.get(
        reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2024}) + "?groupe=logement"
    ).content.decode()
    assert "Durée moyenne" not in html_2024


def test_two_agents_of_two_units_both_keep_their_rows_after_a_conflict(org, client_for, rapport):
    from caisses.models import Membership
    from tests.factories import user_with_role

    other_agent = user_with_role("t-agent-2", Membership.Role.AGENT, org.cpams[1])
    first, second = client_for(org.user("agent")), client_for(other_agent)
    # Both opened the page at version 0; the first saves, the second meets the conflict, then saves again.
    assert first.post(url(org), {"version": 0, f"v-{org.cpams[0].code}-publics_precarite": "10"}).status_code == 302
    data = {"version": 0, f"v-{org.cpams[1].code}-publics_precarite": "20"}
    response = second.post(url(org), data)
    assert response.status_code == 409
    assert 'value="20"' in response.content.decode()
    assert second.post(url(org), {**data, "version": 1}).status_code == 302
    assert valeur(rapport, "publics_precarite", caisse=org.cpams[0]) == D(10)
    assert valeur(rapport, "publics_precarite", caisse=org.cpams[1]) == D(20)


def test_the_grid_of_a_large_region_saves_past_django_default_field_limit(org, client_for, rapport):
    """The whole grid of a region of 40 units posts more than Django's default 1 000 fields: it saves (settings
    DATA_UPLOAD_MAX_NUMBER_FIELDS), it is not the 400 page."""
    _add_units(org, 20)  # 22 CPAMs and 22 sites, plus the region's own row
    client = client_for(org.user("responsable"))
    html = client.get(url(org)).content.decode()
    names = re.findall(r'name="(v-[^"]+)"', html)
    assert len(names) > 1000
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    data = dict.fromkeys(names, "") | {"version": version, names[-1]: "7"}
    response = client.post(url(org), data)
    assert response.status_code == 302
    assert Valeur.objects.filter(rapport=rapport, valeur=7).count() == 1
