"""The simulated users of bench/charge.py (Locust): agents, responsables, relecteurs.

Every save the server acknowledges (a redirect after the POST) is written to JOURNAL with its cells, so that
bench/charge.py can read each cell back from the database afterwards. Each cell belongs to exactly one simulated
user (agents sharing a CPAM's account split its cells), so the order of one cell's acknowledgements is the order
its one user saw them in.
"""

import itertools
import random
import re
from collections import Counter
from html.parser import HTMLParser

from locust import HttpUser, between, task

PLAN = {}
JOURNAL = []  # [region, unit code, indicator code, value, "acquittee" | "en vol", sequence]
COMPTEURS = Counter()
_comptes = {"agents": itertools.count(), "responsables": itertools.count(), "relecteurs": itertools.count()}
_sequence = itertools.count()

RIEN_ENREGISTRE = re.compile(r"Rien n(&#x27;|')a été enregistré")
EXPLICATION = "Variation expliquée par la réorganisation des permanences (jeu de charge)."


class Formulaires(HTMLParser):
    """The page's forms: action, fields (name, value) and checkboxes, enough to post them back as a browser."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self._current, self._textarea = [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"action": attrs.get("action") or "", "attrs": attrs, "fields": {}, "cases": []}
            self.forms.append(self._current)
        elif self._current is None or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") == "checkbox":
            self._current["cases"].append((attrs["name"], attrs.get("value", "on")))
        elif tag == "input" and attrs.get("type") not in ("file", "submit"):
            self._current["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._current["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self._current["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._current = None

    def where(self, predicate):
        return next((form for form in self.forms if predicate(form)), None)


def configure(plan, responsables, relecteurs):
    PLAN.clear()
    PLAN.update(plan)
    ResponsableUser.fixed_count = responsables
    RelecteurUser.fixed_count = relecteurs


def cellules_attendues():
    """[region, unit, code, last acknowledged value, values still in flight after it] of each acknowledged cell."""
    by_cell = {}
    for region, unit, code, value, state, _sequence in sorted(JOURNAL, key=lambda row: row[5]):
        entry = by_cell.setdefault((region, unit, code), {"attendu": None, "vol": []})
        if state == "acquittee":
            entry["attendu"], entry["vol"] = value, []
        else:
            entry["vol"].append(value)
    return [[*cell, e["attendu"], e["vol"]] for cell, e in by_cell.items() if e["attendu"] is not None]


class Connecte(HttpUser):
    """HttpUser has no timeout of its own: each request gets (connect, read) from the plan; past it, an error."""

    abstract = True

    @property
    def timeout(self):
        return (10.0, float(PLAN["timeout"]))

    def login(self, compte):
        """Through the form (PBKDF2 and all) with --connexion; otherwise with the session opened by the preparation."""
        if compte.get("session"):
            self.client.cookies.set("sessionid", compte["session"])
            return
        login = compte["login"]
        self.client.get("/accounts/login/", name="connexion (page)", timeout=self.timeout)
        token = self.client.cookies.get("csrftoken")
        with self.client.post(
            "/accounts/login/",
            {"username": login, "password": PLAN["mot_de_passe"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="connexion",
            allow_redirects=False,
            catch_response=True,
            timeout=self.timeout,
        ) as response:
            if response.status_code != 302:
                response.failure(f"connexion de {login} refusée : HTTP {response.status_code}")

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True, timeout=self.timeout) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("renvoyé vers la page de connexion : session refusée")
            return response

    def post(self, url, data, name):
        """A form's POST as a browser sends it (Referer for CSRF), redirect not followed: it is the acknowledgement."""
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        headers = {"Referer": self.host + url}
        return self.client.post(
            url, data, name=name, headers=headers, allow_redirects=False, catch_response=True, timeout=self.timeout
        )


