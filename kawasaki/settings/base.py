"""Settings shared by every deployment; anything that differs by deployment comes from the environment.

Every variable read here is documented in `.env.example` at the repository root.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Where uploads, the embedded Celery queue and other runtime files live.
VAR_DIR = Path(env("KAWASAKI_VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_scopes",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "kawasaki.apps.KawasakiConfig",
    "patents",
    "smes",
    "matching",
    "negotiations",
    "subsidies",
    "reports",
]

MIDDLEWARE = [
    "kawasaki.health.HealthCheckMiddleware",  # first: /health/ answers before host checks and redirects
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kawasaki.uploads.RequestSizeLimitMiddleware",  # 413 before a too-large body is read
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kawasaki.jobs.BackgroundPausedMiddleware",  # after messages: it adds "background work is paused"
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kawasaki.middleware.PrivateCacheMiddleware",  # after auth: it asks who is signed in
    "kawasaki.middleware.MfaRequiredMiddleware",
    "kawasaki.middleware.MunicipalityScopeMiddleware",
]

ROOT_URLCONF = "kawasaki.urls"
WSGI_APPLICATION = "kawasaki.wsgi.application"

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
                "kawasaki.context_processors.tenant",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL selects the engine: sqlite:///path for the embedded default, postgres://... elsewhere.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions let the embedded worker and the web process write without
    # "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (shared: login rate limits must hold across processes) ---------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kawasaki_cache"}
    }

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "kawasaki.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses are verified by the invitation link itself
ACCOUNT_ADAPTER = "kawasaki.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Counted on the shared cache, so every web process sees the same attempts.
ACCOUNT_RATE_LIMITS = {
    "login": env("KAWASAKI_RATE_LOGIN", default="30/m/ip"),
    "login_failed": env("KAWASAKI_RATE_LOGIN_FAILED", default="5/5m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/5m/key",
}
# --- Client address behind proxies (login throttles, API throttles) --------------------------------
# Behind the documented TLS proxy every request comes from the proxy's address: without these, one
# person's failed logins would lock out the whole city. How many proxies in front of gunicorn append
# to X-Forwarded-For (1 for the one proxy in docs/operations.md; 0 when gunicorn faces clients), or a
# header the outermost proxy sets that the client cannot (e.g. X-Real-IP); never trust more proxies
# than there are, or the client chooses its own address. Read by kawasaki.adapters.client_ip.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("KAWASAKI_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("KAWASAKI_TRUSTED_CLIENT_IP_HEADER", default="") or None
# --- end client address ---------------------------------------------------------------------------

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("KAWASAKI_MFA_ISSUER", default="Kawasaki IP Matching")
# Accept the code of the neighbouring 30-second step too (RFC 6238 section 5.2), so that a code typed
# as the step turns, or on a phone whose clock drifts a little, still works. Used codes stay refused.
MFA_TOTP_TOLERANCE = env.int("KAWASAKI_MFA_TOTP_TOLERANCE", default=1)
# Coordinators and municipality admins must enrol TOTP before using the product. Only the embedded
# demo may switch this off; production settings refuse to start without it.
KAWASAKI_REQUIRE_MFA = env.bool("KAWASAKI_REQUIRE_MFA", default=True)
KAWASAKI_HEALTH_TIMEOUT = env.float("KAWASAKI_HEALTH_TIMEOUT", default=3.0)  # seconds per readiness check
# Bearer token for the operator's readiness check /health/ready/ (closed while empty); /health/ is public.
KAWASAKI_HEALTH_TOKEN = env("KAWASAKI_HEALTH_TOKEN", default="")
KAWASAKI_INVITATION_TTL = timedelta(days=env.int("KAWASAKI_INVITATION_DAYS", default=7))

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("KAWASAKI_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- i18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("KAWASAKI_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("KAWASAKI_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and stylesheet is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
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
}

# --- Celery ---------------------------------------------------------------------------------------
# Settings chosen so that work is not lost: a task is acknowledged only after it ran, a worker that
# dies hands its task back, and each worker holds one message at a time.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The longest task (a 100,000-row import or a whole-portfolio screening) takes minutes; an
# unacknowledged message is redelivered only after this, so it must be far longer.
KAWASAKI_TASK_HARD_LIMIT = env.int("KAWASAKI_TASK_HARD_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = KAWASAKI_TASK_HARD_LIMIT
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 2 * KAWASAKI_TASK_HARD_LIMIT}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded default keeps its queue under var/ (never committed, never in the image). The
    # filesystem transport has no visibility timeout (it ignores the option above); control_folder
    # would otherwise default to ./control, in the working directory.
    _queue = VAR_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
CELERY_BEAT_SCHEDULE: dict = {
    "purge-expired-invitations": {
        "task": "kawasaki.purge_expired_invitations",
        "schedule": timedelta(hours=6),
    },
    "negotiations-task-reminders": {
        "task": "negotiations.send_task_reminders",
        "schedule": timedelta(hours=1),
    },
    # Sent reminders are recorded, so running this more often than daily sends nothing twice.
    "subsidy-deadline-reminders": {
        "task": "subsidies.send_deadline_reminders",
        "schedule": timedelta(hours=1),
    },
    # Sent reminders are recorded per NDA end date, recipient and lead time: re-runs send nothing twice.
    "negotiations-nda-reminders": {
        "task": "negotiations.send_nda_reminders",
        "schedule": timedelta(hours=1),
    },
}
# Days before an NDA ends that its deal's coordinator and SME members are reminded (once each).
KAWASAKI_NDA_REMINDER_DAYS = env.list("KAWASAKI_NDA_REMINDER_DAYS", cast=int, default=[30])

# --- Faults: Redis timeouts, job heartbeats and the sweep (issue 17, items 6-7) --------------------
# No request may wait on a dead or frozen Redis for more than a second or two: every Redis client
# gets connect and socket timeouts. A publish is not retried in the request (the sweep queues it).
KAWASAKI_REDIS_CONNECT_TIMEOUT = env.float("KAWASAKI_REDIS_CONNECT_TIMEOUT", default=0.5)
KAWASAKI_REDIS_SOCKET_TIMEOUT = env.float("KAWASAKI_REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    # Fails open: a cache error is logged and read as a miss, so login works while Redis is down.
    CACHES["default"]["BACKEND"] = "kawasaki.cache.FailOpenRedisCache"
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": KAWASAKI_REDIS_CONNECT_TIMEOUT,
        "socket_timeout": KAWASAKI_REDIS_SOCKET_TIMEOUT,
        # redis-py retries a timed-out command by default, doubling the wait: fail once, fail open.
        "retry": Retry(NoBackoff(), 0),
    }
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "socket_connect_timeout": KAWASAKI_REDIS_CONNECT_TIMEOUT,
        # A little over the 1 s a worker's BRPOP waits on the server, so an idle poll never times out.
        "socket_timeout": max(KAWASAKI_REDIS_SOCKET_TIMEOUT, 1.25),
        # Opening the connection to publish: one quick second try, not kombu's 2 s pauses.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = KAWASAKI_REDIS_CONNECT_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
# A soft limit first, so that the task's failure hook runs before the hard limit kills the child.
CELERY_TASK_SOFT_TIME_LIMIT = max(KAWASAKI_TASK_HARD_LIMIT - 60, KAWASAKI_TASK_HARD_LIMIT * 9 // 10)
# A running job with no heartbeat for this long is shown as interrupted and re-queued by the sweep.
KAWASAKI_JOB_HEARTBEAT_SECONDS = env.float("KAWASAKI_JOB_HEARTBEAT_SECONDS", default=20)
KAWASAKI_JOB_STALE_MINUTES = env.float("KAWASAKI_JOB_STALE_MINUTES", default=3)
KAWASAKI_JOB_MAX_ATTEMPTS = env.int("KAWASAKI_JOB_MAX_ATTEMPTS", default=3)
# A job recorded this recently may still be on its way to the broker (publish after commit).
KAWASAKI_JOB_QUEUE_GRACE_SECONDS = env.int("KAWASAKI_JOB_QUEUE_GRACE_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["kawasaki-jobs-sweep"] = {
    "task": "kawasaki.jobs_sweep",
    "schedule": timedelta(minutes=1),
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["kawasaki.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Per token user, else per real client address (kawasaki/api/throttling.py: the trusted client-IP
    # header or proxy count, as the login throttles); failed token authentications per client address.
    "DEFAULT_THROTTLE_CLASSES": ["kawasaki.api.throttling.ApiUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("KAWASAKI_API_RATE", default="600/min"),
        "failed_auth": env("KAWASAKI_API_FAILED_AUTH_RATE", default="20/min"),
    },
    "EXCEPTION_HANDLER": "kawasaki.api.errors.exception_handler",
    # Read by DRF's own throttles only; ours use kawasaki.adapters.client_ip (header or proxy count).
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kawasaki IP Matching API",
    "DESCRIPTION": "Read and write the programme's data of one municipality. See docs/api-changelog.md.",
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DEFAULT_GENERATOR_CLASS": "kawasaki.api.schema.UnscopedSchemaGenerator",
    # One schema name per choice set that several fields use.
    "ENUM_NAME_OVERRIDES": {
        "NegotiationStateEnum": "negotiations.models.State",
        "DropReasonEnum": "negotiations.models.DropReason",
        "OtherApplicantsPolicyEnum": "patents.models.OtherApplicants",
    },
}

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@ip-matching.example.jp")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
KAWASAKI_BASE_URL = env("KAWASAKI_BASE_URL", default="http://127.0.0.1:8000")

# --- Screening engine -----------------------------------------------------------------------------
# Nested like matching.engine.EngineSettings (see its docstrings for what each weight does); keys left
# out keep the engine's defaults. screen_eval and every screening run read these.
KAWASAKI_SCREENING = {
    "synonyms": env.bool("KAWASAKI_SCREENING_SYNONYMS", default=True),
    "expansion_weight": env.float("KAWASAKI_SCREENING_EXPANSION_WEIGHT", default=0.3),
    "bm25": {"k1": 1.2, "b": 0.75, "title_weight": 2.0},
    "fit": {
        "criterion_weight": env.float("KAWASAKI_FIT_CRITERION_WEIGHT", default=0.05),
        "partly_factor": 0.5,
        "no_weight": 0.0,
        "large_business_only_penalty": env.float("KAWASAKI_FIT_LARGE_ONLY_PENALTY", default=0.3),
        "floor": 0.05,
    },
    "analyzer": {"japanese_subtokens": True, "stem_english": True},
}
# Screening indexes (matching/indexing.py). A web request builds an index itself only when it has
# at most this many seeds (or SMEs) to index, which takes a second or two; a larger index is built
# by Celery while requests answer from the previous one and say that new data is being indexed.
KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS = env.int("KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS", default=2000)
# How long a background build waits for another build of the same index to finish before giving up
# (then the build that ran registers the newer data, or the next request queues it again).
KAWASAKI_INDEX_BUILD_LOCK_WAIT = env.float("KAWASAKI_INDEX_BUILD_LOCK_WAIT", default=15 * 60)
# A build queued this long ago without an index for its version is queued again by the next request.
KAWASAKI_INDEX_REQUEUE_MINUTES = env.float("KAWASAKI_INDEX_REQUEUE_MINUTES", default=10)

# --- Subsidies ------------------------------------------------------------------------------------
# Days before a window closes when coordinators and SME members are reminded (each once).
KAWASAKI_SUBSIDY_REMINDER_DAYS = env.list("KAWASAKI_SUBSIDY_REMINDER_DAYS", cast=int, default=[14, 3])
# A programme whose next window opens within this many days is listed as "can apply soon".
KAWASAKI_SUBSIDY_SOON_DAYS = env.int("KAWASAKI_SUBSIDY_SOON_DAYS", default=30)

# --- Patents --------------------------------------------------------------------------------------
# Largest portfolio file accepted for import (bytes); also bounds an XLSX's declared uncompressed size.
KAWASAKI_IMPORT_MAX_BYTES = env.int("KAWASAKI_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
# Largest attachment (drawing, prototype photo, experiment data) accepted per file (bytes).
KAWASAKI_ATTACHMENT_MAX_BYTES = env.int("KAWASAKI_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Seeds whose right expires within this many months are flagged "expiring soon".
KAWASAKI_EXPIRY_WARNING_MONTHS = env.int("KAWASAKI_EXPIRY_WARNING_MONTHS", default=12)

# --- Uploads (kawasaki/uploads.py: one policy for every file field) ---------------------------------
# Largest file accepted per kind of upload, in bytes. The request body limit (RequestSizeLimitMiddleware,
# and the TLS proxy's client_max_body_size: docs/operations.md) is the largest of these plus 1 MB.
KAWASAKI_UPLOAD_MAX_BYTES = {
    "deal_document": env.int("KAWASAKI_UPLOAD_MAX_BYTES_DEAL_DOCUMENT", default=20 * 1024 * 1024),
    "product_photo": env.int("KAWASAKI_UPLOAD_MAX_BYTES_PRODUCT_PHOTO", default=10 * 1024 * 1024),
    "subsidy_document": env.int("KAWASAKI_UPLOAD_MAX_BYTES_SUBSIDY_DOCUMENT", default=20 * 1024 * 1024),
    "seed_attachment": KAWASAKI_ATTACHMENT_MAX_BYTES,
    "portfolio_import": KAWASAKI_IMPORT_MAX_BYTES,
}
# Uploads above this are written to a temporary file instead of memory (Django's default, stated).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields other than files: Django's default limit, stated so that it is not raised by accident.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# --- end uploads ----------------------------------------------------------------------------------
