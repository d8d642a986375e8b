"""Once transmitted (or validated), no path changes a report's data: entry pages, upload, command, admin, services.

Each entry page's own form is read from the page and submitted once while the report is a draft (proving the
path writes), then again after transmission: refused, and neither the data version nor any history moves.
"""

import io
import json
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from activites.models import Indicateur, Valeur
from caisses import checks as validation
from caisses.guard import SANS_VERSION, RapportNonModifiable, save_section, write_report
from caisses.models import RapportAnnuel
from caisses.plan import SECTION_HISTORY, SECTIONS
from rapports import lifecycle
from rapports.interchange import export_document
from rapports.lifecycle import Action
from rapports.models import PartieTrois

Etat = RapportAnnuel.Etat


class EntryForm(HTMLParser):
    """The fields of the page's own POST form (action "" or the page), as a browser would submit them."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.data = MultiValueDict()
        self.inside = self.found = False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            own = a.get("method", "").lower() == "post" and a.get("action", "") in ("", self.url)
            self.inside = own and not self.found
            self.found = self.found or self.inside
        elif not self.inside:
            return
        elif tag == "option" and self.select is not None:
            if self.select[2] is None:
                self.select[2] = a.get("value", "")
            if "selected" in a:
                self.select[1] = a.get("value", "")
        elif not a.get("name") or "disabled" in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self.data.appendlist(a["name"], a.get("value", ""))
        elif tag == "select":
            self.select = [a["name"], None, None]
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            name, selected, first = self.select
            self.data.appendlist(name, selected if selected is not None else (first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.appendlist(*self.textarea)
            self.textarea = None


def entry_form(client, url):
    parser = EntryForm(url)
    parser.feed(client.get(url).content.decode())
    return parser.data if parser.found else None


def history_count(rapport):
    total = 0
    for entries in SECTION_HISTORY.values():
        for entry in entries:
            model, lookup = entry if isinstance(entry, tuple) else (entry, "rapport_id")
            total += model.history.model.objects.filter(**{lookup: rapport.pk}).count()
    return total


@pytest.fixture(autouse=True)
def quick_transmission(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", lambda rapport: b"%PDF-1.7 test")
    monkeypatch.setattr(validation, "CHECKS", [])


def lock(org, rapport, etat):
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    if etat == Etat.VALIDE:
        lifecycle.perform(org.user("relecteur"), rapport, Action.VALIDER)
    rapport.refresh_from_db()
    return rapport


def entry_url(org, section):
    return reverse(section.saisie_url, kwargs={"code": org.region.code, "annee": org.exercice.annee})


@pytest.mark.parametrize("etat", [Etat.TRANSMIS, Etat.VALIDE])
@pytest.mark.parametrize("role", ["responsable", "administrateur", "agent"])
def test_every_entry_page_refuses_after_transmission(org, client_for, role, etat):
    client = client_for(org.user(role))
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    forms = {}
    for code, section in SECTIONS.items():
        url = entry_url(org, section)
        data = entry_form(client, url)
        if data is None:
            continue  # this role has nothing to enter in this section (e.g. an agent in Part III)
        before = RapportAnnuel.objects.get(pk=rapport.pk).version_donnees
        response = client.post(url, data)
        if role == "agent" and response.status_code == 403:
            continue  # a section of the region as a whole: never an agent's write path
        assert response.status_code == 302, f"{code} : la saisie du brouillon doit réussir"
        assert RapportAnnuel.objects.get(pk=rapport.pk).version_donnees == before + 1, code
        forms[code] = (url, data)
    assert forms, "aucune page de saisie pour ce rôle"
    if role == "agent":
        assert {"I.1", "II.1"} <= set(forms)  # its unit's rows (and whatever else the pages open to agents)
    else:
        assert set(forms) == set(SECTIONS)

    lock(org, rapport, etat)
    version, history = rapport.version_donnees, history_count(rapport)
    for code, (url, data) in forms.items():
        response = client.post(url, data)
        assert response.status_code == 403, code
    rapport.refresh_from_db()
    assert rapport.version_donnees == version
    assert history_count(rapport) == history
    assert rapport.etat == etat


@pytest.mark.parametrize("etat", [Etat.TRANSMIS, Etat.VALIDE])
def test_upload_command_services_and_admin_refuse_after_transmission(org, client_for, tmp_path, etat):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    save_section(
        rapport, "III", SANS_VERSION, lambda r: PartieTrois.objects.create(rapport=r, observations="Brouillon")
    )
    indicateur = Indicateur.objects.filter(numerateur__isnull=True).first()
    valeur = Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=5)
    document = export_document(rapport)
    document["partie_3"]["observations"] = "Texte importé après la transmission"
    lock(org, rapport, etat)
    version, history = rapport.version_donnees, history_count(rapport)

    # Upload through the UI.
    upload = SimpleUploadedFile("r.json", json.dumps(document).encode(), content_type="application/json")
    url = reverse("rapport_import", kwargs={"code": org.region.code, "annee": 2025})
    assert client_for(org.user("responsable")).post(url, {"document": upload}).status_code == 403

    # The import command.
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importer_rapport", str(path), stdout=io.StringIO(), stderr=err)
    assert "rien n'a été importé" in err.getvalue()

    # The services themselves.
    with pytest.raises(RapportNonModifiable):
        save_section(rapport, "III", SANS_VERSION, lambda r: PartieTrois.objects.update(observations="x"))
    with pytest.raises(RapportNonModifiable):
        write_report(rapport, ["III"], lambda r: PartieTrois.objects.update(observations="x"))

    # The Django admin of yearly figures.
    admin = client_for(org.user("administrateur"))
    change = reverse("admin:activites_valeur_change", args=[valeur.pk])
    response = admin.post(change, {"rapport": rapport.pk, "indicateur": indicateur.pk, "valeur": "99"})
    assert response.status_code == 403
    delete = reverse("admin:activites_valeur_delete", args=[valeur.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:activites_valeur_add")
    response = admin.post(
        add, {"rapport": rapport.pk, "indicateur": indicateur.pk, "site": org.sites[0].pk, "valeur": "1"}
    )
    assert response.status_code == 403

    rapport.refresh_from_db()
    assert rapport.version_donnees == version
    assert history_count(rapport) == history
    assert PartieTrois.objects.get().observations == "Brouillon"
    assert Valeur.objects.get().valeur == 5


def test_admin_writes_go_through_the_write_path_while_draft(org, client_for):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    indicateur = Indicateur.objects.filter(numerateur__isnull=True).first()
    valeur = Valeur.objects.create(rapport=rapport, indicateur=indicateur, caisse=org.cpams[0], valeur=5)
    change = reverse("admin:activites_valeur_change", args=[valeur.pk])
    data = {"rapport": rapport.pk, "indicateur": indicateur.pk, "caisse": org.cpams[0].pk, "valeur": "7"}
    response = client_for(org.user("administrateur")).post(change, data)
    assert response.status_code == 302
    valeur.refresh_from_db()
    rapport.refresh_from_db()
    assert valeur.valeur == 7
    assert rapport.version_donnees == 1  # the section's version moved: entry pages see the change
