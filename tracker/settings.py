"""Settings for the Hai Phong digital-transformation target tracker.

One module, read from the environment. SQLite by default; ``DATABASE_URL`` selects
PostgreSQL. ``DEBUG`` is off unless ``DJANGO_DEBUG`` turns it on, and then
``DJANGO_SECRET_KEY`` is required.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(make run sets DJANGO_DEBUG=1 for local use)."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "targets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After authentication: the 400 page it renders shows who is signed in.
    "tracker.middleware.RequestGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
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

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "targets:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# Our strings, then the Vietnamese that Django's admin and django-simple-history lack.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tracker.formats"]
# The language switcher's choice lives in a cookie for a year and on the account
# (targets.domain.language, applied at login);
# without it pages are Vietnamese, whatever the browser asks (tracker.middleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files when
        # debugging or testing (DJANGO_STATIC_MANIFEST=0).
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Evidence files (targets/evidence.py): the largest accepted upload, and how a download
# leaves the server. "" : Django sends the file; "x-accel-redirect" (nginx) or
# "x-sendfile" (Apache, lighttpd): Django checks the reader's scope and the proxy sends
# the file from EVIDENCE_SENDFILE_PREFIX (nginx: an `internal` location; X-Sendfile: the
# folder holding MEDIA_ROOT's files as the web server sees it).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
if EVIDENCE_MAX_BYTES < 1:
    raise ImproperlyConfigured(f"EVIDENCE_MAX_BYTES={EVIDENCE_MAX_BYTES} must be positive")
EVIDENCE_SENDFILE = os.environ.get("EVIDENCE_SENDFILE", "").strip().lower()
if EVIDENCE_SENDFILE not in {"", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        f"EVIDENCE_SENDFILE={EVIDENCE_SENDFILE!r}: use x-accel-redirect, x-sendfile or nothing"
    )
EVIDENCE_SENDFILE_PREFIX = os.environ.get("EVIDENCE_SENDFILE_PREFIX") or (
    "/protected-media/" if EVIDENCE_SENDFILE == "x-accel-redirect" else str(MEDIA_ROOT)
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Status cut-offs (Open SDG progress method): r >= ON_TRACK -> on track,
# r >= AT_RISK -> at risk, below -> off track. See targets/status.py.
TARGETS_STATUS_ON_TRACK = 0.95
TARGETS_STATUS_AT_RISK = 0.6

# Bulk import limits (targets/importing). The largest legitimate sheet is every unit
# (253: the city, 20 agencies, 15 districts, 217 communes) times every target of a plan
# (16 in KH 74/KH-UBND 2022) for one period: 4,048 rows (the real December template has
# 265, as each target has one reporting level). Beyond IMPORT_MAX_ROWS a file is refused
# before it is read further; an XLSX also when its entries unzip to more than
# IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES (a 5,000-row sheet with every column filled: 4.5 MB).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 20 * 2**20)
# An uploaded file waits for the reporter's confirmation at most this long; older
# previews are removed at the next import and by `manage.py clear_import_previews`.
IMPORT_PREVIEW_MAX_HOURS = env_int("IMPORT_PREVIEW_MAX_HOURS", 24)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is locked for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Security: secure cookies and HSTS unless DEBUG; behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "django_tables2/tracker.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    # stdout, beside gunicorn's access log: what a container or systemd collects.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The API (/api/v1/, targets/api/): personal tokens (or the session, for the browsable
# docs), the user's own scope, cursor pagination, throttling per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
        "targets.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["targets.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": os.environ.get("API_THROTTLE_RATE", "3000/hour"),
        "api_import": os.environ.get("API_IMPORT_THROTTLE_RATE", "120/hour"),
    },
    "EXCEPTION_HANDLER": "targets.api.views.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hai Phong digital-transformation target tracker API",
    "DESCRIPTION": (
        "Figures, targets, units and progress entries of the tracker, in the scope of the "
        "user whose token is sent (header Authorization: Bearer, then the token). Vietnamese "
        "messages by default; English with Accept-Language: en."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar: served by the app, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "targets.api.schema.add_error_responses",
    ],
}
# Caches. REDIS_URL (e.g. redis://127.0.0.1:6379/0) makes Redis the cache of every app
# server: the API's throttling then counts across servers and workers, and the roll-ups
# are kept in it (FIGURE_CACHE: targets/figure_cache.py, keyed on the data version the
# database's triggers bump). Without it: Django's default memory cache per process (each
# gunicorn worker throttles on its own: a token gets up to workers × the rate) and no
# figure cache, since a per-process cache would not be shared. FIGURE_CACHE_URL (default:
# REDIS_URL) puts the figures and kept pages on a Redis of their own, which may evict
# its least recently used keys without ever touching the throttling counters.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
FIGURE_CACHE_URL = os.environ.get("FIGURE_CACHE_URL", "").strip() or REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
        },
        "figures": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": FIGURE_CACHE_URL,
            "KEY_PREFIX": "tracker-figures",
        },
    }
FIGURE_CACHE = "figures" if REDIS_URL else None

# History (django-simple-history): reasons can be long; reverting from the history
# page is off, because it would bypass the review workflow and the version check.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# The reporting round (issue 16). Days after a period's end by which its report is due
# (a plan may override each; targets/deadlines.py); reminders start this many days
# before the due date (send_reminders).
TARGETS_DUE_DAYS = {"monthly": 10, "quarterly": 15, "semiannual": 20, "annual": 30}
TARGETS_REMIND_DAYS_BEFORE = env_int("TARGETS_REMIND_DAYS_BEFORE", 3)
# Plausibility warnings (targets/plausibility.py): a figure moving by more than this
# share of the unit's previous approved figure (0.5 = 50%), a denominator by more than
# this share. A warning is confirmed by the reporter with a note; it is not an error.
TARGETS_PLAUSIBILITY_MAX_CHANGE = 0.5
TARGETS_PLAUSIBILITY_MAX_DENOMINATOR_CHANGE = 0.2

# Email (reminders): printed on the console unless EMAIL_HOST names an SMTP server.
# Links in messages start with TRACKER_BASE_URL (the address people open the site at).
TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chuyendoiso@haiphong.gov.vn")
