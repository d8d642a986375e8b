"""The test suite's settings: the application's own, plus the OpenID provider the sign-in tests talk to."""

from reporting_site.settings import *  # noqa: F403
from reporting_site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]
