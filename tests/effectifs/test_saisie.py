"""The Part I entry pages: saving, errors at their field, warnings, conflicts, rights per role and state."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caisses.guard import section_version
from caisses.models import Caisse, RapportAnnuel
from effectifs.models import Affectation, Categorie, Effectif, EtatLocaux, Formation


def url(org, name, region=None):
    return reverse(name, kwargs={"code": (region or org.region).code, "annee": org.exercice.annee})


def formset(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def effectifs_rows(**by_code):
    rows = []
    for categorie in Categorie.objects.order_by("ordre", "code"):
        values = by_code.get(categorie.code, (0, "0", 0, "0", ""))
        keys = ("theorique_effectif", "theorique_etp", "reel_effectif", "reel_etp", "age_moyen")
        rows.append({"categorie": categorie.pk, **dict(zip(keys, values, strict=True))})
    return rows


def i1_data(version=0, effectifs=None, affectations=(), mouvements=(), absences=()):
    rows = effectifs or effectifs_rows(**{"as": (38, "35,5", 37, "34,60", "42,7")})
    return {
        "version": str(version),
        **formset("effectifs", rows, initial=len(rows)),
        **formset("affectations", list(affectations)),
        **formset("mouvements", list(mouvements)),
        **formset("absences", list(absences)),
        **formset("boursiers", []),
    }


def i3_data(version=0, rows=None):
    rows = rows or [
        {"nature": "formation", "intitule": "Accueil", "organisme": "IRTS", "participants": "12", "jours": "36,5"}
    ]
    return {"version": str(version), **formset("formations", rows)}


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


def test_responsable_saves_i1_and_sees_warnings(org, responsable):
    as_pk = str(Categorie.objects.get(code="as").pk)
    response = responsable.post(
        url(org, "saisie_i1"),
        i1_data(
            affectations=[{"unite": org.cpams[0].code, "categorie": as_pk, "etp": "30"}],
            mouvements=[{"categorie": as_pk, "type": "depart", "motif": "retraite", "nombre": "2"}],
            absences=[{"motif": "maladie", "jours": "640"}],
        ),
    )
    assert response.status_code == 302
    effectif = Effectif.objects.get(categorie__code="as")
    assert (effectif.reel_etp, effectif.age_moyen) == (Decimal("34.60"), Decimal("42.7"))
    assert Effectif.objects.count() == 4
    page = responsable.get(url(org, "saisie_i1"))
    html = page.content.decode()
    assert "Section I.1 enregistrée." in html
    assert "Points à vérifier" in html
    assert "(37) diffère" in html and "38 + 0 − 2 = 36" in html  # réel ≠ théorique + embauches − départs
    assert "l&#x27;organigramme affecte 30,00 ETP" in html
    # 640 / (34,6 × 208) × 100 = 8,9 %
    assert "640 / (34,6\u00a0×\u00a0208)\u00a0×\u00a0100 = 8,9\u00a0%" in html
    assert section_version(RapportAnnuel.objects.get(caisse=org.region, exercice=org.exercice), "I.1") == 1


def test_invalid_values_keep_everything_typed_with_french_errors(org, responsable):
    rows = effectifs_rows(**{"as": (-3, "35,5", 37, "abc", "75"), "secretariat": (21, "19,4", 21, "19,4", "46")})
    response = responsable.post(url(org, "saisie_i1"), i1_data(effectifs=rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valeur hors limites (effectif) : saisissez un nombre entre 0 et 100\u00a0000." in html
    assert "Saisissez un nombre (par exemple 1 234 ou 12,5)." in html
    assert "Valeur hors limites (âge) : saisissez un nombre entre 18 et 70." in html
    assert 'value="abc"' in html and 'value="-3"' in html and 'value="19,4"' in html
    assert "is-invalid" in html
    assert not Effectif.objects.exists()


def test_i3_shows_the_training_formula_with_its_values(org, responsable):
    responsable.post(url(org, "saisie_i1"), i1_data(effectifs=effectifs_rows(**{"as": (40, "40", 40, "40", "")})))
    response = responsable.post(url(org, "saisie_i3"), i3_data())
    assert response.status_code == 302
    html = responsable.get(url(org, "saisie_i3")).content.decode()
    # 36,5 / (40 × 208) × 100 = 0,44 → 0,4 %
    assert "36,5 / (40\u00a0×\u00a0208)\u00a0×\u00a0100 = 0,4\u00a0%" in html
    assert Formation.objects.get().jours == Decimal("36.5")


def test_i3_without_staff_is_non_calculable(org, responsable):
    responsable.post(url(org, "saisie_i3"), i3_data())
    assert "= non calculable" in responsable.get(url(org, "saisie_i3")).content.decode()


def test_stale_version_is_refused_and_input_kept(org, responsable, client_for):
    other = client_for(org.user("administrateur"))
    assert other.post(url(org, "saisie_i3"), i3_data(version=0)).status_code == 302
    rows = [
        {
            "nature": "perfectionnement",
            "intitule": "Mon action à moi",
            "organisme": "",
            "participants": "3",
            "jours": "2",
        }
    ]
    response = responsable.post(url(org, "saisie_i3"), i3_data(version=0, rows=rows))
    assert response.status_code == 409
    html = response.content.decode()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in html
    assert 'value="Mon action à moi"' in html
    assert 'name="version" value="1"' in html
    assert list(Formation.objects.values_list("intitule", flat=True)) == ["Accueil"]
    # Resubmitted from the new version, it wins.
    assert responsable.post(url(org, "saisie_i3"), i3_data(version=1, rows=rows)).status_code == 302
    assert list(Formation.objects.values_list("intitule", flat=True)) == ["Mon action à moi"]


def test_removed_rows_are_deleted(org, responsable):
    responsable.post(url(org, "saisie_i3"), i3_data())
    rows = [
        {
            "nature": "formation",
            "intitule": "Accueil",
            "organisme": "IRTS",
            "participants": "12",
            "jours": "36,5",
            "DELETE": "on",
        }
    ]
    data = {"version": "1", **formset("formations", rows, initial=1)}
    assert responsable.post(url(org, "saisie_i3"), data).status_code == 302
    assert not Formation.objects.exists()


@pytest.mark.parametrize("name", ["saisie_i1", "saisie_i2", "saisie_i3", "saisie_i4"])
def test_relecteur_reads_only(org, client_for, name):
    client = client_for(org.user("relecteur"))
    html = client.get(url(org, name)).content.decode()
    assert "lecture seule" in html
    assert "Enregistrer la section" not in html
    assert client.post(url(org, name), {"version": "0"}).status_code == 403


@pytest.mark.parametrize("etat", ["transmis", "valide"])
@pytest.mark.parametrize("name", ["saisie_i1", "saisie_i3"])
def test_nothing_editable_once_transmitted(org, responsable, etat, name):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=etat)
    html = responsable.get(url(org, name)).content.decode()
    assert "ne sont plus modifiables" in html and "Enregistrer la section" not in html
    assert "data-formset-add" not in html
    if name == "saisie_i1":
        assert "disabled" in html
    assert responsable.post(url(org, name), i1_data() if name == "saisie_i1" else i3_data()).status_code == 403


def test_renvoye_report_is_editable_again(org, responsable):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="renvoye")
    assert responsable.post(url(org, "saisie_i3"), i3_data()).status_code == 302


def test_agent_edits_only_its_own_units_rows(org, client_for, responsable):
    as_pk = str(Categorie.objects.get(code="as").pk)
    responsable.post(
        url(org, "saisie_i1"),
        i1_data(affectations=[{"unite": org.cpams[1].code, "categorie": as_pk, "etp": "5"}]),
    )
    agent = client_for(org.user("agent"))
    page = agent.get(url(org, "saisie_i1")).content.decode()
    assert "Affectations des autres unités (non modifiables ici)" in page
    assert f'<option value="{org.cpams[1].code}"' not in page
    data = {
        "version": "1",
        **formset("affectations", [{"unite": org.cpams[0].code, "categorie": as_pk, "etp": "7,5"}]),
        # The agent cannot change the region's effectifs even if it posts them.
        **formset("effectifs", effectifs_rows(**{"as": (99, "99", 99, "99", "")}), initial=4),
    }
    assert agent.post(url(org, "saisie_i1"), data).status_code == 302
    assert sorted(Affectation.objects.values_list("caisse_primaire__code", "etp")) == [
        (org.cpams[0].code, Decimal("7.50")),
        (org.cpams[1].code, Decimal("5.00")),
    ]
    assert Effectif.objects.get(categorie__code="as").reel_effectif == 37
    other = {"version": "2", **formset("affectations", [{"unite": org.cpams[1].code, "categorie": as_pk, "etp": "1"}])}
    response = agent.post(url(org, "saisie_i1"), other)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert agent.post(url(org, "saisie_i3"), i3_data()).status_code == 403


def test_i2_saves_installation_and_conventions(org, responsable):
    data = {
        "version": "0",
        "installation-moyens_materiels": "Un portable par assistant social.",
        "installation-vehicules": "3",
        "installation-postes_informatiques": "",
        "installation-telephones": "12",
        "installation-ameliorations_obtenues": "Accueil rénové.",
        "installation-ameliorations_necessaires": "",
        **formset(
            "locaux",
            [{"site": str(site.pk), "etat_locaux": f"Locaux de {site.code}"} for site in org.sites[:2]],
            initial=2,
        ),
        **formset(
            "conventions",
            [
                {
                    "caisse_primaire": str(org.cpams[0].pk),
                    "date_signature": "2025-01-15",
                    "objet": "Locaux",
                    "montant_participation": "48 500,00".replace(" ", ""),
                }
            ],
        ),
    }
    assert responsable.post(url(org, "saisie_i2"), data).status_code == 302
    html = responsable.get(url(org, "saisie_i2")).content.decode()
    assert "48\u00a0500,00&nbsp;€" in html
    rapport = RapportAnnuel.objects.get(caisse=org.region, exercice=org.exercice)
    assert rapport.installation.vehicules == 3 and rapport.installation.postes_informatiques is None
    assert EtatLocaux.objects.get(rapport=rapport, site=org.sites[1]).texte == "Locaux de PAS-T12"


def test_agent_describes_only_its_own_sites_premises(org, client_for):
    agent = client_for(org.user("agent"))
    html = agent.get(url(org, "saisie_i2")).content.decode()
    own, other = org.sites[0], org.sites[1]
    assert f'name="locaux-0-site" value="{own.pk}"' in html and 'name="locaux-1-site"' not in html
    assert f'aria-label="État des locaux en 2025 : {own.nom}"' in html
    rows = [{"site": str(own.pk), "etat_locaux": "Rampe d'accès installée."}]
    data = {
        "version": "0",
        **formset("locaux", rows, initial=1),
        "installation-vehicules": "99",
        **formset("conventions", []),
    }
    assert agent.post(url(org, "saisie_i2"), data).status_code == 302
    assert EtatLocaux.objects.get(site=own).texte == "Rampe d'accès installée."
    assert not RapportAnnuel.objects.filter(installation__vehicules=99).exists()
    tampered = {"version": "1", **formset("locaux", [{"site": str(other.pk), "etat_locaux": "Piraté"}], initial=1)}
    response = agent.post(url(org, "saisie_i2"), tampered)
    assert response.status_code == 200
    assert "ni plus ni moins" in response.content.decode()
    assert not EtatLocaux.objects.filter(texte="Piraté").exists()


def test_i4_saves_meetings(org, responsable):
    data = {
        "version": "0",
        **formset(
            "reunions",
            [{"niveau": "regional", "periodicite": "trimestrielle", "nombre": "4", "contenu": "Orientations"}],
        ),
        **formset("autres", [{"service": "Service médical", "objectifs": "Repérage", "nombre": "6"}]),
    }
    assert responsable.post(url(org, "saisie_i4"), data).status_code == 302
    html = responsable.get(url(org, "saisie")).content.decode()
    assert "Réunions de service" in html


def test_overview_lists_the_plan_with_states(org, responsable):
    responsable.post(url(org, "saisie_i3"), i3_data())
    html = responsable.get(url(org, "saisie")).content.decode()
    for titre in ("Effectifs", "Installation des services", "Réunions de service", "Activités spécifiques"):
        assert titre in html
    assert "etat-section-complet" in html and "etat-section-vide" in html
    assert reverse("saisie_i3", kwargs={"code": org.region.code, "annee": 2025}) in html


def test_out_of_scope_is_404(org, client_for):
    assert client_for(org.user("responsable_autre")).post(url(org, "saisie_i1"), i1_data()).status_code == 404


def count_queries(client, path):
    cache.clear()  # cold each time: the tests write around the guard, so kept section states would not move
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["saisie", "saisie_i1", "saisie_i2", "saisie_i3", "saisie_i4"])
def test_constant_query_count(org, responsable, name):
    path = url(org, name)
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    few = count_queries(responsable, path)
    categorie = Categorie.objects.get(code="as")
    for i in range(15):
        Formation.objects.create(rapport=rapport, nature="formation", intitule=f"F{i}", participants=1, jours=1)
        Affectation.objects.create(rapport=rapport, caisse_primaire=org.cpams[i % 2], categorie=categorie, etp=1)
        Caisse.objects.create(code=f"CPAM-X{i}", nom=f"X{i}", type="primaire", parent=org.region)
    assert count_queries(responsable, path) == few
    assert few <= 50
    # Once the report's section states are kept (caisses.plan.section_states_kept), a page reads far fewer.
    responsable.get(path)
    with CaptureQueriesContext(connection) as warm:
        assert responsable.get(path).status_code == 200
    assert len(warm) <= few - 15


@pytest.mark.parametrize(
    ("role", "label"),
    [("responsable", "Saisir"), ("agent", "Saisir"), ("relecteur", "Consulter la saisie")],
)
def test_reports_table_links_to_the_entry(org, client_for, role, label):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    html = client_for(org.user(role)).get(reverse("region_detail", kwargs={"code": org.region.code})).content.decode()
    entry = reverse("saisie", kwargs={"code": org.region.code, "annee": org.exercice.annee})
    assert f'<a href="{entry}">{label}<span' in html


def test_reports_table_says_consulter_once_transmitted(org, client_for):
    RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat="transmis")
    html = client_for(org.user("responsable")).get(reverse("home")).content.decode()
    assert "Consulter la saisie<span" in html


@pytest.mark.parametrize("name", ["saisie_i1", "saisie_i2", "saisie_i3", "saisie_i4"])
def test_post_without_the_formsets_is_an_error_not_a_crash(org, responsable, name):
    response = responsable.post(url(org, name), {"version": "0"})
    assert response.status_code == 200
    assert "Certaines valeurs sont à corriger" in response.content.decode()


def nav_state(html, numero):
    """The state badge of section `numero` in the entry pages' side navigation."""
    start = html.index(f">{numero}. ", html.index("saisie-nav-partie"))
    return re.search(r'etat-section-(\w+)"', html[start:]).group(1)


def test_side_navigation_follows_a_save_although_section_states_are_kept(org, responsable):
    """The states of the side navigation are kept per data version: a save through the page moves it on."""
    first = responsable.get(url(org, "saisie_i3")).content.decode()
    assert nav_state(first, "3") == "vide"
    again = responsable.get(url(org, "saisie_i3")).content.decode()  # answered from what was kept
    assert nav_state(again, "3") == "vide"
    assert responsable.post(url(org, "saisie_i3"), i3_data()).status_code == 302
    after = responsable.get(url(org, "saisie_i3")).content.decode()
    assert nav_state(after, "3") != "vide"
