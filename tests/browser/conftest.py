"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Without /usr/bin/chromium the tests are skipped with a visible notice, except in CI (CI=true) where that fails.
"""

import io
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def restore_migration_data():
    """Put back the rows of the data migrations (staff categories, indicator catalogue); idempotent."""
    import importlib

    from django.apps import apps

    from effectifs.categories import ensure_default_categories

    ensure_default_categories()
    importlib.import_module("activites.migrations.0002_catalogue_par_defaut").load(apps, None)


@pytest.fixture(autouse=True)
def migration_data(transactional_db):
    """Each transactional test ends by flushing every table, the data migrations' rows included: restore them first."""
    restore_migration_data()


@pytest.fixture(scope="session")
def stand_in_pdf():
    """A real one-page PDF (WeasyPrint), printed once per run."""
    from rapports.pdf import html_to_pdf

    return html_to_pdf("<p>Copie figée de démonstration (tests navigateur)</p>")


@pytest.fixture
def demo(transactional_db, stand_in_pdf):
    """The demo's users and data. Its frozen copies keep their real document and HTML but a stand-in PDF.

    Printing the demo's dozen PDF/A-3b archives takes three quarters of the demo's minute, once per test; no
    browser test opens a demo archive (the ones that read an archive transmit a report themselves, after this
    fixture, with the real printer).
    """
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("rapports.freeze.print_pdf", lambda figee: stand_in_pdf):
        call_command("demo", stdout=io.StringIO())


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = f"Chromium absent ({CHROMIUM}) : tests navigateur ignorés (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + " — obligatoire en CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Heavy pages (a cold national view, a report) under CI, two suites sharing the machine, may pass 15 s to load;
    # a click that starts such work passes its own timeout (« Transmettre »).
    page.set_default_navigation_timeout(60_000)
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username, password):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def serious_violations(page):
    """axe-core violations of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def assert_accessible(page):
    violations = serious_violations(page)
    assert not violations, f"{page.url} : " + "\n".join(violations)
