"""One save path for II.1–II.4: the page's version is required (400 when missing or unreadable), a stale page
is a conflict (409), the input is kept either way and nothing is written; a closed exercice is read-only; the
views take the user's rights from the entry contract only.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from activites.models import Circonscription, EnqueteSatisfaction, Etudiant, PartieDeux, Valeur
from caisses.guard import ConflitDeVersion, VersionInvalide, section_version


def url(org, name):
    return reverse(name, args=[org.region.code, org.exercice.annee])


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


# One save per page: (page, section, data typed, a text of it the re-shown page must still hold, what was written)
def grid(org, typed):
    return {f"v-{org.cpams[0].code}-publics_precarite": typed, "evolution_nature_activites": f"Évolution {typed}"}


def ii2(org, typed):
    return {
        **management("etudiants", 1),
        "etudiants-0-ecole": f"École {typed}",
        "etudiants-0-nombre": "3",
        "etudiants-0-duree_semaines": "10",
        "etudiants_commentaire": "",
    }


def ii3(org, typed):
    return {**management("circonscriptions", 1), "circonscriptions-0-nom": f"Nord {typed}"}


def ii4(org, typed):
    return {"autres_activites": f"Autres {typed}", **management("items", 0)}


PAGES = {
    "saisie_ii1": ("II.1", grid, lambda: list(Valeur.objects.values_list("valeur", flat=True))),
    "saisie_ii2": ("II.2", ii2, lambda: list(Etudiant.objects.values_list("ecole", flat=True))),
    "saisie_ii3": ("II.3", ii3, lambda: list(Circonscription.objects.values_list("nom", flat=True))),
    "saisie_ii4": ("II.4", ii4, lambda: list(PartieDeux.objects.values_list("autres_activites", flat=True))),
}


def page_version(html):
    return re.search(r'name="version" value="(\d+)"', html).group(1)


class _Form(HTMLParser):
    """What a browser would post from the page's entry form."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self.data[self._textarea].startswith("\n"):
                self.data[self._textarea] = self.data[self._textarea][1:]
            self._textarea = None


def form_data(html):
    parser = _Form()
    at = html.index('name="version"')
    parser.feed(html[html.rindex("<form", 0, at) : html.index("</form>", at)])
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.0", "99999999999999999999", "٣"])
def test_save_without_a_readable_version_is_refused_in_french_and_keeps_the_input(
    org, client_for, rapport, name, version
):
    section, build, written = PAGES[name]
    data = build(org, "71")
    if version is not None:
        data["version"] = version
    response = client_for(org.user("responsable")).post(url(org, name), data)
    assert response.status_code == VersionInvalide.status == 400
    html = response.content.decode()
    assert "ne dit pas de quelle version de la section elle part" in html
    assert "71" in html.split("<form", 1)[1]
    assert f'name="version" value="{section_version(rapport, section)}"' in html  # the next save can go through
    assert written() == [] and section_version(rapport, section) == 0


@pytest.mark.parametrize("name", sorted(PAGES))
def test_stale_page_is_a_conflict_input_kept_and_the_first_save_kept(org, client_for, rapport, name):
    section, build, written = PAGES[name]
    first, second = client_for(org.user("responsable")), client_for(org.user("administrateur"))
    version_1 = page_version(first.get(url(org, name)).content.decode())
    version_2 = page_version(second.get(url(org, name)).content.decode())
    assert first.post(url(org, name), {**build(org, "11"), "version": version_1}).status_code == 302
    kept = written()
    response = second.post(url(org, name), {**build(org, "22"), "version": version_2})
    assert response.status_code == ConflitDeVersion.status == 409
    html = response.content.decode()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in html
    assert "22" in html.split("<form", 1)[1]
    assert written() == kept and section_version(rapport, section) == 1
    # Saving the re-shown page again goes through and keeps both saves.
    assert second.post(url(org, name), form_data(html)).status_code == 302
    if name in ("saisie_ii2", "saisie_ii3"):
        assert len(written()) == 2 and any("11" in row for row in written()) and any("22" in row for row in written())


@pytest.mark.parametrize("name", sorted(PAGES))
def test_closed_exercice_is_read_only(org, client_for, rapport, name):
    org.exercice.ouvert = False
    org.exercice.save()
    section, build, written = PAGES[name]
    client = client_for(org.user("responsable"))
    assert client.post(url(org, name), {**build(org, "5"), "version": 0}).status_code == 403
    html = client.get(url(org, name)).content.decode()
    assert "est clos" in html and ">Enregistrer</button>" not in html
    assert written() == [] and not EnqueteSatisfaction.objects.exists()


def test_views_take_rights_from_the_contract_only():
    """Nothing in activites recombines a user's rights from roles, memberships or the contract's id sets."""
    source = "\n".join(p.read_text() for p in (Path(__file__).parents[2] / "activites").glob("*.py"))
    for word in ("can_edit", "editable_units", "is_editable", "editable_caisse_ids", "editable_site_ids"):
        assert word not in source, word
    for word in ("role_of", "membership_of", "Membership", "visible_regions"):
        assert word not in source, word
