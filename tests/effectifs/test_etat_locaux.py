"""The état des locaux is a fact of one report (report × site): each year its own, never the site's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from caisses.guard import SANS_VERSION, save_section
from caisses.models import RapportAnnuel
from caisses.plan import SECTION_HISTORY, EtatSection
from effectifs import queries, services
from effectifs.models import EtatLocaux


def url(org, name, annee=None):
    return reverse(name, kwargs={"code": org.region.code, "annee": annee or org.exercice.annee})


def locaux(sites, *texts):
    """The premises table of the page: one row per site, with `texts` in order (the last one repeated)."""
    data = {"locaux-TOTAL_FORMS": str(len(sites)), "locaux-INITIAL_FORMS": str(len(sites))}
    for i, site in enumerate(sites):
        data.update({f"locaux-{i}-site": str(site.pk), f"locaux-{i}-etat_locaux": texts[min(i, len(texts) - 1)]})
    return data


def i2(sites, *texts, version="0"):
    return {
        "version": version,
        "conventions-TOTAL_FORMS": "0",
        "conventions-INITIAL_FORMS": "0",
        **locaux(sites, *texts),
    }


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


def region_sites(org):
    return [site for site in org.sites if site.caisse.parent_id == org.region.pk]


def test_next_years_description_never_changes_this_years_report(org, responsable):
    sites = region_sites(org)
    assert responsable.post(url(org, "saisie_i2", 2024), i2(sites, "Locaux vétustes.")).status_code == 302
    assert responsable.post(url(org, "saisie_i2", 2025), i2(sites, "Locaux rénovés.")).status_code == 302
    rapport_2024 = RapportAnnuel.objects.get(caisse=org.region, exercice=org.previous_exercice)
    assert set(queries.partie_1_data(rapport_2024).etats_locaux.values()) == {"Locaux vétustes."}
    assert "Locaux vétustes." in responsable.get(url(org, "saisie_i2", 2024)).content.decode()
    page_2025 = responsable.get(url(org, "saisie_i2", 2025)).content.decode()
    assert "Locaux rénovés." in page_2025 and "Locaux vétustes." not in page_2025


def test_an_empty_description_removes_the_row_and_reads_non_renseigne(org, responsable, client_for):
    sites = region_sites(org)
    responsable.post(url(org, "saisie_i2"), i2(sites, "Rampe d'accès."))
    assert EtatLocaux.objects.count() == 2
    relecteur = client_for(org.user("relecteur"))
    assert relecteur.get(url(org, "saisie_i2")).content.decode().count("Rampe d&#x27;accès.") == 2
    assert responsable.post(url(org, "saisie_i2"), i2(sites, "", version="1")).status_code == 302
    assert not EtatLocaux.objects.exists()
    assert relecteur.get(url(org, "saisie_i2")).content.decode().count("Non renseigné") == 2


def test_a_save_is_recorded_in_the_history_of_i2(org, responsable):
    assert EtatLocaux in SECTION_HISTORY["I.2"]
    assert responsable.post(url(org, "saisie_i2"), i2(region_sites(org), "Rampe d'accès.", "")).status_code == 302
    row = EtatLocaux.objects.get()
    assert [h.history_type for h in row.history.all()] == ["+"]
    assert row.history.get().history_user == org.user("responsable")
    page = reverse("rapport_historique", kwargs={"code": org.region.code, "annee": 2025, "section": "I-2"})
    html = responsable.get(page).content.decode()
    assert "Rampe d&#x27;accès." in html and "Locaux de" in html


def test_described_premises_alone_make_i2_en_cours(org, responsable):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    assert queries.etat_i2(rapport) == EtatSection.VIDE
    assert responsable.post(url(org, "saisie_i2"), i2(region_sites(org), "Rampe d'accès.", "")).status_code == 302
    assert queries.etat_i2(rapport) == EtatSection.EN_COURS
    assert queries.etats_i2([rapport]) == {rapport.pk: EtatSection.EN_COURS}


# --- The interchange's two functions ----------------------------------------------------------------------------


def write(rapport, etats):
    return save_section(rapport, "I.2", SANS_VERSION, lambda locked: services.save_etats_locaux_by_code(locked, etats))


def test_interchange_round_trip_by_site_code(org):
    rapport = RapportAnnuel(caisse=org.region, exercice=org.exercice)  # unsaved: the write guard creates it
    assert queries.etats_locaux_by_code(rapport) == {}
    write(rapport, {"UL-T11": "Locaux neufs.", "PAS-T12": "Bureau partagé."})
    assert queries.etats_locaux_by_code(rapport) == {"UL-T11": "Locaux neufs.", "PAS-T12": "Bureau partagé."}
    write(rapport, {"UL-T11": ""})  # a site absent from the mapping keeps its text
    assert queries.etats_locaux_by_code(rapport) == {"PAS-T12": "Bureau partagé."}
    other_year = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
    assert queries.etats_locaux_by_code(other_year) == {}


@pytest.mark.parametrize("code", ["UL-T21", "INCONNU"])
def test_a_site_outside_the_region_rolls_the_write_back(org, code):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    with pytest.raises(ValueError, match=code):
        write(rapport, {"UL-T11": "Locaux neufs.", code: "Ailleurs."})
    assert not EtatLocaux.objects.exists()


def test_a_text_over_its_length_rolls_the_write_back(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    limit = EtatLocaux._meta.get_field("texte").max_length
    with pytest.raises(ValueError, match="UL-T11"):
        write(rapport, {"UL-T11": "x" * (limit + 1)})
    assert not EtatLocaux.objects.exists()


def test_the_report_data_reads_the_rows_with_the_sites_in_one_query(org, django_assert_num_queries):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    write(rapport, {"PAS-T12": "Bureau partagé."})
    rapport = RapportAnnuel.objects.select_related("caisse", "exercice").get(pk=rapport.pk)
    data = queries.partie_1_data(rapport)
    assert data.etats_locaux == {org.sites[1].pk: "Bureau partagé."}
    assert [(site.code, texte) for site, texte in data.locaux] == [("PAS-T12", "Bureau partagé.")]
    assert [(site.code, texte) for site, texte in data.sites_et_locaux] == [
        ("UL-T11", ""),
        ("PAS-T12", "Bureau partagé."),
    ]


# --- The data migration from Site.etat_locaux -----------------------------------------------------------------

BEFORE = [("effectifs", "0004_etat_locaux")]
AFTER = [("effectifs", "0005_etats_locaux_des_sites")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_copies_each_sites_text_into_editable_reports_and_the_latest():
    old = migrate(BEFORE)
    try:
        Caisse, Site = old.get_model("caisses", "Caisse"), old.get_model("caisses", "Site")
        Exercice, Rapport = old.get_model("caisses", "Exercice"), old.get_model("caisses", "RapportAnnuel")
        nationale = Caisse.objects.create(code="CNAM-M", nom="N", type="nationale")
        exercices = {
            annee: Exercice.objects.create(annee=annee, date_limite=f"{annee + 1}-04-30", jours_theoriques_travail=208)
            for annee in (2021, 2022, 2023, 2024)
        }
        regions = {}
        for code in ("A", "B", "C"):
            regions[code] = Caisse.objects.create(code=f"R-{code}", nom=code, type="regionale", parent=nationale)
            cpam = Caisse.objects.create(code=f"CPAM-{code}", nom=code, type="primaire", parent=regions[code])
            Site.objects.create(
                code=f"UL-{code}", nom="UL", type="unite_locale", caisse=cpam, etat_locaux=f"Texte {code}"
            )
            Site.objects.create(code=f"VIDE-{code}", nom="V", type="pas", caisse=cpam, etat_locaux="")
        Site.objects.create(code="SIEGE-A", nom="Siège", type="etablissement", caisse=regions["A"], etat_locaux="Siège")
        states = {
            "A": {2021: "valide", 2022: "renvoye", 2023: "transmis", 2024: "valide"},  # latest sent, one returned
            "B": {2023: "brouillon", 2024: "brouillon"},
        }  # C: no report at all
        for code, by_year in states.items():
            for annee, etat in by_year.items():
                Rapport.objects.create(caisse=regions[code], exercice=exercices[annee], etat=etat)

        new = migrate(AFTER)
        rows = set(
            new.get_model("effectifs", "EtatLocaux").objects.values_list(
                "rapport__caisse__code", "rapport__exercice__annee", "site__code", "texte"
            )
        )
        assert rows == {
            ("R-A", 2022, "UL-A", "Texte A"),
            ("R-A", 2022, "SIEGE-A", "Siège"),
            ("R-A", 2024, "UL-A", "Texte A"),
            ("R-A", 2024, "SIEGE-A", "Siège"),
            ("R-B", 2023, "UL-B", "Texte B"),
            ("R-B", 2024, "UL-B", "Texte B"),
        }

        new.get_model("effectifs", "EtatLocaux").objects.filter(
            rapport__exercice__annee=2024, site__code="UL-A"
        ).update(texte="Rénové en 2024")
        back = migrate(BEFORE)
        texts = dict(back.get_model("caisses", "Site").objects.values_list("code", "etat_locaux"))
        assert texts["UL-A"] == "Rénové en 2024" and texts["UL-B"] == "Texte B" and texts["SIEGE-A"] == "Siège"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
