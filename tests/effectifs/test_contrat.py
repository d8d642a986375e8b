"""The entry contract on the Part I pages: fixed-row tables, foreign ids, versions, closed exercice, no row on read."""

from decimal import Decimal

import pytest
from django.urls import reverse

from caisses.models import RapportAnnuel, SectionVersion
from effectifs.models import Affectation, Categorie, Convention, Effectif, EtatLocaux, Formation, Mouvement, Reunion
from tests.factories import SiteFactory

PAGES = ["saisie_i1", "saisie_i2", "saisie_i3", "saisie_i4"]
LIGNES_FIXES = "ni plus ni moins"


def url(org, name):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee})


def formset(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def effectifs_rows(reel="10"):
    return [
        {
            "categorie": str(c.pk),
            "theorique_effectif": "10",
            "theorique_etp": "9,5",
            "reel_effectif": reel,
            "reel_etp": "9,5",
            "age_moyen": "",
        }
        for c in Categorie.objects.order_by("ordre", "code")
    ]


def i1(version="0", effectifs=None, **lists):
    rows = effectifs if effectifs is not None else effectifs_rows()
    data = {"version": version, **formset("effectifs", rows, initial=len(rows))}
    for prefix in ("affectations", "mouvements", "absences", "boursiers"):
        data.update(formset(prefix, lists.get(prefix, [])))
    return data


@pytest.fixture
def responsable(org, client_for):
    return client_for(org.user("responsable"))


@pytest.fixture
def saved(org, responsable):
    """I.1 saved once: four categories of 10 people."""
    assert responsable.post(url(org, "saisie_i1"), i1()).status_code == 302
    return {e.categorie.code: e.reel_effectif for e in Effectif.objects.select_related("categorie")}


def unchanged(saved):
    return {e.categorie.code: e.reel_effectif for e in Effectif.objects.select_related("categorie")} == saved


# --- Fixed-row tables -----------------------------------------------------------------------------------------


def tampered_effectifs():
    rows = effectifs_rows(reel="11")
    other = Categorie.objects.exclude(pk=rows[0]["categorie"]).first()
    return {
        "une ligne de moins": (rows[:-1], len(rows) - 1),
        "une ligne de plus": ([*rows, {**rows[0], "categorie": str(other.pk)}], len(rows) + 1),
        "catégorie en double": ([rows[0], rows[0], *rows[2:]], len(rows)),
        "catégories échangées": ([rows[1], rows[0], *rows[2:]], len(rows)),
        "catégorie inconnue": ([{**rows[0], "categorie": "999999"}, *rows[1:]], len(rows)),
        "catégorie illisible": ([{**rows[0], "categorie": "abc"}, *rows[1:]], len(rows)),
        "catégorie absente": ([{k: v for k, v in rows[0].items() if k != "categorie"}, *rows[1:]], len(rows)),
    }


@pytest.mark.parametrize(
    "case",
    [
        "une ligne de moins",
        "une ligne de plus",
        "catégorie en double",
        "catégories échangées",
        "catégorie inconnue",
        "catégorie illisible",
        "catégorie absente",
    ],
)
def test_i1_effectifs_table_keeps_one_row_per_category(org, responsable, saved, case):
    rows, initial = tampered_effectifs()[case]
    data = {**i1(version="1", effectifs=rows), "effectifs-INITIAL_FORMS": str(initial)}
    response = responsable.post(url(org, "saisie_i1"), data)
    assert response.status_code == 200
    assert LIGNES_FIXES in response.content.decode()
    assert unchanged(saved)
    assert responsable.get(url(org, "saisie_i1")).status_code == 200


@pytest.mark.parametrize(
    "management",
    [
        {"effectifs-INITIAL_FORMS": "0"},
        {"effectifs-INITIAL_FORMS": "0", "effectifs-TOTAL_FORMS": "0"},
        {"effectifs-TOTAL_FORMS": "1000000"},
        {"effectifs-TOTAL_FORMS": "abc"},
        {"effectifs-TOTAL_FORMS": ""},
        {"effectifs-TOTAL_FORMS": "-1"},
        {"effectifs-MIN_NUM_FORMS": "0", "effectifs-MAX_NUM_FORMS": "0", "effectifs-TOTAL_FORMS": "2"},
    ],
    ids=["initial 0", "tout à 0", "total énorme", "total illisible", "total vide", "total négatif", "min/max à 0"],
)
def test_tampered_management_form_deletes_nothing(org, responsable, saved, management):
    data = {**i1(version="1", effectifs=effectifs_rows(reel="")), **management}
    response = responsable.post(url(org, "saisie_i1"), data)
    assert response.status_code == 200
    assert LIGNES_FIXES in response.content.decode()
    assert unchanged(saved)
    assert SectionVersion.objects.get(section="I.1").version == 1


def test_min_and_max_sent_by_the_page_are_not_trusted(org, responsable, saved):
    data = {**i1(version="1", effectifs=effectifs_rows(reel="12")), "effectifs-MAX_NUM_FORMS": "1"}
    assert responsable.post(url(org, "saisie_i1"), data).status_code == 302
    assert set(Effectif.objects.values_list("reel_effectif", flat=True)) == {12}


def locaux(sites, texte="Rampe d'accès", initial=None):
    rows = [{"site": str(site.pk), "etat_locaux": texte} for site in sites]
    return formset("locaux", rows, initial=len(rows) if initial is None else initial)


def test_i2_premises_table_keeps_one_row_per_own_site(org, client_for):
    agent = client_for(org.user("agent"))  # CPAM-T11: its one site UL-T11
    own, same_region, other_region = org.sites
    base = {"version": "0"}
    for rows in ([own, own], [same_region], [other_region], []):
        response = agent.post(url(org, "saisie_i2"), {**base, **locaux(rows)})
        assert response.status_code == 200, rows
        assert LIGNES_FIXES in response.content.decode()
    response = agent.post(url(org, "saisie_i2"), {**base, **locaux([own], initial=0)})
    assert LIGNES_FIXES in response.content.decode()
    bad_id = {**base, **locaux([own]), "locaux-0-site": "abc"}
    assert agent.post(url(org, "saisie_i2"), bad_id).status_code == 200
    assert not EtatLocaux.objects.exists()
    assert not RapportAnnuel.objects.exists()
    assert agent.post(url(org, "saisie_i2"), {**base, **locaux([own])}).status_code == 302
    assert list(EtatLocaux.objects.values_list("site__code", "texte")) == [("UL-T11", "Rampe d'accès")]


def test_agent_of_a_site_describes_that_site_only(org, client_for):
    from caisses.models import Membership
    from tests.factories import user_with_role

    site = SiteFactory(code="PAS-T11B", caisse=org.cpams[0], type="pas")
    agent = client_for(user_with_role("agent-site", Membership.Role.AGENT, org.cpams[0], site=site))
    html = agent.get(url(org, "saisie_i2")).content.decode()
    assert f'name="locaux-0-site" value="{site.pk}"' in html and "locaux-1-site" not in html
    assert agent.post(url(org, "saisie_i2"), {"version": "0", **locaux([org.sites[0]])}).status_code == 200
    assert agent.post(url(org, "saisie_i2"), {"version": "0", **locaux([site])}).status_code == 302
    assert list(EtatLocaux.objects.values_list("site__code", flat=True)) == ["PAS-T11B"]


# --- Foreign and unknown ids ------------------------------------------------------------------------------------


def as_pk():
    return str(Categorie.objects.get(code="as").pk)


@pytest.mark.parametrize(
    ("what", "lists"),
    [
        ("unité d'une autre région", {"affectations": [{"unite": "CPAM-T21", "categorie": "AS", "etp": "1"}]}),
        ("site d'une autre région", {"affectations": [{"unite": "UL-T21", "categorie": "AS", "etp": "1"}]}),
        ("unité inconnue", {"affectations": [{"unite": "CPAM-XX", "categorie": "AS", "etp": "1"}]}),
        ("catégorie inconnue", {"affectations": [{"unite": "CPAM-T11", "categorie": "999999", "etp": "1"}]}),
        ("catégorie illisible", {"mouvements": [{"categorie": "abc", "type": "embauche", "motif": "", "nombre": "1"}]}),
        ("catégorie inconnue (mouvement)", {"mouvements": [{"categorie": "0", "type": "embauche", "nombre": "1"}]}),
        ("motif inconnu", {"absences": [{"motif": "vacances", "jours": "1"}]}),
    ],
)
def test_i1_foreign_or_unknown_ids_are_form_errors(org, responsable, what, lists):
    for rows in lists.values():
        for row in rows:
            if row.get("categorie") == "AS":
                row["categorie"] = as_pk()
    response = responsable.post(url(org, "saisie_i1"), i1(**lists))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not RapportAnnuel.objects.exists()
    assert not Affectation.objects.exists() and not Mouvement.objects.exists()


@pytest.mark.parametrize("cpam", ["other_region", "unknown", "text", "region"])
def test_i2_convention_with_a_foreign_cpam_is_a_form_error(org, responsable, cpam):
    value = {"other_region": str(org.other_cpam.pk), "unknown": "999999", "text": "abc", "region": str(org.region.pk)}
    row = {
        "caisse_primaire": value[cpam],
        "date_signature": "2025-01-15",
        "objet": "Locaux",
        "montant_participation": "1",
    }
    data = {"version": "0", **formset("conventions", [row]), **locaux(org.sites[:2], texte="")}
    response = responsable.post(url(org, "saisie_i2"), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Convention.objects.exists()


def test_agent_cannot_assign_staff_to_a_unit_it_does_not_own(org, client_for):
    agent = client_for(org.user("agent"))
    for unite in (org.cpams[1].code, "PAS-T12", "CPAM-T21"):
        data = {"version": "0", **formset("affectations", [{"unite": unite, "categorie": as_pk(), "etp": "1"}])}
        response = agent.post(url(org, "saisie_i1"), data)
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Affectation.objects.exists()


# --- The version the page was built from ---------------------------------------------------------------------


def typed(name):
    """A valid POST of each page, with one recognisable typed value."""
    if name == "saisie_i1":
        data = i1(effectifs=effectifs_rows(reel="37"))
        del data["version"]
        return data, 'value="37"'
    if name == "saisie_i3":
        row = {"nature": "formation", "intitule": "Écoute active", "organisme": "", "participants": "3", "jours": "2"}
        return formset("formations", [row]), 'value="Écoute active"'
    if name == "saisie_i4":
        row = {"niveau": "local", "periodicite": "hebdomadaire", "nombre": "40", "contenu": ""}
        return {**formset("reunions", [row]), **formset("autres", [])}, 'value="hebdomadaire"'
    return {
        "installation-telephones": "17",
        **formset("conventions", []),
        **locaux([]),
    }, 'value="17"'


@pytest.mark.parametrize("version", [None, "abc", "", "-1", "1.5", "٣"])
@pytest.mark.parametrize("name", PAGES)
def test_save_without_a_readable_version_is_refused_in_french_and_keeps_the_input(org, responsable, name, version):
    data, shown = typed(name)
    if version is not None:
        data["version"] = version
    response = responsable.post(url(org, name), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "ne dit pas de quelle version" in html and "rien n&#x27;a été enregistré" in html
    assert shown in html
    assert not RapportAnnuel.objects.exists()
    assert not (Effectif.objects.exists() or Formation.objects.exists() or Reunion.objects.exists())
    assert responsable.get(url(org, name)).status_code == 200


# --- Reading and a closed exercice ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["responsable", "agent", "relecteur", "administrateur"])
def test_reading_every_page_creates_no_row(org, client_for, role):
    client = client_for(org.user(role))
    for name in ["saisie", *PAGES]:
        assert client.get(url(org, name)).status_code == 200
    assert not RapportAnnuel.objects.exists() and not SectionVersion.objects.exists()


@pytest.mark.parametrize("name", PAGES)
def test_closed_exercice_is_read_only(org, responsable, client_for, name):
    org.exercice.ouvert = False
    org.exercice.save()
    html = responsable.get(url(org, name)).content.decode()
    assert "est clos" in html and "Enregistrer la section" not in html
    data, _shown = typed(name)
    assert responsable.post(url(org, name), {**data, "version": "0"}).status_code == 403
    agent = client_for(org.user("agent"))
    assert agent.post(url(org, name), {**data, "version": "0"}).status_code == 403
    assert not RapportAnnuel.objects.exists()


@pytest.mark.parametrize("name", ["saisie_i3", "saisie_i4"])
def test_region_only_sections_say_so_to_an_agent(org, client_for, name):
    agent = client_for(org.user("agent"))
    html = agent.get(url(org, name)).content.decode()
    assert "saisie par le responsable régional" in html and "Enregistrer la section" not in html
    data, _shown = typed(name)
    assert agent.post(url(org, name), {**data, "version": "0"}).status_code == 403


def test_etp_keeps_its_two_decimals(org, responsable):
    assert responsable.post(url(org, "saisie_i1"), i1()).status_code == 302
    assert set(Effectif.objects.values_list("reel_etp", flat=True)) == {Decimal("9.50")}
