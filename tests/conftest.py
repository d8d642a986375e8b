import os
import tempfile

import pytest

from tests.factories import OrgData, build_org

# Playwright's sync API runs an event loop in the test thread; live_server needs DB access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Several suites may run at once on one server (developers, CI): one test database per run.
        database.setdefault("TEST", {})["NAME"] = f"test_rapports_{os.getpid()}"
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not Django's shared in-memory database: with WAL and IMMEDIATE transactions, concurrent
        # writers then wait for each other as in production, so the concurrency tests run on SQLite too.
        database.setdefault("TEST", {})["NAME"] = os.path.join(
            tempfile.gettempdir(), f"test_rapports_{os.getpid()}.sqlite3"
        )
    # Files the tests write (PDF cache, archives) never land in the project's media directory.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="test-media-")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back tests reuse primary keys, so a report's kept section
    states (keyed by its id and data version) or a kept chart must not outlive the test that made them."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org(db) -> OrgData:
    """Two regions with their CPAMs and sites, two exercices, and one user per role (and outsiders)."""
    return build_org()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make