class AgentUser(Connecte):
    """An agent of one CPAM: opens the II.1 grid, changes a few of its own figures, saves with the page's version."""

    weight = 10
    wait_time = between(1, 4)

    def on_start(self):
        index = next(_comptes["agents"])
        comptes = PLAN["agents"]
        compte = comptes[index % len(comptes)]
        self.region, self.slot = compte["region"], index // len(comptes)
        self.slots = max(-(-PLAN["agent_users"] // len(comptes)), 1)
        self.url = f"/rapports/{self.region}/{PLAN['annee']}/saisie/II-1/"
        self.login(compte)
        self.cellules = None

    def grille(self):
        response = self.page(self.url, "II.1 grille (page)")
        form = Formulaires(response.text).where(lambda f: "data-grille" in f["attrs"])
        if form is None:
            response.failure("II.1 : pas de formulaire de saisie")
            return None
        if self.cellules is None:
            libres = set(PLAN["libres"])
            names = sorted(n for n in form["fields"] if n.startswith("v-") and n.rsplit("-", 1)[-1] in libres)
            # Agents sharing an account take every slots-th cell: no cell is ever written by two simulated users.
            self.cellules = names[self.slot :: self.slots]
        return form

    def envoi(self, form, changes, name):
        """POST the whole grid with `changes`; returns its HTTP status (the caller decides what it means)."""
        pending = []
        for field, value in changes.items():
            unit, code = _cellule(field)
            row = [self.region, unit, code, value, "en vol", next(_sequence)]
            JOURNAL.append(row)
            pending.append(row)
        with self.post(self.url, {**form["fields"], **changes}, name) as response:
            status = response.status_code
            if status == 302:
                for row in pending:
                    row[4], row[5] = "acquittee", next(_sequence)
                COMPTEURS["enregistrements II.1 acquittés"] += 1
            elif status == 409:
                response.success()  # the version check at work: the page reloads and the agent tries again
                COMPTEURS["conflits 409 (page rechargée)"] += 1
            elif status == 200 and RIEN_ENREGISTRE.search(response.text):
                COMPTEURS["enregistrements refusés par une règle"] += 1
            else:
                response.failure(f"enregistrement II.1 : HTTP {status}")
            if status == 200 or 400 <= status < 500:
                for row in pending:
                    JOURNAL.remove(row)  # refused for sure: the server wrote nothing
            # No answer (timeout) or a 5xx: the write may have been committed, its rows stay "en vol".
            return status

    @task(4)
    def saisir(self):
        form = self.grille()
        if form is None or not self.cellules:
            return
        chosen = random.sample(self.cellules, min(3, len(self.cellules)))
        changes = {field: str(random.randint(0, 99)) for field in chosen}
        status = self.envoi(form, changes, "II.1 enregistrement")
        if status == 409:
            form = self.grille()
            if form is not None and self.envoi(form, changes, "II.1 enregistrement (2e essai)") == 409:
                COMPTEURS["conflits 409 abandonnés après le 2e essai"] += 1
        if status in (302, 409):
            self.page(self.url, "II.1 grille (page)")  # the page a browser lands on after the save

    @task(1)
    def relire(self):
        self.page(f"/rapports/{self.region}/{PLAN['annee']}/", "rapport (page)")


def _cellule(field):
    """v-<unit code>-<indicator code> → (unit code, indicator code); indicator codes have no hyphen."""
    unit, code = field[2:].rsplit("-", 1)
    return unit, code


class ResponsableUser(Connecte):
    """A region's responsable: explains the variations, transmits at once (the due date), then reads its pages."""

    wait_time = between(2, 5)

    def on_start(self):
        compte = PLAN["responsables"][next(_comptes["responsables"]) % len(PLAN["responsables"])]
        self.region, self.transmis = compte["region"], False
        self.base = f"/rapports/{self.region}/{PLAN['annee']}/"
        self.login(compte)

    @task
    def travailler(self):
        if self.transmis:
            self.lire()
            return
        if self.expliquer():
            self.transmettre()

    def expliquer(self):
        url = self.base + "variations/"
        for name in ("variations enregistrement", "variations enregistrement (2e essai)"):
            form = Formulaires(self.page(url, "variations (page)").text).where(lambda f: "version" in f["fields"])
            if form is None:
                return True  # nothing left to explain: the page has no form
            fields = {
                k: (v.strip() or EXPLICATION) if k.startswith("explication-") else v for k, v in form["fields"].items()
            }
            with self.post(url, fields, name) as response:
                if response.status_code == 302:
                    COMPTEURS["explications enregistrées"] += 1
                    return True
                if response.status_code == 409:
                    response.success()
                    COMPTEURS["conflits 409 (page rechargée)"] += 1
                    continue
                response.failure(f"explications : HTTP {response.status_code}")
                return False
        return False

    def transmettre(self):
        page = self.page(self.base + "transmission/", "transmission (page)")
        url = self.base + "transmettre/"
        form = Formulaires(page.text).where(lambda f: f["action"].endswith("/transmettre/"))
        if form is None:
            page.failure("transmission : pas de bouton « Transmettre »")
            return
        data = {
            **form["fields"],
            "avertissements": [value for name, value in form["cases"] if name == "avertissements"],
        }
        with self.post(url, data, "transmission (envoi)") as response:
            if response.status_code != 302:
                response.failure(f"transmission refusée : HTTP {response.status_code}")
                return
        COMPTEURS["rapports transmis"] += 1
        self.transmis = True
        self.page(self.base + "transmission/", "transmission (page)")

    def lire(self):
        self.page(self.base + "saisie/", "saisie (sommaire)")
        page = self.page(self.base + "transmission/", "transmission (page)")
        self.page(self.base, "rapport (page)")
        # The archive appears once the PDF/A is printed (at once, or by the db_worker when it is a task).
        archive = re.search(r'href="(/rapports/[^"]+/archives/\d+/)"', page.text)
        if archive:
            self.page(archive.group(1), "PDF archivé")
        elif "PDF en préparation" in page.text:
            COMPTEURS["pages où l'archive était encore en préparation"] += 1


class RelecteurUser(Connecte):
    """A national relecteur: the national view, a report page, an archived PDF of a transmitted report."""

    wait_time = between(2, 5)

    def on_start(self):
        compte = PLAN["relecteurs"][next(_comptes["relecteurs"]) % len(PLAN["relecteurs"])]
        self.login(compte)

    @task(3)
    def national(self):
        self.page(f"/national/{PLAN['annee']}/", "vue nationale")

    @task(2)
    def rapport(self):
        self.page(f"/rapports/{random.choice(PLAN['regions'])}/{PLAN['annee']}/", "rapport (page)")

    @task(1)
    def pdf(self):
        if PLAN["archives"]:
            code, annee, numero = random.choice(PLAN["archives"])
            self.page(f"/rapports/{code}/{annee}/archives/{numero}/", "PDF archivé")


USER_CLASSES = [AgentUser, ResponsableUser, RelecteurUser]
