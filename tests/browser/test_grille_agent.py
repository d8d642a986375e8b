"""II.1 in the browser, as the agent of a CPAM: leaving with typed figures asks first; a save with one bad cell
writes nothing and says so; a finding's link opens its group, focuses and highlights the cell."""

import os

import pytest
from django.urls import reverse

from activites.models import Indicateur, Valeur
from caisses.models import RapportAnnuel
from tests.browser.conftest import assert_accessible, login
from tests.factories import build_org

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-test"
QUITTER = "Des valeurs saisies ne sont pas enregistrées. Quitter la page quand même ?"
SHOTS = os.environ.get("GRID_SHOTS")  # a directory: the test also saves its screenshots there


@pytest.fixture
def setup(db):
    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    # The agent's CPAM already has a broken rule in another group: 11 objectives reached out of 10 ended; the
    # region's own row too (6 out of 5), which only the responsable may fix.
    for caisse, ended, reached in [(org.cpams[0], 10, 11), (None, 5, 6)]:
        for code, value in [("accompagnements_termines", ended), ("objectifs_atteints", reached)]:
            Valeur.objects.create(
                rapport=rapport, indicateur=Indicateur.objects.get(code=code), caisse=caisse, valeur=value
            )
    return org, rapport


class Dialogs:
    """Records the page's dialogs and answers them (accept or dismiss)."""

    def __init__(self, page):
        self.seen, self.accept = [], False
        page.on("dialog", self.answer)

    def answer(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        dialog.accept() if self.accept else dialog.dismiss()


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def targeted(page):
    """(id of the focused element, whether its cell is highlighted)."""
    return page.evaluate(
        "[document.activeElement.id, !!document.activeElement.closest('td.cellule-ciblee'),"
        " document.querySelectorAll('td.cellule-ciblee').length]"
    )


def test_agent_is_warned_saves_all_or_nothing_and_follows_a_finding(setup, page):
    org, rapport = setup
    cpam = org.cpams[0].code
    grid = page.base_url + reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2025})
    page.set_viewport_size({"width": 1366, "height": 900})
    dialogs = Dialogs(page)
    login(page, "t-agent", PASSWORD)
    page.goto(grid + "?groupe=domaines")
    assert "L'enregistrement est global : si une case est refusée, rien n'est enregistré" in page.inner_text("main")

    # Typed, then a link: the question, in French; dismissed, the page and its figures stay.
    page.locator(f"#cellule-{cpam}-domaine_acces_soins").fill("12")
    page.get_by_role("link", name="Plan du rapport").click()
    assert dialogs.seen == [("confirm", QUITTER)]
    assert page.url == grid + "?groupe=domaines"  # dismissed: still here, with what was typed
    assert page.locator(f"#cellule-{cpam}-domaine_acces_soins").input_value() == "12"

    page.locator(f"#cellule-{cpam}-domaine_retour_emploi").fill("7,5,2")
    shot(page, "grille-saisie-1366.png")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert "Rien n'a été enregistré : 1 case à corriger" in page.inner_text("main")
    assert not Valeur.objects.filter(rapport=rapport, indicateur__code__startswith="domaine_").exists()
    assert page.locator(f"#cellule-{cpam}-domaine_acces_soins").input_value() == "12"  # kept
    assert page.locator(f"#cellule-{cpam}-domaine_retour_emploi").input_value() == "7,5,2"
    assert_accessible(page)
    shot(page, "grille-refus-1366.png")

    # The refused cell's finding points into this page: no question, the cell takes the focus and the mark.
    page.get_by_role("link", name="CPAM Test Onze — Insertion professionnelle : retour à l'emploi").click()
    assert len(dialogs.seen) == 1
    assert targeted(page) == [f"cellule-{cpam}-domaine_retour_emploi", True, 1]

    # The rule broken in another group: the page shows unsaved figures, so leaving asks; accepted, the grid
    # opens on that group with the cell focused and highlighted.
    dialogs.accept = True
    page.get_by_role("link", name="CPAM Test Onze — dont objectifs totalement atteints").click()
    page.wait_for_url("**groupe=accompagnements_termines#cellule-*")
    page.wait_for_load_state()
    assert dialogs.seen[1:] == [("confirm", QUITTER)]
    assert targeted(page) == [f"cellule-{cpam}-objectifs_atteints", True, 1]
    assert page.locator("a.nav-link.active").inner_text() == "Accompagnements terminés"
    # The region's finding is information for the agent, saying who fixes it; never the agent's red error.
    region = page.locator("#cellule-region-objectifs_atteints-erreur .signalement-information")
    assert "(à corriger par le responsable régional)" in region.inner_text()
    assert page.locator("#cellule-region-objectifs_atteints-erreur .signalement-erreur").count() == 0
    assert_accessible(page)
    shot(page, "grille-constat-1366.png")

    # A phone: the page never scrolls sideways; the grid scrolls inside its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(grid + "?groupe=domaines")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    box = page.evaluate("(b => [b.scrollWidth, b.clientWidth])(document.querySelector('.grille-conteneur'))")
    assert box[0] > box[1]  # the table is wider than the phone and scrolls in its box
    shot(page, "grille-390.png")

    # Typed and leaving by the browser (closing the tab): the browser's own confirmation.
    page.locator(f"#cellule-{cpam}-domaine_acces_soins").fill("13")
    dialogs.accept = False
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"


@pytest.mark.parametrize(
    "section",
    ["saisie_i1", "saisie_i2", "saisie_i3", "saisie_i4", "saisie_ii2", "saisie_ii3", "saisie_ii4", "saisie_iii"],
)
def test_every_entry_page_asks_before_leaving_typed_input(setup, page, section):
    org, _rapport = setup
    dialogs = Dialogs(page)
    login(page, "t-responsable", PASSWORD)
    address = page.base_url + reverse(section, kwargs={"code": org.region.code, "annee": 2025})
    page.goto(address)
    page.get_by_role("link", name="Plan du rapport").click()  # nothing typed: no question
    page.wait_for_url("**/saisie/")
    assert dialogs.seen == []
    page.goto(address)
    form = page.locator("main form[method=post]")
    if not form.locator("[data-formset-body] input:visible").count() and form.locator("[data-formset-add]").count():
        form.locator("[data-formset-add]").first.click()  # an empty table: a row to type in
    form.locator("input[type=text]:visible, input[type=number]:visible, textarea:visible").first.fill("3")
    page.get_by_role("link", name="Plan du rapport").click()
    assert dialogs.seen == [("confirm", QUITTER)]
    assert page.url == address


def test_a_preview_brings_the_text_back_unsaved_and_still_guarded(setup, page):
    org, _rapport = setup
    dialogs = Dialogs(page)
    login(page, "t-responsable", PASSWORD)
    address = page.base_url + reverse("saisie_iii", kwargs={"code": org.region.code, "annee": 2025})
    page.goto(address)
    page.locator("main form[method=post] textarea:visible").first.fill("Des perspectives pour 2026.")
    page.get_by_role("button", name="Aperçu").click()
    page.wait_for_load_state()
    assert dialogs.seen == []  # sending the form is not leaving it
    page.get_by_role("link", name="Plan du rapport").click()
    assert dialogs.seen == [("confirm", QUITTER)]
    page.get_by_role("button", name="Se déconnecter").click()  # another form: asked too, and declined
    assert dialogs.seen == [("confirm", QUITTER)] * 2
    assert page.url == address
    dialogs.accept = True
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Plan du rapport").click()  # saved: leaves without a question
    page.wait_for_url("**/saisie/")
    assert len(dialogs.seen) == 2
