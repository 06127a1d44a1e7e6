"""Settings for the whole project, read from the environment (django-environ).

With no environment at all the project runs as a first `make run` expects:
SQLite in the project folder and a Celery broker that needs no server.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the
HTTPS flags; `manage.py check --deploy` is clean with them.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A run on one's own computer (make run, make test, make bench set LOCAL_RUN=true, and the
# test settings do): plain HTTP on loopback and the development key are fine there.
# Anything else is production, secure by default: HTTPS redirect, secure cookies and HSTS
# unless explicitly turned off below, and no start without a real SECRET_KEY.
LOCAL_RUN = env.bool("LOCAL_RUN", default=False)
PRODUCTION = not (DEBUG or LOCAL_RUN)
DEVELOPMENT_KEY = "django-insecure-local-development-only"
SECRET_KEY = env("SECRET_KEY", default="" if PRODUCTION else DEVELOPMENT_KEY)
if PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a real secret in production (50 or more random "
        "characters; e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
        "For a local run, set LOCAL_RUN=true."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The county this installation serves (GB/T 2260 code and name).
COUNTY_CODE = env("COUNTY_CODE", default="411726")
COUNTY_NAME = env("COUNTY_NAME", default="泌阳县")

# Our apps come first so that their templates and translations win over those of
# the libraries (Django's own catalogue says "过滤器" where we say "筛选").
INSTALLED_APPS = [
    "institutions",
    "inspections",
    "duty_roster",
    "relief",
    "notifications",
    "daily_reports",
    "dashboards",
    "exports",
    "imports",
    "accounts",
    "audit",
    "preparedness",
    "epidemic",
    "accountability",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "config.apps.AxesConfig",
    "bootstrap",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP, Permissions-Policy and no-store for signed-in pages (config/security.py).
    "config.security.SecurityHeadersMiddleware",
    # A page asked for while PostgreSQL cannot be reached answers a 503 page, not a 500.
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # user.is_verified(): has this session typed its second factor (accounts.two_factor)?
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
    # A village worker opens their village's relief pages and nothing else.
    "accounts.middleware.VillageWorkerPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "config.forms.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reusing a connection for a minute saves a connect and an authentication per request
# (three times the requests per second of a trivial page here); the health check drops
# one the server closed instead of failing the request that finds it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Dashboards, statistics and exports read from a PostgreSQL streaming replica when one is
# set (config/routers.py); everything else, and every write, stays on the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL's JIT compiles a query's expressions when its estimated cost is high: on the
# dashboard's county-wide counts it spent 220 of 300 ms compiling, for queries that then
# ran in 80. Off for this application's connections; behind PgBouncer, which refuses
# startup options, set DATABASE_PG_OPTIONS="" and `ALTER ROLE … SET jit = off` instead.
PG_OPTIONS = env("DATABASE_PG_OPTIONS", default="-c jit=off")
# A PostgreSQL that does not answer must not hold a page or /healthz: a connection attempt
# gives up after this many seconds (2 is the least libpq allows) and the page answers 503
# (config.middleware.DatabaseUnavailableMiddleware). The health check above drops a
# connection the server closed, so the app recovers by itself when the database returns.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _options = _database.setdefault("OPTIONS", {})
        _options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
        if PG_OPTIONS:
            _options["options"] = PG_OPTIONS
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Covering indexes (INCLUDE) are PostgreSQL's; SQLite, a first `make run`'s database,
    # builds the same indexes without the extra columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # A cache that cannot be reached is a miss, not a 500 (config/cache.py): pages count
    # afresh until Redis answers again. A second is long enough for a Redis on the LAN.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Shared between the web server and the Celery processes, unlike local memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# --- Accounts and security -------------------------------------------------

AUTH_USER_MODEL = "institutions.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Level 3 (GB/T 22239-2019 8.1.4.1): at least 10 characters of three of the four classes,
# not like the username, not a common password, not one of the last 5; changed every 90 days
# (0: never) and at the first sign-in of an account an administrator created or reset.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY = env.int("PASSWORD_HISTORY", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassesValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator"},
]

# Two-factor sign-in (TOTP) for these roles and for superusers (accounts.two_factor);
# the issuer is the name an authenticator app shows beside the code.
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["admin", "system_admin", "security_admin", "audit_admin"]
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default=f"{COUNTY_NAME}民政安全")

# Lock an account for 30 minutes after 5 failed logins from one address
# (what assessors of MLPS 2.0 level 3 commonly expect).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A refused try during the lockout does not start the 30 minutes again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT reverse proxies stand in
# front (then X-Forwarded-For, counted from the right, so a client cannot forge it), and
# only from the proxies' addresses TRUSTED_PROXY_IPS when given. The audit log uses the
# same address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("TRUSTED_PROXY_IPS", default=[]) or None
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Log out after 30 minutes without a request, and 12 hours after signing in whatever
# happens; at most SESSION_MAX_PER_USER sessions at once (the oldest is ended).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_MAX_PER_USER = env.int("SESSION_MAX_PER_USER", default=3)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True

# On in production unless turned off here (a site that terminates TLS elsewhere and is
# reached by plain HTTP on a closed network must say so: SECURE_SSL_REDIRECT=false).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Send the Content-Security-Policy as Report-Only (to try a change without breaking pages).
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)

# --- Audit log --------------------------------------------------------------

# Kept at least 180 days in the database (Cybersecurity Law §21); older rows are archived
# to files under AUDIT_ARCHIVE_DIR, not lost.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_ARCHIVE_DIR = env.path("AUDIT_ARCHIVE_DIR", default=VAR_DIR / "audit-archive")

# --- Language and time -----------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's own catalogue, then Chinese for libraries that ship none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "libraries" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files: served by the app itself (no CDN on a bureau intranet) ---

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# --- E-mail ----------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")
# Who gets mail_admins: server errors and a broken audit chain ("Name <a@b>,Name <c@d>").
ADMINS = [
    tuple(part.strip().rstrip(">").split("<", 1)) if "<" in part else ("", part.strip())
    for part in env.list("ADMINS", default=[])
]
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------

# Time limits, in seconds. At the soft limit the task gets SoftTimeLimitExceeded and records
# its failure (an export's page says it failed); a minute later the hard limit kills the
# process and its message is acknowledged, not run again. Most tasks take seconds; the ones
# that grow with the county (exports, imports, scans, the fan-out) get CELERY_LONG_TASK_SECONDS.
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_LONG_TASK_SECONDS = env.int("CELERY_LONG_TASK_SECONDS", default=10 * 60)
CELERY_LONG_TASKS = [
    "exports.export_run",
    "imports.import_check",
    "imports.import_rows",
    "notifications.scan_urgent",
    "notifications.scan_routine",
    "notifications.digest",
    "inspections.fan_out_campaigns",
    "audit.verify_chain",
    "audit.archive",
]
CELERY_TASK_ANNOTATIONS = {
    # A worker child that dies (SIGKILL, out of memory) has its task sent again after
    # 10 s, at most max_retries (3) times: a task that kills its worker every time stops.
    "*": {"default_retry_delay": 10},
    **{
        name: {
            "time_limit": CELERY_LONG_TASK_SECONDS,
            "soft_time_limit": CELERY_LONG_TASK_SECONDS - 60,
        }
        for name in CELERY_LONG_TASKS
    },
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_RETRY_ON_WORKER_LOST = True
# Redis gives a message that a worker took and never acknowledged (the whole worker died)
# to another worker after the visibility timeout. A task still running then would be run a
# second time alongside, so it must outlast the longest hard time limit; five minutes more
# covers a message's wait before it starts and clocks that differ between machines. The
# reasoning is in docs/scaling.md ("When a worker dies"). Tests set it low.
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=max(CELERY_LONG_TASK_SECONDS, CELERY_TASK_TIME_LIMIT) + 300
)
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # A broker that is down or silent must not hold a page: `.delay()` gives up within
        # a few seconds (config.celery.Task.delay logs it and the page goes on).
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
    }
else:
    # A broker with no server: messages are files under var/broker.
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for a broker that is down however long it takes (Celery's default gives up
# after 100 tries), and a page tries three times within about a second and a half.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Workers log through LOGGING below (and its ID-number filter), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues by urgency, so that a long export or a campaign's fan-out never holds up a missed
# check-in alert: production runs a worker on "urgent" alone (see docs/scaling.md). A
# worker started without -Q consumes all three, as `make run`'s does.
CELERY_TASK_QUEUES = [
    Queue("urgent", routing_key="urgent"),
    Queue("default", routing_key="default"),
    Queue("bulk", routing_key="bulk"),
]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "notifications.scan_urgent": {"queue": "urgent"},
    "notifications.deliver": {"queue": "urgent"},
    "duty_roster.mark_missed_check_ins": {"queue": "urgent"},
    "inspections.fan_out_campaigns": {"queue": "bulk"},
    "dashboards.warm": {"queue": "bulk"},
    # Exports and imports, by their names: whatever the app that adds them.
    "*.export_*": {"queue": "bulk"},
    "*.import_*": {"queue": "bulk"},
    "notifications.scan_routine": {"queue": "default"},
    "notifications.digest": {"queue": "default"},
}
# One place for the schedule; each app's tasks live in its own tasks.py.
QUEUED_JOB_RESEND_MINUTES = env.int("QUEUED_JOB_RESEND_MINUTES", default=5)
QUEUED_JOB_MAX_RESENDS = env.int("QUEUED_JOB_MAX_RESENDS", default=3)

CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "config.heartbeat", "schedule": 60.0},
    # Background exports and imports whose task never reached a worker (asked for while
    # Redis was down): sent again after QUEUED_JOB_RESEND_MINUTES, then twice as long each
    # time, at most QUEUED_JOB_MAX_RESENDS times, then marked failed.
    "exports-resend-queued": {"task": "exports.resend_queued", "schedule": crontab(minute="*")},
    "imports-resend-queued": {"task": "imports.resend_queued", "schedule": crontab(minute="*")},
    # Create the inspections that campaigns make due (a week ahead), every morning.
    "inspections-fan-out": {
        "task": "inspections.fan_out_campaigns",
        "schedule": crontab(hour=6, minute=0),
    },
    # 挂牌督办: hazards overdue long enough go under the bureau's supervision, hourly.
    "inspections-place-under-supervision": {
        "task": "inspections.place_under_supervision",
        "schedule": crontab(minute=2),
    },
    # Notifications: urgent rules every minute, routine ones every ten minutes, deliveries every
    # minute (besides the ones enqueued on commit), the digest at 07:30.
    "notifications-scan-urgent": {
        "task": "notifications.scan_urgent",
        "schedule": crontab(minute="*"),
    },
    "notifications-scan-routine": {
        "task": "notifications.scan_routine",
        "schedule": crontab(minute="*/10"),
    },
    "notifications-deliver": {"task": "notifications.deliver", "schedule": 60.0},
    "notifications-digest": {
        "task": "notifications.digest",
        "schedule": crontab(hour=7, minute=30),
    },
    # Recount the dashboards people are looking at before they wait for it.
    "dashboards-warm": {"task": "dashboards.warm", "schedule": 50.0},
    # The audit log: verify its hash chain every night, archive what is past retention.
    "audit-verify-chain": {"task": "audit.verify_chain", "schedule": crontab(hour=2, minute=10)},
    "audit-archive": {"task": "audit.archive", "schedule": crontab(hour=2, minute=40)},
    # Exports' files are kept a day: remove the expired ones every hour.
    "exports-purge-expired": {"task": "exports.purge_expired", "schedule": crontab(minute=17)},
    # Pay the relief applications whose 公示 has run out with no objection standing.
    "relief-release-after-notice": {
        "task": "relief.release_after_notice",
        "schedule": crontab(hour=6, minute=30),
    },
    # Mark shifts under way with nobody checked in (脱岗), every five minutes.
    "duty-missed-check-ins": {
        "task": "duty_roster.mark_missed_check_ins",
        "schedule": crontab(minute="*/5"),
    },
}

# An export of more rows than this is built by a Celery task (bulk queue) with a progress page.
EXPORT_ASYNC_ROWS = env.int("EXPORT_ASYNC_ROWS", default=20_000)

# --- Notifications -------------------------------------------------------------

# The address people reach this site at, for links in e-mail, SMS and robot messages.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A failed delivery is tried again after 1, 2, 4… minutes (at most an hour apart),
# then marked failed for an admin to look at.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)
# SMS: the default backend writes to the log; HttpSmsBackend posts to a gateway.
SMS_BACKEND = env("SMS_BACKEND", default="notifications.channels.LogSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TEMPLATE = env(
    "SMS_GATEWAY_TEMPLATE", default='{"mobile": "{phone}", "content": "{text}"}'
)

# 挂牌督办: a hazard this many days overdue (a major one: overdue at all) goes under the
# bureau's supervision with a new deadline this many days ahead.
HAZARD_SUPERVISION_AFTER_DAYS = env.int("HAZARD_SUPERVISION_AFTER_DAYS", default=3)
HAZARD_SUPERVISION_DEADLINE_DAYS = env.int("HAZARD_SUPERVISION_DEADLINE_DAYS", default=7)

# Emergency information reporting: first report by phone, then in writing (minutes).
DUTY_INCIDENT_PHONE_REPORT_MINUTES = env.int("DUTY_INCIDENT_PHONE_REPORT_MINUTES", default=30)
DUTY_INCIDENT_WRITTEN_REPORT_MINUTES = env.int("DUTY_INCIDENT_WRITTEN_REPORT_MINUTES", default=60)
# /healthz reports the worker as stale when no heartbeat arrived for this long.
CELERY_HEARTBEAT_STALE_SECONDS = env.int("CELERY_HEARTBEAT_STALE_SECONDS", default=300)

# --- Logging ---------------------------------------------------------------

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every handler masks ID numbers (PIPL: they never belong in a log).
    "filters": {"redact_id_numbers": {"()": "config.logging.RedactIdNumbers"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_id_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default handlers for "django" (which do not mask ID numbers).
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

SITE_TITLE = _("Civil Affairs Safety and Duty System")

# --- Epidemic care -----------------------------------------------------------------------------

# A care home whose residents vaccinated fall below this share (per cent) is listed for the
# bureau. No figure was found in ../shared/ (the notice asks for 应接尽接).
EPIDEMIC_LOW_COVERAGE_PERCENT = env.int("EPIDEMIC_LOW_COVERAGE_PERCENT", default=80)

# --- Relief rules ------------------------------------------------------------------------------

# Days an approved application is posted (公示) before it is paid (no figure in
# ../shared/CHECKLISTS.md); the price subsidy's CPI / food CPI triggers (发改价格〔2021〕1553号,
# CHECKLISTS §4); the 低保 standard (yuan a month per head) and the share of earned income
# disregarded (就业成本扣减): placeholders, the Henan figures were not found.
RELIEF_PUBLIC_NOTICE_DAYS = env.int("RELIEF_PUBLIC_NOTICE_DAYS", default=7)
RELIEF_PRICE_CPI_THRESHOLD = env.str("RELIEF_PRICE_CPI_THRESHOLD", default="3.5")
RELIEF_PRICE_FOOD_CPI_THRESHOLD = env.str("RELIEF_PRICE_FOOD_CPI_THRESHOLD", default="6.0")
RELIEF_DIBAO_STANDARD = env.str("RELIEF_DIBAO_STANDARD", default="600")
RELIEF_EMPLOYMENT_COST_DEDUCTION_RATE = env.str(
    "RELIEF_EMPLOYMENT_COST_DEDUCTION_RATE", default="0.3"
)

# --- Field encryption (ID numbers and phone numbers at rest) ---------------------------------

# FIELD_ENCRYPTION_KEYS (Fernet keys, comma-separated: the first encrypts, all decrypt) and
# FIELD_HMAC_KEY (the keyed digest that finds an ID number and keeps it unique). Production
# refuses to start without them; a local run derives development keys. See config/crypto.py
# and `manage.py rotate_field_keys`; config/field_keys.py imports nothing of the apps.
from config.field_keys import field_keys_from_environment  # noqa: E402

FIELD_ENCRYPTION_KEYS, FIELD_HMAC_KEY = field_keys_from_environment(
    env, production=PRODUCTION, secret_key=SECRET_KEY
)
