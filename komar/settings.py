"""Komar settings: everything configurable comes from environment variables.

See docs/configuration.md for every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from komar.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

PRODUCTION = env_bool("KOMAR_PRODUCTION", False)
DEBUG = env_bool("KOMAR_DEBUG", not PRODUCTION)

SECRET_KEY = env_secret("KOMAR_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "KOMAR_SECRET_KEY (or KOMAR_SECRET_KEY_FILE) must be set when KOMAR_PRODUCTION is on"
        )
    # Development only: a fixed key is fine because production refuses to start without one.
    SECRET_KEY = "komar-development-key-not-for-production-use-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "KOMAR_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("KOMAR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "komar.accounts",
    "komar.facilities",
    "komar.cases",
    "komar.audit",
    "komar.counselling",
    "komar.assessments",
    "komar.casework",
    "komar.legal",
    "komar.health",
    "komar.transitions",
    "komar.monitoring",
    "komar.research",
    "komar.tasks",
    "komar.casefile",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "komar.lib.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "komar.lib.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "komar.lib.middleware.SessionLifetimeMiddleware",
    "komar.lib.middleware.PrivatePagesMiddleware",
    "komar.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "komar.urls"
WSGI_APPLICATION = "komar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's form renderer, with select boxes written in Python (komar/lib/forms_renderer.py).
FORM_RENDERER = "komar.lib.forms_renderer.Renderer"

# Database: SQLite (WAL) by default, PostgreSQL through KOMAR_DATABASE_URL.
DATA_DIR = Path(env_str("KOMAR_DATA_DIR", str(PROJECT_DIR / "var")))
_database_url = env_secret("KOMAR_DATABASE_URL")  # or KOMAR_DATABASE_URL_FILE: it holds a password
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    # Django reads the choices of a form's select (the case list's facilities, say) through
    # .iterator(), a server-side cursor on PostgreSQL: three round trips for a few rows. Komar
    # iterates no large result.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _sqlite_cache_mib = env_int("KOMAR_SQLITE_CACHE_MIB", 64)
    _sqlite_mmap_mib = env_int("KOMAR_SQLITE_MMAP_MIB", 1024)
    if _sqlite_cache_mib < 1 or _sqlite_mmap_mib < 0:
        raise ImproperlyConfigured(
            "KOMAR_SQLITE_CACHE_MIB must be 1 or more, KOMAR_SQLITE_MMAP_MIB 0 or more"
        )
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("KOMAR_SQLITE_PATH", str(DATA_DIR / "komar.sqlite3")),
            # Kept open between requests, as for PostgreSQL: a new connection runs the PRAGMAs
            # below and starts with an empty page cache (3-6 ms of CPU per request at 100,000
            # women, see docs/performance.md).
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # A page cache of its own for each connection (SQLite's default is 2 MiB), and
                # the file read through a memory map shared by every worker, so that a page
                # read again is not copied in from the file each time (docs/performance.md).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    f" PRAGMA cache_size=-{1024 * _sqlite_cache_mib};"
                    f" PRAGMA mmap_size={1024 * 1024 * _sqlite_mmap_mib};"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("KOMAR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("KOMAR_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
# Locked out: a username from the address that failed, so that nobody can lock a colleague out
# from elsewhere. Many usernames tried from one address are refused by the sign-in form
# (accounts.forms.SignInForm) past a higher limit: an NGO office shares one address, and
# locking the address at 5 would lock out every colleague (hence axes.W006 is silenced below).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
KOMAR_LOGIN_ADDRESS_LIMIT = env_int("KOMAR_LOGIN_ADDRESS_LIMIT", 30)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The same client address as the audit trail's, behind the same proxies.
AXES_CLIENT_IP_CALLABLE = "komar.lib.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions expire after a period without activity. A read does not rewrite the session: its
# expiry is pushed back at most once a minute (komar.lib.middleware.SessionActivityMiddleware),
# so that GETs do not serialise on SQLite's single writer.
SESSION_COOKIE_AGE = env_int("KOMAR_SESSION_IDLE_MINUTES", 30) * 60
# However active, a session ends this long after sign-in (lib/middleware.SessionLifetimeMiddleware).
KOMAR_SESSION_MAX_HOURS = env_int("KOMAR_SESSION_MAX_HOURS", 12)
SESSION_SAVE_EVERY_REQUEST = False
KOMAR_SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Languages: Khmer and English, Khmer formats overridden in komar/formats.
LANGUAGE_CODE = env_str("KOMAR_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("km", _("Khmer"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["komar.formats"]
USE_I18N = True
TIME_ZONE = env_str("KOMAR_TIME_ZONE", "Asia/Phnom_Penh")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "komar_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production (the demo, development) WhiteNoise serves the files from the apps as they
# are, so that the demo runs with DEBUG off (Komar's own 404 and 500 pages) and no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Domain settings.
KOMAR_CHILD_STAY_LIMIT_MONTHS = env_int("KOMAR_CHILD_STAY_LIMIT_MONTHS", 36)
KOMAR_STAY_LIMIT_WARNING_DAYS = env_int("KOMAR_STAY_LIMIT_WARNING_DAYS", 90)
# The legal workflow's thresholds (komar/legal/rules_case.py, rules_screening.py).
KOMAR_SCREENING_DAYS = env_int("KOMAR_SCREENING_DAYS", 7)
KOMAR_LEGAL_LAWYER_DAYS = env_int("KOMAR_LEGAL_LAWYER_DAYS", 14)
KOMAR_LEGAL_MAXIMUM_WARNING_DAYS = env_int("KOMAR_LEGAL_MAXIMUM_WARNING_DAYS", 30)
KOMAR_LEGAL_APPLICATION_DAYS = env_int("KOMAR_LEGAL_APPLICATION_DAYS", 14)
KOMAR_CASES_PER_PAGE = 25
# Behind a reverse proxy (nginx), audit the address the proxy reports, not the proxy's own.
KOMAR_BEHIND_PROXY = env_bool("KOMAR_BEHIND_PROXY", False)
# How many proxies in front of Komar append to X-Forwarded-For (lib/http.client_ip).
KOMAR_PROXY_COUNT = env_int("KOMAR_PROXY_COUNT", 1)
# Documents attached to files (scans, photos): outside the static files, by random names, sent
# only by the download view, through the access checks.
KOMAR_DOCUMENTS_DIR = Path(env_str("KOMAR_DOCUMENTS_DIR", str(DATA_DIR / "documents")))
KOMAR_DOCUMENT_MAX_MB = env_int("KOMAR_DOCUMENT_MAX_MB", 10)

# Security headers. The Content-Security-Policy is set by komar.lib.middleware.
CSP_HEADER = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KOMAR_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("KOMAR_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KOMAR_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if PRODUCTION and not SECURE_HSTS_PRELOAD:
    # Preload is an irreversible commitment for the whole domain; the operator opts in.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Logs never contain personal data: only codes, never names (see docs/data-protection.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KOMAR_LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of every PDF at INFO; fontTools subsets fonts at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- health settings (komar/health) ---
# Days after the latest measurement of a child inside by which she is measured again.
KOMAR_HEALTH_MEASURE_DAYS = env_int("KOMAR_HEALTH_MEASURE_DAYS", 92)
# Days after a child enters the facility by which her admission health check is recorded.
KOMAR_HEALTH_CHECK_DAYS = env_int("KOMAR_HEALTH_CHECK_DAYS", 14)
# --- end of health settings ---

# --- transitions settings (komar/transitions) ---
# A transition plan starts this many days before a child inside reaches the stay limit...
KOMAR_TRANSITION_PLAN_DAYS = env_int("KOMAR_TRANSITION_PLAN_DAYS", 180)
# ... and at once when her mother's release is expected within this many days.
KOMAR_TRANSITION_RELEASE_DAYS = env_int("KOMAR_TRANSITION_RELEASE_DAYS", 90)
# Within this many days of the limit, a child needs an approved plan with an assessed carer.
KOMAR_TRANSITION_URGENT_DAYS = env_int("KOMAR_TRANSITION_URGENT_DAYS", 60)
# A follow-up visit is overdue this many days after its due date.
KOMAR_FOLLOWUP_GRACE_DAYS = env_int("KOMAR_FOLLOWUP_GRACE_DAYS", 7)
# A plan's review date is at most this many months ahead (UN Alternative Care Guidelines 67).
KOMAR_TRANSITION_REVIEW_MONTHS = env_int("KOMAR_TRANSITION_REVIEW_MONTHS", 3)
# --- end of transitions settings ---

# --- monitoring settings (komar/monitoring) ---
# The most hours a child may be recorded at the child-friendly space in one day.
KOMAR_CFS_MAX_HOURS = env_int("KOMAR_CFS_MAX_HOURS", 10)
# Last month's snapshot is listed as missing on "My work" from this day of the month on.
KOMAR_SNAPSHOT_DUE_DAY = env_int("KOMAR_SNAPSHOT_DUE_DAY", 1)
# --- end of monitoring settings ---

# A month (or a month's last day) that ended this many days ago is counted once and stored for
# the pages that show many months (komar/facilities/figures.py); `refresh_figures` counts the
# stored ones again every night.
KOMAR_FIGURES_SETTLED_DAYS = env_int("KOMAR_FIGURES_SETTLED_DAYS", 7)
# The figures of a period not settled yet (today's children's health on the monitor's pages) are
# stored too, and counted again when a page asks for them this many minutes after they were
# counted; the page says when they were counted. 0: counted on every request.
KOMAR_FIGURES_RECENT_MINUTES = env_int("KOMAR_FIGURES_RECENT_MINUTES", 10)

# --- research settings (komar/research) ---
# Where finished research exports are kept (one file per export, named by its random code).
KOMAR_RESEARCH_EXPORT_DIR = Path(
    env_str("KOMAR_RESEARCH_EXPORT_DIR", str(DATA_DIR / "research-exports"))
)
# An export of more women than this runs in the background (`manage.py run_exports`); a
# smaller CSV streams at once.
KOMAR_RESEARCH_STREAM_WOMEN = env_int("KOMAR_RESEARCH_STREAM_WOMEN", 2000)
# The smallest number of women every combination of quasi-identifiers (and every published
# aggregate cell) must hold.
KOMAR_RESEARCH_K = env_int("KOMAR_RESEARCH_K", 5)
# The factor study's page shows its stored numbers for this long after a record changed (they
# are computed again by `run_exports` within a minute); a consent given or withdrawn always
# has them computed again first.
KOMAR_RESEARCH_STUDY_STALE_MINUTES = env_int("KOMAR_RESEARCH_STUDY_STALE_MINUTES", 30)
# --- end of research settings ---
