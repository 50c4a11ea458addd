"""Newsroom settings, read from the environment.

Everything an operator may change is an environment variable; the defaults
give a working site on a laptop (SQLite, local-memory cache, console e-mail)
and a safe one in production (DEBUG off, a secret key required).
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newsroom import services
from newsroom.admin_path import parse_admin_path
from newsroom.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_secret(
    "DJANGO_SECRET_KEY",
    required=not DEBUG,
    dev_default="django-insecure-local-development-only",
)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Public identity of the site, used in feeds, structured data and e-mails.
NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
NEWSROOM_SITE_TAGLINE = os.environ.get(
    "NEWSROOM_SITE_TAGLINE", "Independent reporting, clearly told."
)
# Absolute base URL for links that leave the request (feeds, sitemaps, JSON-LD
# publisher logo). Empty means "use the request's own scheme and host".
NEWSROOM_BASE_URL = os.environ.get("NEWSROOM_BASE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
    "newsroom.apps.TagsConfig",  # django-taggit, shown as "Tags"
    "adminsortable2",
    "reversion",  # revisions of articles at the desk
    "reversion_compare",
    "django_tasks_db",
    "newsroom",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "newsroom.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.RequestGuardMiddleware",
    # Outside the session middleware, so that what it adds to a response is seen.
    "newsroom.middleware.DatabaseOutageMiddleware",
    # Outside the page cache's early answer, so that stored pages carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Hand-made filters and lookups in the desk's addresses: 400, never 500.
    "newsroom.admin_guard.AdminInputGuardMiddleware",
    # Answers a locked-out login with the 429 page (newsroom/admin_guard.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Time limits: a database or cache that is down or stalled costs a reader a
# few seconds and a 503 page (or an uncached page), never a hung worker.
# Seconds to wait for a database connection (PostgreSQL's connect timeout and
# the wait for a free pooled connection; libpq counts at least 2).
NEWSROOM_DB_CONNECT_TIMEOUT = env_int("NEWSROOM_DB_CONNECT_TIMEOUT", 3)
# Longest a statement may run while a reader waits (PostgreSQL's
# statement_timeout, set for each request; management commands such as
# migrate run without it). On SQLite: how long a statement waits for a lock,
# in requests and commands alike. 0 turns the limit off.
NEWSROOM_DB_STATEMENT_TIMEOUT_MS = env_int("NEWSROOM_DB_STATEMENT_TIMEOUT_MS", 5000)
# Most PostgreSQL connections one app process keeps (psycopg's pool).
NEWSROOM_DB_POOL_SIZE = env_int("NEWSROOM_DB_POOL_SIZE", 8)
# Connect and read timeout for Redis, in milliseconds.
NEWSROOM_CACHE_TIMEOUT_MS = env_int("NEWSROOM_CACHE_TIMEOUT_MS", 250)
for _name, _value, _least in (
    ("NEWSROOM_DB_CONNECT_TIMEOUT", NEWSROOM_DB_CONNECT_TIMEOUT, 1),
    ("NEWSROOM_DB_STATEMENT_TIMEOUT_MS", NEWSROOM_DB_STATEMENT_TIMEOUT_MS, 0),
    ("NEWSROOM_DB_POOL_SIZE", NEWSROOM_DB_POOL_SIZE, 1),
    ("NEWSROOM_CACHE_TIMEOUT_MS", NEWSROOM_CACHE_TIMEOUT_MS, 1),
):
    if _value < _least:
        raise ImproperlyConfigured(f"{_name} must be at least {_least}, not {_value}.")

DATABASES = services.databases(
    BASE_DIR,
    connect_timeout=NEWSROOM_DB_CONNECT_TIMEOUT,
    statement_timeout_ms=NEWSROOM_DB_STATEMENT_TIMEOUT_MS,
    pool_size=NEWSROOM_DB_POOL_SIZE,
)

# Cache: what every app process must share (cached pages, their tags and
# locks, comment rate limits). NEWSROOM_CACHE_BACKEND chooses:
# - redis (the default when REDIS_URL is set): shared by every app server;
# - files (the default otherwise): a folder shared by the processes of one
#   machine (gunicorn's workers, manage.py commands), NEWSROOM_CACHE_DIR;
# - memory: this process only, for tests and single-process servers.
# Either way every entry has a bounded lifetime and size
# (newsroom/cache_backends.py); a Redis that fails once in a request is not
# asked again during that request.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
NEWSROOM_CACHE_BACKEND = services.cache_backend(REDIS_URL)
NEWSROOM_CACHE_DIR = Path(
    os.environ.get("NEWSROOM_CACHE_DIR", "").strip() or BASE_DIR / "var" / "cache"
)
NEWSROOM_CACHE_PREFIX = os.environ.get("NEWSROOM_CACHE_PREFIX", "newsroom")
# The longest any cache entry lives, and the largest one stored (bytes, pickled).
NEWSROOM_CACHE_MAX_SECONDS = env_int("NEWSROOM_CACHE_MAX_SECONDS", 60 * 60 * 24)
NEWSROOM_CACHE_MAX_ENTRY_BYTES = env_int(
    "NEWSROOM_CACHE_MAX_ENTRY_BYTES", 8 * 1024 * 1024
)
# How many entries the file cache keeps (pages, fragments, tag versions); over
# it, expired entries and then the oldest are removed.
NEWSROOM_CACHE_MAX_FILES = env_int("NEWSROOM_CACHE_MAX_FILES", 50_000)
CACHES = services.caches(
    NEWSROOM_CACHE_BACKEND,
    redis_url=REDIS_URL,
    folder=NEWSROOM_CACHE_DIR,
    prefix=NEWSROOM_CACHE_PREFIX,
    timeout_ms=NEWSROOM_CACHE_TIMEOUT_MS,
    max_files=NEWSROOM_CACHE_MAX_FILES,
)

# Sessions live in the database, shared by every app server (Django's default,
# stated on purpose).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# How long a rendered public page is served from the page cache. A change
# makes the pages that show it stale at once; this is only the upper bound.
# 0 turns the page cache off: every request renders (stored fragments stay).
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)
# After a page changes or expires, one request renders it while the others
# get the previous copy, for at most this long after the change; then they
# wait for the new copy. Also how long a render may hold the page's lock.
NEWSROOM_PAGE_STALE_SECONDS = env_int("NEWSROOM_PAGE_STALE_SECONDS", 5)
# Cache-Control of public pages: max-age for browsers (which revalidate
# cheaply with ETag and If-None-Match), s-maxage for proxies and CDNs, short
# so that an edit shows through them within seconds.
NEWSROOM_BROWSER_CACHE_SECONDS = env_int("NEWSROOM_BROWSER_CACHE_SECONDS", 0)
NEWSROOM_SHARED_CACHE_SECONDS = env_int("NEWSROOM_SHARED_CACHE_SECONDS", 5)
for _name, _value, _least in (
    ("NEWSROOM_PAGE_CACHE_SECONDS", NEWSROOM_PAGE_CACHE_SECONDS, 0),
    ("NEWSROOM_PAGE_STALE_SECONDS", NEWSROOM_PAGE_STALE_SECONDS, 0),
    ("NEWSROOM_BROWSER_CACHE_SECONDS", NEWSROOM_BROWSER_CACHE_SECONDS, 0),
    ("NEWSROOM_SHARED_CACHE_SECONDS", NEWSROOM_SHARED_CACHE_SECONDS, 0),
):
    if _value < _least:
        raise ImproperlyConfigured(f"{_name} must be at least {_least}, not {_value}.")

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The newsroom desk (Django's admin) and its login (README "Security and
# operations"). Where it lives: a path such as desk/ (no leading slash).
NEWSROOM_ADMIN_PATH = parse_admin_path(os.environ.get("NEWSROOM_ADMIN_PATH"))
# Failed logins: after this many within the cool-off, the address and the
# username are each locked out (429) until the cool-off has passed since the
# last failure, or an operator unlocks them (manage.py axes_reset_username,
# axes_reset_ip, or the desk's "Access attempts"). A cool-off of 0 keeps the
# lock until an operator lifts it.
NEWSROOM_LOGIN_FAILURES = env_int("NEWSROOM_LOGIN_FAILURES", 5)
NEWSROOM_LOGIN_COOLOFF_MINUTES = env_int("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15)
for _name, _value, _least in (
    ("NEWSROOM_LOGIN_FAILURES", NEWSROOM_LOGIN_FAILURES, 1),
    ("NEWSROOM_LOGIN_COOLOFF_MINUTES", NEWSROOM_LOGIN_COOLOFF_MINUTES, 0),
):
    if _value < _least:
        raise ImproperlyConfigured(f"{_name} must be at least {_least}, not {_value}.")
# django-axes counts failures in the database. Its backend comes first: a
# locked-out login is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = NEWSROOM_LOGIN_FAILURES
AXES_COOLOFF_TIME = (
    timedelta(minutes=NEWSROOM_LOGIN_COOLOFF_MINUTES)
    if NEWSROOM_LOGIN_COOLOFF_MINUTES
    else None
)
# Throttled per address and, separately, per username.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# The address as the comments' rate limits see it (NEWSROOM_CLIENT_IP_HEADER;
# an IPv6 /64 counts as one address).
AXES_CLIENT_IP_CALLABLE = "newsroom.admin_guard.login_address"
AXES_LOCKOUT_CALLABLE = "newsroom.admin_guard.locked_out"
# A successful login clears that address's and that username's failures.
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out are refused without a write and do not
# extend the lock, so hammering a locked login costs three small queries.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Its warnings name the address, never what was typed as the username.
AXES_SENSITIVE_PARAMETERS = ["username"]

LANGUAGE_CODE = "en-gb"
# The newsroom's own zone: times are stored in UTC and shown to readers and
# editors (the admin's scheduling fields too) in this zone.
TIME_ZONE = env_time_zone("NEWSROOM_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("NEWSROOM_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("NEWSROOM_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded media: this machine's disk (MEDIA_ROOT), or an S3-compatible
# object store that every app server shares (django-storages; needs boto3,
# requirements-s3.txt). Credentials come the usual AWS ways: AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY, or the machine's role.
NEWSROOM_MEDIA_STORAGE = (
    os.environ.get("NEWSROOM_MEDIA_STORAGE", "").strip().lower() or "local"
)
STORAGES = {
    "default": services.media_storage(NEWSROOM_MEDIA_STORAGE),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = env_int("NEWSROOM_STATIC_MAX_AGE", 60 * 60 * 24 * 365)
if DEBUG:
    # In development static files come straight from static/; nothing is collected.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

# Uploads: refuse oversized request bodies early (413 from the guard middleware).
NEWSROOM_MAX_REQUEST_BYTES = env_int("NEWSROOM_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Each article section is seven admin form fields; Django's default of 1,000
# fields would refuse to save an article of more than about 140 sections.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
NEWSROOM_MAX_IMAGE_BYTES = env_int("NEWSROOM_MAX_IMAGE_BYTES", 15 * 1024 * 1024)

# E-mail: the console in development; in production SMTP, on NEWSROOM_EMAIL_HOST
# or else the machine's own mail server (localhost:25).
DEFAULT_FROM_EMAIL = os.environ.get("NEWSROOM_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = services.mailers(DEBUG)

# Background work (comment e-mail). In development and tests tasks run at
# once, inside the request; in production they wait in the database for
# `manage.py db_worker`, so no reader waits on the mail server.
NEWSROOM_TASKS = os.environ.get("NEWSROOM_TASKS", "").strip().lower() or (
    "immediate" if DEBUG else "database"
)
if NEWSROOM_TASKS not in ("immediate", "database"):
    raise ImproperlyConfigured(
        f"NEWSROOM_TASKS must be immediate or database, not {NEWSROOM_TASKS!r}."
    )
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if NEWSROOM_TASKS == "immediate"
        else "django_tasks_db.DatabaseBackend",
    }
}

# Reader comments (see README "Comments").
NEWSROOM_COMMENT_MODERATION = (
    os.environ.get("NEWSROOM_COMMENT_MODERATION", "").strip().lower() or "first-time"
)
if NEWSROOM_COMMENT_MODERATION not in ("pre", "first-time", "post"):
    raise ImproperlyConfigured(
        "NEWSROOM_COMMENT_MODERATION must be pre, first-time or post, "
        f"not {NEWSROOM_COMMENT_MODERATION!r}."
    )
NEWSROOM_COMMENT_RATE = os.environ.get("NEWSROOM_COMMENT_RATE", "5/m").strip()
NEWSROOM_COMMENT_MAX_LINKS = env_int("NEWSROOM_COMMENT_MAX_LINKS", 2)
NEWSROOM_COMMENT_REPORTS_TO_HIDE = env_int("NEWSROOM_COMMENT_REPORTS_TO_HIDE", 3)
NEWSROOM_COMMENT_MIN_SECONDS = env_int("NEWSROOM_COMMENT_MIN_SECONDS", 3)
NEWSROOM_COMMENT_FORM_MAX_AGE = env_int("NEWSROOM_COMMENT_FORM_MAX_AGE", 60 * 60 * 24)
NEWSROOM_COMMENT_METADATA_DAYS = env_int("NEWSROOM_COMMENT_METADATA_DAYS", 90)
NEWSROOM_COMMENTS_PER_PAGE = env_int("NEWSROOM_COMMENTS_PER_PAGE", 50)
NEWSROOM_COMMENT_REPLIES_SHOWN = env_int("NEWSROOM_COMMENT_REPLIES_SHOWN", 10)
# The header that carries the reader's address when a proxy sits in front
# (e.g. X-Forwarded-For, whose last entry the proxy itself appended). Empty:
# the address of the connection. Never set it without such a proxy: readers
# could then claim any address and walk around bans and rate limits.
NEWSROOM_CLIENT_IP_HEADER = os.environ.get("NEWSROOM_CLIENT_IP_HEADER", "").strip()

# Security. Headers that are right everywhere are always on. The HTTPS-only
# ones are on in production (DEBUG off) unless NEWSROOM_HTTPS=0 says the site
# is served over plain HTTP; with DJANGO_DEBUG=1 they are off so a laptop works.
NEWSROOM_HTTPS = env_bool("NEWSROOM_HTTPS", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Load balancers probe /healthz over plain HTTP: it is never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browser features no page of the site uses, switched off for every page
# (and for anything that might ever be embedded in one).
NEWSROOM_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
SILENCED_SYSTEM_CHECKS: list[str] = []
if NEWSROOM_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("NEWSROOM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("NEWSROOM_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Opt-in: both bind every subdomain (preload: for good, through the
    # browsers' built-in list) to HTTPS, which is the operator's decision.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NEWSROOM_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("NEWSROOM_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
if env_bool("NEWSROOM_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Content Security Policy (Django's built-in middleware). No inline scripts or
# styles anywhere on the public site; JSON-LD blocks are data, not scripts.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "NEWSROOM_LOG_LEVEL",
            "INFO",
            ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        ),
    },
    "loggers": {
        # Disallowed hosts are noise from scanners, not errors.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
        # Failed logins and lockouts are warnings; every login is not news.
        "axes": {"level": "WARNING"},
    },
}

# In tests, make every lazy related-object load raise (see articles/querysets.py).
NEWSROOM_STRICT_FETCH = env_bool("NEWSROOM_STRICT_FETCH", False)
