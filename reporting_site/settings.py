"""Settings of the activity-report platform, read from the environment.

Every variable is documented in README.md ("Production").
"""

import ipaddress
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    """A yes/no variable: 1/0, true/false, yes/no, on/off (any case). Anything else stops the start."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"La variable d'environnement {name} vaut {os.environ[name]!r} : valeurs admises 1, 0, true, false, "
        f"yes, no, on, off (README, « Production »)."
    )


def env_int(name, default, minimum=0):
    """A whole number >= minimum. Anything else stops the start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} vaut {os.environ[name]!r} : un nombre entier supérieur ou égal "
            f"à {minimum} est attendu (README, « Production »)."
        )
    return number


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if DEBUG:
        # Development only (make run sets DEBUG=1): never used with DEBUG off.
        SECRET_KEY = "dev-insecure-key-only-for-local-use-0123456789abcdefghijklmnopqrstuvwxyz"
    elif "pytest" in sys.modules:
        # The test suite (pytest-django imports these settings): a fresh random key for each run.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "La variable d'environnement SECRET_KEY n'est pas définie : elle est obligatoire quand DEBUG est "
            "désactivé. Définissez-la avec une longue chaîne aléatoire, par exemple la sortie de "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"` (README, « Production »). '
            "En développement, lancez avec DEBUG=1."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "caisses",
    "effectifs",
    "activites",
    "rapports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns lockouts raised by the backend into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reporting_site.urls"
WSGI_APPLICATION = "reporting_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caisses.context_processors.membership",
            ],
        },
    },
]

# SQLite file by default; PostgreSQL (or any) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL: concurrent writers wait instead of failing (STACK-NOTES.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the membership with the user: one query less on every page.
    "caisses.auth.MembershipModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A password-reset or invitation link (caisses.auth) is valid for one day.
PASSWORD_RESET_TIMEOUT = 24 * 3600

# Sign-in with the institution's OpenID Connect provider (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is
# set; its settings keep the library's own names. A person is matched by e-mail to an existing account only.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID", "").strip())
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "").strip()
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256").strip()
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "").strip()
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "").strip()
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "").strip()
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "").strip()
OIDC_RP_SCOPES = "openid email"
# A provider that hangs must not hold a worker; PKCE protects the code even if it leaks from a redirect.
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
if OIDC_ENABLED:
    _oidc_required = ["OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"]
    _oidc_required += ["OIDC_OP_USER_ENDPOINT"] + (["OIDC_OP_JWKS_ENDPOINT"] if OIDC_RP_SIGN_ALGO != "HS256" else [])
    _oidc_missing = [name for name in _oidc_required if not os.environ.get(name, "").strip()]
    if _oidc_missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID est défini mais pas {', '.join(_oidc_missing)} : la connexion par le fournisseur "
            "d'identité a besoin de chacune de ces variables (README, « Production »)."
        )
    AUTHENTICATION_BACKENDS.insert(1, "caisses.oidc.AssuranceMaladieOIDCBackend")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# An identity the provider vouched for but no account here carries (caisses.oidc): a French page, not "/".
LOGIN_REDIRECT_URL_FAILURE = "oidc_refus"
LOGOUT_REDIRECT_URL = "login"

# ASVS level 2: sessions end after 12 hours.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Figures go through caisses.numbers (one formatter); years and inputs must never get a separator.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# The PDF of an unchanged report is served from MEDIA_ROOT/cache/rapports-pdf/ (README); 0 turns this off.
RAPPORT_PDF_CACHE = env_bool("RAPPORT_PDF_CACHE", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG and env_bool("HTTPS", False))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console in development, SMTP in production (README).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rapports-service-social@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address the pages « Accessibilité » and « Données personnelles » give for questions and requests.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "").strip() or DEFAULT_FROM_EMAIL
# The site's address, for the links in e-mails (sent after a transition, without a request at hand).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work through Django's tasks API (django-tasks backport): TASKS_BACKEND=immediate runs each task
# at once in the request (make run, tests); database queues it in the base for `manage.py db_worker`; redis
# queues it in Redis (REDIS_URL) for `manage.py rqworker --job-class django_tasks_rq.Job default` on as
# many machines as needed (README).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").strip()
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"La variable d'environnement TASKS_BACKEND vaut {TASKS_BACKEND!r} : valeurs admises immediate, "
        "database, redis (README, « Production »)."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900}}

# Personal data (page « Données personnelles », command `purger_donnees`): login and lockout records are
# kept 12 months; history entries HISTORIQUE_CONSERVATION_ANNEES years.
CONNEXIONS_CONSERVATION_MOIS = 12
HISTORIQUE_CONSERVATION_ANNEES = env_int("HISTORIQUE_CONSERVATION_ANNEES", 10, minimum=1)

# The II.1 grid posts one field per unit and indicator: about 30 × 101 for a region of 100 units, past
# Django's 1 000. Still bounded, so a forged request cannot make the parser loop over millions of fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 20000, minimum=1000)

# HTTPS-only settings, switched on in production by HTTPS=1 (README).
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# The number of reverse proxies in front of the application, each appending to X-Forwarded-For: the client's
# address is the PROXY_COUNT-th from the right (read by client_ip_address below). 0: REMOTE_ADDR only.
PROXY_COUNT = env_int("PROXY_COUNT", 1) if BEHIND_PROXY else 0
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
elif env_int("PROXY_COUNT", 0):
    raise ImproperlyConfigured(
        "La variable d'environnement PROXY_COUNT n'a d'effet qu'avec BEHIND_PROXY=1 : définissez BEHIND_PROXY=1 "
        "derrière un proxy, ou retirez PROXY_COUNT (README, « Production »)."
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login lockout: the 6th attempt after 5 failures within the hour is refused for 1 hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
# A username is locked from one address only: failures can neither lock a user out from everywhere nor lock
# every user of a shared address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The OIDC callback is no password attempt: its refusals carry no username and would lock a whole address.
AXES_WHITELIST_CALLABLE = "caisses.oidc.hors_verrouillage"


def client_ip_address(request):
    """The client's address for the lockout, with PROXY_COUNT trusted proxies in front (0: REMOTE_ADDR).

    django-ipware is not installed, so axes' AXES_IPWARE_* settings would be ignored and every client behind
    the proxy would share the proxy's address. Each proxy appends the address it received the request from to
    X-Forwarded-For: the entries left of the last PROXY_COUNT ones come from the client and are not trusted.
    """
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "PROXY_COUNT", 0)
    if count:
        forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [item for item in forwarded if item]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass
    return remote


AXES_CLIENT_IP_CALLABLE = client_ip_address

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}
