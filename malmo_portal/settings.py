"""
Settings for the Malmö sustainability portal.

Everything that differs between machines is read from the environment (or a ``.env`` file
beside ``manage.py``) with django-environ; ``.env.example`` documents every variable.
With nothing set, the portal runs in development mode on a local SQLite file.
"""

import datetime
from pathlib import Path
from typing import Any

import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The key used when none is configured. It is public (it is in this file), so the portal
# refuses to start with it, or with the placeholder of .env.example, when DEBUG is off.
_INSECURE_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "malmo_portal.views.csrf_failure"

if not DEBUG:
    if SECRET_KEY.startswith(("django-insecure", "change-me")) or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

# Applications

INSTALLED_APPS = [
    "malmo_portal.apps.PortalConfig",
    "malmo_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "import_export",
    "django.contrib.sitemaps",
    "csp",
    "corsheaders",
    "dbbackup",
    "goals",
    "assignments",
]

MIDDLEWARE = [
    # CORS for the public API (CORS_* below): first, so that its preflight answers and its
    # headers reach every API response, the cached ones too.
    "corsheaders.middleware.CorsMiddleware",
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
    # Turns "the database cannot be reached" into a 503 page with Retry-After.
    "malmo_portal.middleware.DatabaseUnavailableMiddleware",
    # Serves a public page from the cache before its URL is resolved (assignments/caching.py):
    # after the language, the user and every header a response needs are set.
    "assignments.caching.PublicPageCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "malmo_portal.urls"

TEMPLATES: list[dict[str, Any]] = [
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
            "builtins": ["malmo_portal.templatetags.form_tags"],
            "libraries": {"site_tags": "malmo_portal.templatetags.site_tags"},
        },
    },
]
# Form markup is defined once, in templates/forms/ (see malmo_portal/forms.py).
FORM_RENDERER = "malmo_portal.forms.PortalFormRenderer"

WSGI_APPLICATION = "malmo_portal.wsgi.application"

# Database: SQLite by default, PostgreSQL with DATABASE_URL=postgres://user:pass@host:port/name

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)
# On PostgreSQL, queries are sent with their parameters apart (server-side binding), so that
# psycopg can prepare a query the connection has run PREPARE_THRESHOLD times: PostgreSQL then
# plans it once per connection instead of on every request. The public pages' queries take
# PostgreSQL longer to plan than to run (docs/performance.md, "Queries"). Turn it
# off behind a connection pooler that cannot keep prepared statements (PgBouncer in
# transaction mode before 1.21).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DJANGO_DB_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("DJANGO_DB_PREPARE_THRESHOLD", default=5),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: per process by default. Several servers share one Redis (CACHE_URL=redis://…),
# served by Django's own Redis backend; the public page cache and login throttling need it
# to be shared.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Authentication

AUTH_USER_MODEL = "assignments.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses sign-in attempts while a username and address are cooling off after failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assignments:my_assignments"
LOGOUT_REDIRECT_URL = "home"

# Throttling of failed sign-ins (django-axes): after AXES_FAILURE_LIMIT failures for one
# username from one address, further attempts are refused for the cool-off period.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The visitor's address, read behind PORTAL_PROXY_COUNT proxies (malmo_portal/client_ip.py).
PORTAL_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "malmo_portal.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "malmo_portal.throttling.signin_username"
AXES_VERBOSE = False
# Keep a log of failed sign-ins for the admin's access failure list.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Throttling of password reset requests (malmo_portal/throttling.py): within each window, at
# most so many requests for one e-mail address and from one client address (read as django-axes
# reads it); over either limit the form says to try again later and no e-mail is sent.
PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL", default=5)
PORTAL_PASSWORD_RESET_LIMIT_PER_IP = env.int("PORTAL_PASSWORD_RESET_LIMIT_PER_IP", default=20)
PORTAL_PASSWORD_RESET_WINDOW = datetime.timedelta(
    minutes=env.int("PORTAL_PASSWORD_RESET_WINDOW_MINUTES", default=60)
)

# Admin exports (django-import-export): neutralise spreadsheet formulas in exported cells,
# so a text typed as "=HYPERLINK(…)" cannot run in a reviewer's spreadsheet. The formats in
# assignments/resources.py escape by the rule of assignments/spreadsheets.py, as the public
# CSV files do.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Internationalisation: Swedish first, English second.

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Static files and uploads

