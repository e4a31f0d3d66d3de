"""Settings for the newsroom CMS, read from environment variables (see .env.example)."""

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from newsroom.storage_url import parse_media_storage_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    """An environment variable, stripped; `default` when it is unset or empty (so a copied
    .env.example line such as `STATIC_ROOT=` means "the default", never "the current folder")."""
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("DJANGO_VAR_DIR", BASE_DIR / "var"))


# Mode
# DJANGO_ENV=production turns on every protection `check --deploy` looks for and refuses to
# start without an explicit secret key.
DJANGO_ENV = env("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on when DJANGO_ENV=production.")


def load_secret_key():
    """Return the secret key from the environment, or outside production from a local file."""
    key = env("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = load_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_NAME = env("SITE_NAME", "Mundo Abierto")

# Applications
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "taggit",
    "reversion",
    "reversion_compare",
    "django_prose_editor",
    # Background work: the backport of Django 6's django.tasks and its database backend.
    "django_tasks",
    "django_tasks_db",
    "images",
    "authors",
    "articles",
    "tips",
]

MIDDLEWARE = [
    # First: strips the address, user agent and referrer from tip-line requests before anything
    # else (logging, error reports, other middleware) can see them.
    "tips.middleware.TipPrivacyMiddleware",
    # Chooses the database this request reads: a read replica for anonymous public pages.
    "newsroom.replica.ReplicaMiddleware",
    # Stores pages for anonymous readers (with every header the middleware below adds) and
    # answers hits that reach Django; wsgi.py answers most hits before Django (FastPath).
    "newsroom.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "newsroom.admin_csp.AdminStyleMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

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
                "django.template.context_processors.i18n",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database
# SQLite under var/ by default so a fresh machine needs nothing; DATABASE_URL=postgres://… for
# PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A read replica (newsroom/replica.py): anonymous readers' public pages read from it; the admin,
# the tip line, staff (anyone with a session) and every write use the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "").strip()
DATABASE_REPLICA_MAX_LAG_SECONDS = 0.0
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests read the replica alias from the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # How far behind the replica may be; pages rendered this soon after a purge are not cached.
    DATABASE_REPLICA_MAX_LAG_SECONDS = float(env("DATABASE_REPLICA_MAX_LAG", "5"))
DATABASE_ROUTERS = ["newsroom.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache
REDIS_URL = env("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            # Fail fast when Redis is away: every call then counts as a miss (newsroom/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Page cache (newsroom/pagecache.py): whole pages for anonymous readers, purged by tag on save.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=True)
# The longest a cached page lives if nothing purges it first.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
# s-maxage for a CDN in front; 0 makes it revalidate every time (cheap 304s with the ETag).
PAGE_CACHE_CDN_SECONDS = int(env("PAGE_CACHE_CDN_SECONDS", "0"))
PAGE_CACHE_NEXT_CHANGE = "articles.caching.next_change_at"
# Pages a purge of some tags changes, whether or not this server cached them (for the CDN).
PAGE_CACHE_TAG_PATHS = "articles.caching.tag_paths"
# CDN purge hook (newsroom/cdn.py): after a purge, POST {"paths": [...]} to this URL (empty: off),
# with "Authorization: Bearer <token>" when a token is set. Runs as a background task.
CDN_PURGE_URL = env("CDN_PURGE_URL", "").strip()
CDN_PURGE_TOKEN = env("CDN_PURGE_TOKEN", "").strip()
CDN_PURGE_TIMEOUT = float(env("CDN_PURGE_TIMEOUT", "5"))
if CDN_PURGE_URL and not CDN_PURGE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("CDN_PURGE_URL must be an http:// or https:// URL.")

# Background work (django-tasks, Django's task interface): by default every task runs inline,
# in the request that enqueues it, once its transaction commits. TASKS_BACKEND=database stores
# tasks in the database for `manage.py db_worker` to run (README, "Background work").
TASKS_BACKEND = env("TASKS_BACKEND", "").strip().lower() or "immediate"
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# With a worker, renditions of images with more pixels than this are made in the background.
RENDITIONS_IN_BACKGROUND_PIXELS = int(env("RENDITIONS_IN_BACKGROUND_PIXELS", str(24_000_000)))

# Authentication
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sessions end after this long without a request (every request renews the session).
# Readers and sources have no session at all.
SESSION_COOKIE_AGE = int(env("STAFF_SESSION_IDLE_SECONDS", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords a username is locked
# for the cool-off time. Counted by username only, and the client address is never recorded
# (newsroom/security.py), so the lock-out table holds no one's address.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "newsroom.security.no_client_address"
AXES_DISABLE_ACCESS_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Two-factor sign-in (django-otp, TOTP): members of these groups must use it; all staff may.
TWO_FACTOR_REQUIRED_GROUPS = env_list(
    "TWO_FACTOR_REQUIRED_GROUPS", "Editor,Tips desk" if PRODUCTION else ""
)
OTP_TOTP_ISSUER = SITE_NAME
SILENCED_SYSTEM_CHECKS = [
    # Lock-outs count by username on purpose: the project records no client address.
    "axes.W006",
    # The listing indexes' INCLUDE column is a PostgreSQL optimisation; SQLite ignores it.
    "models.W040",
]

# Internationalization
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Madrid")
USE_I18N = True
USE_TZ = True

# Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
# Outside production Django serves uploaded media itself so `make run` shows images; in production
# the web server or object storage does.
# MEDIA_STORAGE_URL=s3://BUCKET/PREFIX?… puts media on S3-compatible object storage instead
# (newsroom/storage_url.py, newsroom/storage.py); credentials come from AWS_* variables only.
MEDIA_STORAGE_URL = env("MEDIA_STORAGE_URL", "").strip()
MEDIA_STORAGE = parse_media_storage_url(MEDIA_STORAGE_URL) if MEDIA_STORAGE_URL else None
SERVE_MEDIA = not MEDIA_STORAGE and env_bool("DJANGO_SERVE_MEDIA", default=not PRODUCTION)
STORAGES = {
    "default": (
        MEDIA_STORAGE.storage
        if MEDIA_STORAGE
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the apps and static/ and re-read them on
# each request, so an edited or newly installed file is never missing or served stale.
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security
# Content Security Policy (django-csp) for every page: scripts, styles, fonts and images from
# this site only, no inline scripts, no plugins, no framing. The tip line sends a stricter one
# of its own (tips/middleware.py). MEDIA_URL on another origin is added when it is absolute.
_MEDIA_ORIGINS = (
    [MEDIA_URL.split("/", 3)[0] + "//" + MEDIA_URL.split("/", 3)[2]]
    if (MEDIA_URL.startswith("http"))
    else []
)
# On object storage: the bucket's address (signed originals in the admin) and the custom domain.
_MEDIA_ORIGINS += MEDIA_STORAGE.origins if MEDIA_STORAGE else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE appears in the header only on pages that use it: the admin's rich-text editor
        # (newsroom/admin_csp.py). Public pages send plain 'self'.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# django-permissions-policy: no page of this site needs these browser features.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "browsing-topics": [],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production.")

# Error reports: for tip-line requests, reports carry no request details, POST data, files or
# local variables (Django's default report includes the client address and the POST body).
DEFAULT_EXCEPTION_REPORTER = "tips.error_reports.TipSafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "tips.error_reports.TipSafeExceptionReporterFilter"
ADMINS = [("Admin", address) for address in env_list("DJANGO_ADMINS")]
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", "root@localhost")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))

# Logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # Pillow logs EXIF values (GPS positions, descriptions) at DEBUG while reading a photo: a
    # source's photo must never reach a log, whatever DJANGO_LOG_LEVEL says.
    "filters": {
        "no_tip_line_tasks": {"()": "tips.log_filters.DropTipLineTasks"},
        "no_tip_line_requests": {"()": "tips.log_filters.DropTipLineRequests"},
    },
    "loggers": {
        "PIL": {"level": "WARNING"},
        # No timed line about the tip line (tips/log_filters.py): django-tasks' lines for its
        # tasks, and Django's for its refused requests (form errors, throttling, CSRF).
        "django_tasks": {"filters": ["no_tip_line_tasks"]},
        "django_tasks_db": {"filters": ["no_tip_line_tasks"]},
        "django.request": {"filters": ["no_tip_line_requests"]},
        "django.security.csrf": {"filters": ["no_tip_line_requests"]},
    },
}

# Newsroom
# Images above this many pixels are refused before decoding (Pillow alone only warns).
IMAGE_MAX_PIXELS = int(env("IMAGE_MAX_PIXELS", str(60_000_000)))
TAGGIT_CASE_INSENSITIVE = True
ARTICLES_PER_PAGE = 20

# Tip line (see README, "Tip line")
# New tips are sealed to TIPS_PUBLIC_KEY (base64, printed by `manage.py tips_keygen`). The desk
# reads them with the private key file(s) in TIPS_PRIVATE_KEY_FILE (comma-separated, newest
# first, so tips sealed to a rotated-out key still open). Outside production with nothing set,
# a local key pair is created under var/ so `make run` works.
TIPS_PUBLIC_KEY = env("TIPS_PUBLIC_KEY", "").strip()
TIPS_PRIVATE_KEY_FILES = env_list("TIPS_PRIVATE_KEY_FILE")
TIPS_PRIVATE_KEY_PASSPHRASE = os.environ.get("TIPS_PRIVATE_KEY_PASSPHRASE", "")
TIPS_DEVELOPMENT_KEY_FILE = None
if not PRODUCTION and not TIPS_PUBLIC_KEY and not TIPS_PRIVATE_KEY_FILES:
    TIPS_DEVELOPMENT_KEY_FILE = VAR_DIR / "tips_key.json"
    TIPS_PRIVATE_KEY_FILES = [str(TIPS_DEVELOPMENT_KEY_FILE)]
# Receipt codes are looked up by a slow hash salted with this; changing it (or, when it is
# unset, the secret key) makes existing receipt codes stop working.
TIPS_RECEIPT_SALT = (
    env("TIPS_RECEIPT_SALT", "")
    or hashlib.sha256(f"tips-receipt:{SECRET_KEY}".encode()).hexdigest()
)
TIPS_RETENTION_DAYS = int(env("TIPS_RETENTION_DAYS", "90"))
TIPS_MESSAGE_MAX_CHARS = int(env("TIPS_MESSAGE_MAX_CHARS", "20000"))
TIPS_MAX_FILES = int(env("TIPS_MAX_FILES", "5"))
TIPS_MAX_FILE_BYTES = int(env("TIPS_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
TIPS_MIN_FILL_SECONDS = int(env("TIPS_MIN_FILL_SECONDS", "3"))
TIPS_FORM_MAX_AGE = int(env("TIPS_FORM_MAX_AGE", str(6 * 60 * 60)))
# django-ratelimit rates, per network (/24 for IPv4, /48 for IPv6), counted only in the cache.
TIPS_SUBMIT_RATE = env("TIPS_SUBMIT_RATE", "10/h")
TIPS_FOLLOWUP_RATE = env("TIPS_FOLLOWUP_RATE", "10/10m")
TIPS_FOLLOWUP_IDLE_SECONDS = int(env("TIPS_FOLLOWUP_IDLE_SECONDS", "900"))
TIPS_NOTIFY_EMAILS = env_list("TIPS_NOTIFY_EMAILS")
# Behind a proxy, the META key holding the client address (e.g. HTTP_X_FORWARDED_FOR; its last
# entry is used). It is read only to compute the rate-limit key and then removed.
TIPS_CLIENT_IP_HEADER = env("TIPS_CLIENT_IP_HEADER", "").strip()
# If the cache (Redis) is unreachable the rate limits cannot count: let requests through rather
# than shut the tip line; the honeypot, the signed form token and CSRF still apply.
RATELIMIT_FAIL_OPEN = True
