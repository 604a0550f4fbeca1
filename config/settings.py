"""Goldthread settings: one module, driven by environment variables.

Defaults give a developer machine: SQLite and Celery running tasks in process. Production sets
DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The test suite runs with DEBUG off, like production, but with test conveniences.
TESTING = env_bool("GOLDTHREAD_TESTING", "pytest" in sys.modules)

_DEV_SECRET = "django-insecure-goldthread-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET if DEBUG or TESTING else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Oxford City Council")
COUNCIL_AREA_CODE = os.environ.get("COUNCIL_AREA_CODE", "E07000178")

INSTALLED_APPS = [
    "config.admin.GoldthreadAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "targets",
    "benchmarking",
    "feedback",
    "oim",
    "fsr",
    "reporting",
    # Security (issue 10): Content-Security-Policy header, login throttling.
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long-lived caching: CSP on every page, then
    # `no-store` on everything not explicitly public, then a 503 page when the database is down.
    "csp.middleware.CSPMiddleware",
    "config.middleware.NoStoreMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A cached public page for a visitor without a session, answered here: no session, CSRF,
    # user or messages (reporting/public_cache.py). Anything else goes on down.
    "reporting.public_cache.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionLifetimeMiddleware",
    # A ?year= or ?period= a page cannot read: a 400 saying which and why (targets.params).
    "config.middleware.BadParameterMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "config.templates.DjangoTemplates",  # Django's, contexts let go after
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "targets.context_processors.goldthread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database must give the 503 page in seconds, not hang (libpq's minimum is 2).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "2"))
    )
    # A choice list of a form (ModelChoiceField) reads its rows through QuerySet.iterator(),
    # which on PostgreSQL opens a server-side cursor WITH HOLD (DECLARE, FETCH, CLOSE) for a
    # few rows; no code of ours streams a large result. Also what a transaction-pooling
    # PgBouncer needs.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "targets.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "targets.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's three, its JSON parser refusing a NUL in any text (targets/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "targets.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        # The browsable API, with its page's CSP relaxed for DRF's own inline styles only.
        "config.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Goldthread API",
    "DESCRIPTION": "Corporate performance management for councils.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from our own static files: no CDN is reachable from a council network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A data-quality audit's result and its six dimensions share one choice set.
    "ENUM_NAME_OVERRIDES": {"AuditResultEnum": "targets.models.quality.AuditResult"},
    # Every operation documents the errors it can answer (400, 401, 403, 404).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "targets.api.schema.document_errors",
    ],
}
# Service reviews: names for choice sets that share a field name with other apps' ones.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(  # type: ignore[attr-defined]
    {
        "ReviewStatusEnum": "fsr.models.Review.Status",
        "ReviewKindEnum": "fsr.models.Review.Kind",
        "ActionStatusEnum": "targets.models.Action.Status",
        "ActionSourceEnum": "targets.models.Action.Source",
        "FactorSourceEnum": "oim.models.scorecard.Factor.Source",
        "SavingsSourceEnum": "fsr.models.SavingsLine.Source",
        "MetricSourceEnum": "benchmarking.models.Metric.Source",
        "ControlResultEnum": "targets.models.quality.ControlResult",
    }
)
# The risk register and corporate programmes: the same, for their choice sets.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(  # type: ignore[attr-defined]
    {
        "RiskStatusEnum": "fsr.governance.models.Risk.Status",
        "RiskKindEnum": "fsr.governance.models.Risk.Kind",
        "ProgrammeStageEnum": "fsr.governance.models.Stage",
        "ProgrammeRagEnum": "fsr.governance.models.RagStatus",
        "RunStatusEnum": "reporting.models.RunStatus",
    }
)

# Celery: without a broker, tasks run in process (the embedded default of `make run`).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT: float = 5
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, float] = {
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# load_demo makes the latest pack of each report schedule (a few seconds of PDF rendering); the
# tests, which load the demo in many places, skip it unless a test turns it on.
DEMO_REPORT_PACKS = env_bool("DEMO_REPORT_PACKS", not TESTING)

# E-mail: the console in the embedded default; SMTP when EMAIL_HOST is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS on the submission port (587) by default; EMAIL_USE_SSL for implicit TLS (465).
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
# A mail server that does not answer must not hold a worker: the digest waits for the next try.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "goldthread@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Notifications (targets/notify/): values and improvement actions are "due soon" N days ahead;
# anything late by more than M days is escalated to the owner's manager; yearly and six-monthly
# deadlines (procedure reviews, feedback, a review's nine months) are announced L days ahead.
REMINDER_DUE_SOON_DAYS = int(os.environ.get("REMINDER_DUE_SOON_DAYS", "5"))
REMINDER_ESCALATE_AFTER_DAYS = int(os.environ.get("REMINDER_ESCALATE_AFTER_DAYS", "10"))
NOTIFY_LEAD_DAYS = int(os.environ.get("NOTIFY_LEAD_DAYS", "30"))

# Uploads: evidence files and import spreadsheets.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "500000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# LG Inform Plus (the LGA's web API), fetched weekly by Celery beat: without a key, nothing is.
LGINFORM_API_KEY = os.environ.get("LGINFORM_API_KEY", "")
LGINFORM_API_SECRET = os.environ.get("LGINFORM_API_SECRET", "")  # signs each request when set
LGINFORM_BASE_URL = os.environ.get("LGINFORM_BASE_URL", "https://webservices.esd.org.uk")
LGINFORM_LATEST_PERIODS = int(os.environ.get("LGINFORM_LATEST_PERIODS", "3"))
LGINFORM_AREAS_PER_REQUEST = int(os.environ.get("LGINFORM_AREAS_PER_REQUEST", "100"))

# Security: secure by default when DEBUG is off (manage.py check --deploy reports nothing).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request and at the
# latest SESSION_ABSOLUTE_TIMEOUT seconds after sign-in (SessionLifetimeMiddleware in config/,
# which renews the session at most once a minute; the cookie outlives the idle timeout by that).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "1800"))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(10 * 3600)))
SESSION_RENEW_INTERVAL = 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + SESSION_RENEW_INTERVAL
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and monitors probe /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if TESTING:
    SECURE_SSL_REDIRECT = False
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Security and resilience (issue 10) -----------------------------------------------------------

# Content-Security-Policy: nothing inline, nothing from elsewhere, never framed.
PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # "" (plotly.js-style-global)
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js adds an empty <style> and fills it through the CSSOM (allowed): exactly that
        # inline style, by hash (our partial bundles carry no map traces and their stylesheet).
        "style-src": ["'self'", *PLOTLY_STYLE_HASHES],
        # blob: plotly draws a chart's print image (Plotly.toImage, static/js/page.js) through
        # an object URL of its own making.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Login throttling (django-axes): a username tried from one address is locked for a cool-off
# period after AXES_FAILURE_LIMIT failures in a row; the lockout page answers 429.
AUTHENTICATION_BACKENDS = [
    "config.security.AxesBackend",
    # Passwords, as LOCAL_LOGIN allows; then the sessions of people who signed in through SSO.
    "targets.sso.backends.LocalPasswordBackend",
    "targets.sso.backends.SingleSignOnBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
# Behind N reverse proxies that append to X-Forwarded-For, the client is the Nth address from
# the right; 0 trusts only the connection's own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# The cache: Redis in production (CACHE_URL or REDIS_URL), memory otherwise. When Redis is down
# the cache misses, logs a warning and the page is computed instead.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5"))
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "goldthread",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_CONNECT_TIMEOUT,
            },
        }
    }
# Publishing to a Redis broker that is down must fail fast: the run waits in the database.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
# /healthz gives the broker this long to answer (seconds).
HEALTHZ_BROKER_TIMEOUT = float(os.environ.get("HEALTHZ_BROKER_TIMEOUT", "1"))

# Backups (`manage.py backup`): where dumps go unless --output says otherwise.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

# --- Single sign-on with OpenID Connect (issue 20) ------------------------------------------------

# The council's identity provider (Microsoft Entra ID, Google Workspace, Keycloak…), configured
# entirely here. Without OIDC_ISSUER there is no SSO and people sign in with a password.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your council account")
OIDC_REDIRECT_URI = os.environ.get("OIDC_REDIRECT_URI", "")
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
# A first sign-in whose username is already a local account's: link the two (on) or refuse.
OIDC_LINK_LOCAL_ACCOUNTS = env_bool("OIDC_LINK_LOCAL_ACCOUNTS", False)
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
if "openid" not in OIDC_SCOPES.split():
    raise ImproperlyConfigured("OIDC_SCOPES must include openid.")

# Signing in with a password: on (everyone), superusers (break-glass administrators only) or off.
LOCAL_LOGIN = os.environ.get("LOCAL_LOGIN", "on").strip().lower()
if LOCAL_LOGIN not in {"on", "superusers", "off"}:
    raise ImproperlyConfigured("LOCAL_LOGIN must be on, superusers or off.")
if LOCAL_LOGIN != "on" and not OIDC_ISSUER:
    raise ImproperlyConfigured(f"LOCAL_LOGIN={LOCAL_LOGIN} needs single sign-on (OIDC_ISSUER).")