# The text of one request's form fields (files apart). The report form's long texts are
# limited to 100,000 characters each (assignments.models.TEXT_MAX_LENGTH); 12 MB holds all of
# them at that length in any script, so a text that is too long is answered with the form
# and a message, not with a bare "Bad request" that loses what was typed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Django's own handlers, which also remember how long an uploaded file's name was as sent,
# so that a name too long for the file systems gets a message instead of being cut short.
FILE_UPLOAD_HANDLERS = [
    "assignments.uploads.MemoryFileUploadHandler",
    "assignments.uploads.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Attachments are stored on local disk (MEDIA_ROOT) by default. Several servers share an
# S3-compatible bucket instead: PORTAL_MEDIA_STORAGE=s3 with the optional extra installed
# (requirements/prod-s3.txt). The bucket stays private: files are only ever handed out
# through the portal's download view, which checks access and forces a download.
# Credentials come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
PORTAL_MEDIA_STORAGE = env.str("PORTAL_MEDIA_STORAGE", default="local")
if PORTAL_MEDIA_STORAGE == "local":
    _media_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif PORTAL_MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PORTAL_S3_BUCKET"),
            "endpoint_url": env.str("PORTAL_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("PORTAL_S3_REGION", default=None),
            "location": env.str("PORTAL_S3_PREFIX", default="media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("PORTAL_MEDIA_STORAGE must be 'local' or 's3'.")

STORAGES = {
    "default": _media_storage,
    # Where `make backup` (django-dbbackup) writes the database dump and the media archive.
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PORTAL_BACKUP_DIR", default=BASE_DIR / "backups")},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "malmo_portal.storage.StaticFilesStorage",
        )
    },
}

# Restoring a PostgreSQL dump (`make restore`). django-dbbackup dumps with
# `pg_dump --format=custom` and restores with `pg_restore --single-transaction --clean
# --if-exists`, into an empty, freshly created database as well as over the current one; one
# error rolls the whole restore back. The dump keeps who owned what on the old server, so:
# --no-owner: the restored tables belong to the user of DATABASE_URL (without it, restoring
#   as another role fails with 'must be member of role …');
# --no-privileges: GRANTs to roles of the old server are left out (they may not exist here;
#   the portal needs none). SQLite ignores this setting: its dump is a copy of the file.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": "--no-owner --no-privileges"}}
# The media archive's name says what it is (the database dump's names the database alias).
DBBACKUP_MEDIA_FILENAME_TEMPLATE = "media-{servername}-{datetime}.{extension}"

# E-mail: printed to the console unless EMAIL_URL points at an SMTP server.

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="hallbarhet@malmo.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: safe defaults whenever DEBUG is off; each can be overridden from the environment.

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
    else None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers check health over plain HTTP on the servers themselves.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# A session ends after DJANGO_SESSION_COOKIE_AGE seconds (8 hours) and, by default, when the
# browser is closed: staff often share computers.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): only the portal's own scripts, styles and images, no
# inline code at all, no framing. Every page is built for it: no inline scripts or styles,
# data for scripts in data- attributes. Add allowed sources with PORTAL_CSP_EXTRA_* variables.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, *env.list("PORTAL_CSP_EXTRA_SCRIPT_SRC", default=[])],
        "style-src": [csp.SELF, *env.list("PORTAL_CSP_EXTRA_STYLE_SRC", default=[])],
        "img-src": [csp.SELF, "data:", *env.list("PORTAL_CSP_EXTRA_IMG_SRC", default=[])],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
if env.str("PORTAL_CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env.str("PORTAL_CSP_REPORT_URI")]

# CORS (django-cors-headers): the public API may be read from any site's scripts, without
# credentials, and only read. The rest of the portal sends no CORS headers at all.
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag",)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Portal-specific settings

PORTAL_ORGANISATION_NAME = env.str("PORTAL_ORGANISATION_NAME", default="Malmö stad")
# The largest attachment a reporter may upload, in bytes (10 MB).
PORTAL_ATTACHMENT_MAX_BYTES = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# How many days before a period's deadline send_deadline_reminders e-mails the reporters.
PORTAL_REMINDER_DAYS = env.int("PORTAL_REMINDER_DAYS", default=7)
# How long a public page stays in the cache; publishing clears every cached page at once.
PORTAL_PUBLIC_CACHE_SECONDS = env.int("PORTAL_PUBLIC_CACHE_SECONDS", default=60 * 60)
# Where the admin (the review console) lives. Set a path of your own in production, so the
# sign-in page of the most powerful accounts is not where every scanner looks for it.
PORTAL_ADMIN_PATH = env.str("PORTAL_ADMIN_PATH", default="admin/").strip("/") + "/"
if PORTAL_ADMIN_PATH == "/":
    raise ImproperlyConfigured("PORTAL_ADMIN_PATH must not be empty.")
# The address links in e-mails point at, e.g. https://hallbarhet.malmo.example
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Kolada, RKA's open database of municipal key figures, that sync_kolada imports indicator
# values from (assignments/kolada.py). The address comes from the environment; how patiently
# Kolada is asked does not differ between machines: a timeout on every request, retries of
# refused connections, timeouts, 429 and 5xx answers with back-off (none before the first
# retry, then 2, 4, 8 … times KOLADA_BACKOFF_SECONDS), and a server's Retry-After obeyed up
# to KOLADA_RETRY_AFTER_MAX_SECONDS.
KOLADA_BASE_URL = env.str("KOLADA_BASE_URL", default="https://api.kolada.se/v3/").rstrip("/") + "/"
KOLADA_TIMEOUT_SECONDS = 60
KOLADA_RETRIES = 5
KOLADA_BACKOFF_SECONDS = 2.0
KOLADA_RETRY_AFTER_MAX_SECONDS = 300
