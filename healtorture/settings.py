"""Settings for the HealTorture directory: one module, driven by environment variables.

Safe by default: DEBUG is off unless ``DJANGO_DEBUG=1``, and a server that answers to a non-local
host refuses to start without ``DJANGO_SECRET_KEY``. See README.md for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from healtorture.environment import env_bool, env_list, logging_config, secret_key, site_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEALTORTURE_VAR_DIR", BASE_DIR / "var"))


DEBUG = env_bool("DJANGO_DEBUG")

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
IS_LOCAL = all(host in LOCAL_HOSTS for host in ALLOWED_HOSTS)


SECRET_KEY = secret_key(DEBUG, IS_LOCAL, ALLOWED_HOSTS, VAR_DIR)

INSTALLED_APPS = [
    "healtorture.apps.StaffAdminConfig",  # django.contrib.admin with the staff login of security.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_filters",
    "django_ratelimit",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reversion",
    "procrastinate.contrib.django",  # the task engine: jobs in PostgreSQL, tasks in apps' tasks.py
    "import_export",
    # The project's apps, from the lowest layer up (see README: where things are).
    "common",
    "thesaurus",
    "organizations",
    "resources",
    "search",
    "opendata",
    "upkeep",
    "digest",
    "submissions",
    "alerts",
    "healtorture",
]

MIDDLEWARE = [
    "healtorture.middleware.ServerTimingMiddleware",
    "healtorture.middleware.DatabaseUnavailableMiddleware",
    "healtorture.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what the middleware below return (whitenoise serves static files compressed
    # already): after ConditionalGetMiddleware has set the ETag of the uncompressed page.
    "healtorture.middleware.CompressTextMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "healtorture.middleware.CacheHeadersMiddleware",
    # Before anything reads: where this request's reads go (the primary or a replica).
    "common.db_routing.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "healtorture.middleware.RememberLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "healtorture.urls"
WSGI_APPLICATION = "healtorture.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "healtorture.context_processors.languages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
# DATABASE_URL set: any PostgreSQL 13+. Unset: the embedded server in var/pgdata/, started on the
# first connection by the backend in healtorture/db/ (nothing starts at import time).
EMBEDDED_DATABASE = not os.environ.get("DATABASE_URL")
if EMBEDDED_DATABASE:
    _name = os.environ.get("HEALTORTURE_DATABASE_NAME", "healtorture")  # make bench uses another
    DATABASES = {
        "default": {
            "ENGINE": "healtorture.db",
            "NAME": _name,
            "OPTIONS": {"pgdata": str(VAR_DIR / "pgdata"), "app_database": _name},
        }
    }
else:
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
# On fast storage an index read is not 4x dearer than a sequential one: with this the planner
# uses the search indexes for words found in up to a third of the rows (5x faster there).
# And a search's matches (tens of thousands of narrow rows, materialised once for the count, the
# facets and the page) are kept in memory rather than written to temporary files.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    "-c random_page_cost=1.1 -c work_mem=16MB"
)
# A server that does not answer (a host down, a dropped packet) fails the request in seconds,
# with the friendly 503 page, instead of holding a gunicorn worker until it is killed.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
# A connection that died with the server is replaced on the next request, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Read replicas (common/db_routing.py): public pages read from one of them; writes, the admin,
# logged-in staff and a visitor's reads just after their own write go to the primary.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), 1):
    _replica = dj_database_url.parse(_url)
    if not _replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS must point to PostgreSQL servers.")
    _replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **_replica.get("OPTIONS", {})}
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database
    DATABASES[f"replica{_number}"] = _replica
DATABASE_REPLICAS = [alias for alias in DATABASES if alias.startswith("replica")]
DATABASE_ROUTERS = ["common.db_routing.PrimaryReplicaRouter"]
# Seconds after a visitor's own write during which their reads go to the primary (the longest
# replication lag expected).
REPLICA_STICKY_SECONDS = int(os.environ.get("HEALTORTURE_REPLICA_STICKY_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------------
# Shared by every process (gunicorn workers must agree on rate limits and on content changes):
# the database by default, so that nothing more needs installing; Redis with REDIS_URL.
if os.environ.get("REDIS_URL"):  # needs the `redis` package: pip install redis
    SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
else:
    SHARED_CACHE = {
        "BACKEND": "healtorture.cache_backends.AtomicDatabaseCache",
        "LOCATION": "healtorture_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
CACHES = {
    "default": SHARED_CACHE,
    # Search results, per process, keyed by the shared content version (resources/cache.py).
    # HEALTORTURE_SEARCH_CACHE=0 turns it off (make bench measures both ways).
    "search": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "search",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
    if env_bool("HEALTORTURE_SEARCH_CACHE", default=True)
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ----------------------------------------------------------------------
# The interface in four languages. Public pages live under a language prefix (/fr/resources/);
# an address without one redirects to the visitor's language (cookie, then Accept-Language).
# Translations: locale/<lang>/LC_MESSAGES/django.po, compiled to .mo (see README.md).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats for English and Arabic (healtorture/formats/); French and Spanish use
# Django's.
FORMAT_MODULE_PATH = ["healtorture.formats"]
# Set when a visitor chooses a language other than their browser's (RememberLanguageMiddleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# How long browsers and proxies may keep a public page before revalidating it with its ETag, and
# how long each process keeps a rendered search page (0 turns that cache off).
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("HEALTORTURE_PAGE_MAX_AGE", "60"))
SEARCH_PAGE_CACHE_SECONDS = int(os.environ.get("HEALTORTURE_SEARCH_PAGE_CACHE", "600"))

# --- Static files and uploads ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The stylesheet that shows a feed as a page: browsers apply XSLT served as text/xsl.
WHITENOISE_MIMETYPES = {".xsl": "text/xsl"}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Largest file a moderator or submitter may attach to a resource; a request body may be 1 MB more.
MAX_UPLOAD_BYTES = int(os.environ.get("HEALTORTURE_MAX_UPLOAD_MB", "20")) * 1024 * 1024
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024
# Largest catalogue file a moderator may import (CSV or JSON; an export of 10,000 resources is
# about 6.5 MB). Refused with a clear error above it, before anything is read.
MAX_IMPORT_BYTES = int(os.environ.get("HEALTORTURE_MAX_IMPORT_MB", "10")) * 1024 * 1024
# django-import-export: importing needs the "import" permission of the model (given to the
# Moderators by opendata's migration 0001), and runs in one transaction.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Form fields (not files): generous for any real text, refused above this with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# --- Abuse protection on the public forms ---------------------------------------------------------
# django-ratelimit counts in the shared cache (exact across workers: see cache_backends.py).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "common.throttle.rate_limited"
SHARE_RATE = os.environ.get("HEALTORTURE_SHARE_RATE", "10/h")
CONTACT_RATE = os.environ.get("HEALTORTURE_CONTACT_RATE", "10/h")
REPORT_RATE = os.environ.get("HEALTORTURE_REPORT_RATE", "10/h")
ALERT_RATE = os.environ.get("HEALTORTURE_ALERT_RATE", "10/h")  # alert sign-ups from one address
DIGEST_RATE = os.environ.get("HEALTORTURE_DIGEST_RATE", "10/h")  # digest sign-ups from one address
# Days a sign-up's confirmation link works (alerts, the digest); unconfirmed by then, deleted.
SUBSCRIPTION_CONFIRM_DAYS = 7
# A form sent back faster than a person could fill it in is refused.
FORM_MIN_SECONDS = int(os.environ.get("HEALTORTURE_FORM_MIN_SECONDS", "3"))
# Our increment is atomic (cache_backends.py); the library only knows backends by name.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- E-mail --------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "HealTorture <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# The link checker never connects to a loopback, private, link-local, multicast or reserved
# address; the tests add the address of their own web server here, and nothing else should.
LINKCHECK_ALLOWED_ADDRESSES: list[str] = []

SITE_URL = site_url(DEBUG, IS_LOCAL, ALLOWED_HOSTS)
# Who is told about new submissions and contact messages.
MODERATOR_EMAILS = env_list("HEALTORTURE_MODERATOR_EMAILS")
# Submitters' details are forgotten this many days after the decision (a nightly job).
PURGE_SUBMITTERS_AFTER_DAYS = int(os.environ.get("HEALTORTURE_PURGE_AFTER_DAYS", "180"))

# --- Background work (procrastinate: README, "Background work") --------------------------------
# Jobs live in the database (procrastinate_* tables); `manage.py procrastinate worker` runs them.
# Each app's tasks.py is found by procrastinate's autodiscovery. common.jobs adds what every job
# needs: a failure keeps its error for the admin.
PROCRASTINATE_ON_APP_READY = "common.jobs.on_app_ready"
# Each worker runs up to 4 jobs at once (each in its own thread), so that e-mails never wait
# behind a batch of link checks.
PROCRASTINATE_WORKER_DEFAULTS = {"concurrency": 4}
# Finished jobs (and the errors of failed ones) are deleted this many days after they ended; the
# last run of each periodic job is always kept, for the admin's front page.
JOB_RETENTION_DAYS = int(os.environ.get("HEALTORTURE_JOB_RETENTION_DAYS", "30"))

# --- Thesaurus -----------------------------------------------------------------------------------
# Where the URIs of the concepts we create live (SKOS identifiers; imported concepts keep theirs).
THESAURUS_NAMESPACE = os.environ.get(
    "HEALTORTURE_THESAURUS_NAMESPACE", "https://healtorture.org/thesaurus/"
)

# --- Security ------------------------------------------------------------------------------------
# Content-Security-Policy (django-csp): this site's own files only, no inline script or style, no
# other host, no framing. Uploaded files are served under a stricter policy of their own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): a directory needs no device or sensor.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Served to the world (not DEBUG, a non-local host): HTTPS only, behind a proxy that says so in
# X-Forwarded-Proto. Each default can be turned off with one variable, e.g. DJANGO_SSL_REDIRECT=0.
PRODUCTION = not DEBUG and not IS_LOCAL
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("DJANGO_BEHIND_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# How many proxies in front of gunicorn append to X-Forwarded-For: the visitor's address (for rate
# limits and login lockouts) is the one the outermost trusted proxy saw. 0 = use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("HEALTORTURE_PROXY_COUNT", "1" if PRODUCTION else "0"))
RATELIMIT_IP_META_KEY = "healtorture.security.client_ip"

# --- Staff accounts ------------------------------------------------------------------------------
# The admin's address (a less guessable one cuts the noise of password-guessing robots).
ADMIN_URL = os.environ.get("HEALTORTURE_ADMIN_URL", "admin").strip("/") + "/"
# Staff sessions end after two idle hours, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("HEALTORTURE_SESSION_SECONDS", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# django-axes: after 5 failed logins for one account from one address, that pair is locked out for
# 15 minutes (429). Attempts are stored in the database, so every worker agrees.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("HEALTORTURE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("HEALTORTURE_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "healtorture.security.client_ip"
# Two-factor (django-otp, TOTP): optional per staff member; a member with a confirmed device must
# give its code to log in. HEALTORTURE_REQUIRE_2FA=1 makes it compulsory for every staff member.
STAFF_REQUIRE_2FA = env_bool("HEALTORTURE_REQUIRE_2FA")
OTP_TOTP_ISSUER = "HealTorture"

LOGGING = logging_config()

TAGGIT_CASE_INSENSITIVE = True
# Bare domains typed into URL fields become https:// links (Django 6's default, adopted now).
FORMS_URLFIELD_ASSUME_HTTPS = True
