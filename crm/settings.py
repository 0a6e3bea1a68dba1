"""Kedang settings: one module, read from the environment.

KEDANG_MODE picks the defaults:

- ``embedded`` (default): SQLite and the Celery filesystem broker under ``var/``,
  DEBUG on, SMS to a local outbox. Nothing to install beyond ``requirements.txt``.
- ``production``: refuses to start without SECRET_KEY or with DEBUG on.

Any other KEDANG_MODE, or an env value that does not parse, stops start-up with a
message instead of falling back to something insecure.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crm.settings_guard import KNOWN_DEMO_KEYS, read_env_file, refuse_insecure_production

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent

# --- environment file (prod) ----------------------------------------------------------
# Every command (manage.py, gunicorn, celery) reads the same file, so none runs with other
# settings for a forgotten export (crm/settings_guard.py says which file).
KEDANG_ENV_FILE = read_env_file(BASE_DIR)
VAR_DIR = Path(env.str("KEDANG_VAR_DIR", default=str(BASE_DIR / "var")))
if env.str("PYTEST_XDIST_WORKER", default=""):  # bin/test's parallel processes: files of their own
    VAR_DIR = VAR_DIR / env.str("PYTEST_XDIST_WORKER")

MODES = ("embedded", "production")
MODE = env.str("KEDANG_MODE", default="embedded")
if MODE not in MODES:
    raise ImproperlyConfigured(f"KEDANG_MODE must be one of {', '.join(MODES)}, not {MODE!r}")
PRODUCTION = MODE == "production"


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


# --- production refuses insecure settings (prod) -----------------------------------------
# KEDANG_DEMO=1 says "this is the embedded demo on my own machine" (make demo and the
# Procfile set it): only then may the web server run with DEBUG on or the demo key.
KEDANG_DEMO = _bool("KEDANG_DEMO", default=False)
KNOWN_DEMO_KEYS = KNOWN_DEMO_KEYS  # for crm.wsgi, through django.conf.settings
DEBUG = _bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default="")
# Key for the encrypted ID-card numbers; separate from SECRET_KEY so the session key
# can be rotated without losing the ID numbers.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION:
    refuse_insecure_production(
        demo=KEDANG_DEMO, debug=DEBUG, secret_key=SECRET_KEY, field_key=FIELD_ENCRYPTION_KEY, hosts=ALLOWED_HOSTS
    )
elif not SECRET_KEY:
    SECRET_KEY = "embedded-demo-only-not-secret-0123456789abcdef"
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or SECRET_KEY
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crm",
    "customers",
    "loyalty",
    "followups",
    "complaints",
    "distributors",
    "reports",
    "marketing",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crm.urls"

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
                "crm.context_processors.staff",
            ],
        },
    },
]

WSGI_APPLICATION = "crm.wsgi.application"

# --- database -------------------------------------------------------------------------
DATABASES = {
    "default": environ.Env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'kedang.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker, beat and web server share the file: WAL lets readers run beside the
    # one writer, IMMEDIATE makes writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", _int("CONN_MAX_AGE", 60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- database faults: give up instead of hanging ---------------------------------------
# Seconds to wait for PostgreSQL to accept a connection, and milliseconds one query of a
# web request may run. The statement timeout is for web processes only (crm/wsgi.py sets
# KEDANG_WEB_PROCESS): Celery jobs and management commands may run long queries.
KEDANG_DB_CONNECT_TIMEOUT = _int("KEDANG_DB_CONNECT_TIMEOUT", 3)
KEDANG_DB_STATEMENT_TIMEOUT_MS = _int("KEDANG_DB_STATEMENT_TIMEOUT_MS", 15000)
# /healthz answers within this many seconds, whatever the database or broker do.
KEDANG_HEALTHZ_TIMEOUT = _int("KEDANG_HEALTHZ_TIMEOUT_MS", 1500) / 1000
# An import in checking/importing with no progress for this many seconds (broker down at
# upload, worker killed) is queued again by beat's sweeper, and its user may cancel it.
KEDANG_IMPORT_STUCK_AFTER = _int("KEDANG_IMPORT_STUCK_AFTER", 300)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", KEDANG_DB_CONNECT_TIMEOUT)
    if _bool("KEDANG_WEB_PROCESS", False) and KEDANG_DB_STATEMENT_TIMEOUT_MS > 0:
        _db_options["options"] = f"-c statement_timeout={KEDANG_DB_STATEMENT_TIMEOUT_MS}"

# --- auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "crm.logins.DemoPasswordRefusingBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Date inputs in ISO (YYYY-MM-DD), the only value <input type="date"> shows (the till issue).
FORMAT_MODULE_PATH = ["crm.formats"]

# --- static ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    # The filesystem transport needs its folder before the first message.
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
else:
    # A task taken by a worker that died goes back to the queue after this many seconds.
    # 15 minutes: countdowns (the daily jobs' 5-minute retry) must stay shorter, and
    # a task still running after it may be delivered twice, which every job tolerates
    # (idempotent, conditional claims). The daily jobs do not wait for it: beat's
    # catch-up (KEDANG_SWEEP_EVERY) queues a missed day again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _int("CELERY_VISIBILITY_TIMEOUT", 900)}
CELERY_TASK_ALWAYS_EAGER = _bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Hour and minute (Asia/Shanghai) at which beat runs the daily jobs.
KEDANG_DAILY_JOBS_AT = env.str("KEDANG_DAILY_JOBS_AT", default="08:00")
try:
    _hour, _minute = (int(part) for part in KEDANG_DAILY_JOBS_AT.split(":"))
    assert 0 <= _hour < 24 and 0 <= _minute < 60
except (ValueError, AssertionError):
    raise ImproperlyConfigured(f"KEDANG_DAILY_JOBS_AT must be HH:MM, not {KEDANG_DAILY_JOBS_AT!r}") from None
# Apps add their own periodic tasks to this dict (keys are unique names).
CELERY_BEAT_SCHEDULE = {
    "daily-jobs": {
        "task": "crm.tasks.run_daily_jobs_task",
        "schedule": crontab(hour=_hour, minute=_minute),
    },
}

# --- faults: sweepers that pick up what a broker outage or a killed worker left -------
# Every few minutes: imports stuck in checking/importing are queued again, and the daily
# jobs, if today's run is due (after KEDANG_DAILY_JOBS_AT) and not done, are caught up.
KEDANG_SWEEP_EVERY = _int("KEDANG_SWEEP_EVERY", 300)
CELERY_BEAT_SCHEDULE["customers-requeue-imports"] = {
    "task": "customers.tasks.requeue_imports_task",
    "schedule": KEDANG_SWEEP_EVERY,
}
# Today's daily jobs are queued again when nobody worked on them for this many seconds.
KEDANG_DAILY_STALE_AFTER = _int("KEDANG_DAILY_STALE_AFTER", 600)
CELERY_BEAT_SCHEDULE["daily-jobs-catch-up"] = {
    "task": "crm.tasks.catch_up_daily_jobs_task",
    "schedule": KEDANG_SWEEP_EVERY,
}

# --- security in production -----------------------------------------------------------
if PRODUCTION:
    # gunicorn serves the collected static files itself (run collectstatic on deploy).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Behind nginx (deploy/nginx-kedang.conf), which terminates TLS and says so in
    # X-Forwarded-Proto; plain-HTTP requests are redirected, except the load balancer's
    # /healthz. These are fixed in production: there is no setting to turn them off.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    if SECURE_HSTS_SECONDS < 1:
        raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be positive in production")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- backups (prod) ---------------------------------------------------------------------
# manage.py backup writes into KEDANG_BACKUP_DIR and keeps the newest KEDANG_BACKUP_KEEP.
# Beat runs it nightly at KEDANG_BACKUP_AT in the embedded setup; in production by
# choice (KEDANG_BACKUP_NIGHTLY=on needs pg_dump on every worker host) or from cron.
KEDANG_BACKUP_DIR = Path(env.str("KEDANG_BACKUP_DIR", default=str(VAR_DIR / "backups")))
KEDANG_BACKUP_KEEP = _int("KEDANG_BACKUP_KEEP", 14)
if KEDANG_BACKUP_KEEP < 1:
    raise ImproperlyConfigured("KEDANG_BACKUP_KEEP must be at least 1")
KEDANG_BACKUP_AT = env.str("KEDANG_BACKUP_AT", default="02:30")
try:
    _backup_hour, _backup_minute = (int(part) for part in KEDANG_BACKUP_AT.split(":"))
    assert 0 <= _backup_hour < 24 and 0 <= _backup_minute < 60
except (ValueError, AssertionError):
    raise ImproperlyConfigured(f"KEDANG_BACKUP_AT must be HH:MM, not {KEDANG_BACKUP_AT!r}") from None
if _bool("KEDANG_BACKUP_NIGHTLY", default=not PRODUCTION):
    CELERY_BEAT_SCHEDULE["backup-nightly"] = {
        "task": "crm.tasks.backup_task",
        "schedule": crontab(hour=_backup_hour, minute=_backup_minute),
    }

# --- browser security headers (prod) ----------------------------------------------------
# In every mode, so the demo and the browser tests meet the policy production sends:
# no inline script or style, nothing from another origin (the stores have no CDN anyway).
# Bootstrap's CSS draws its check marks and select arrows as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# Pages for a logged-in user show personal data: never kept by a browser or a proxy.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "crm.middleware.NoStoreMiddleware"
)

# --- logins and sessions (prod) ----------------------------------------------------------
# Lockout (django-axes): 5 failures for one login from one address lock that pair for
# 15 minutes from the 5th failure, on /login/ and /admin/login/ alike; head office can
# unlock on the staff page. Further tries while locked do not push the time back.
AXES_FAILURE_LIMIT = _int("KEDANG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_int("KEDANG_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "crm.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "crm.logins.client_ip"
AXES_USERNAME_CALLABLE = "crm.logins.client_username"
AXES_VERBOSE = False
# The audit log keeps every login (crm.logins); axes keeps only the failures it counts.
AXES_DISABLE_ACCESS_LOG = True
if PRODUCTION:
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "crm.logins.NotTheDemoPasswordValidator"})
# Two-step login (django-otp TOTP + recovery codes) for head office and system
# administrators: on by default in production, off in the embedded demo.
KEDANG_2FA_REQUIRED = _bool("KEDANG_2FA_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Kedang")
# Sessions for shared tablets: gone when the browser closes, after 30 idle minutes for
# store staff (clerks, managers), after KEDANG_SESSION_OFFICE_IDLE_MINUTES for the
# others, and after 12 hours whatever happens.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
KEDANG_SESSION_IDLE_MINUTES = _int("KEDANG_SESSION_IDLE_MINUTES", 30)
KEDANG_SESSION_OFFICE_IDLE_MINUTES = _int("KEDANG_SESSION_OFFICE_IDLE_MINUTES", 120)
KEDANG_SESSION_MAX_HOURS = _int("KEDANG_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = KEDANG_SESSION_MAX_HOURS * 3600
for _name, _after in (
    ("crm.sessions.SessionLimitsMiddleware", "django.contrib.messages.middleware.MessageMiddleware"),
    ("django_otp.middleware.OTPMiddleware", "crm.sessions.SessionLimitsMiddleware"),
    ("crm.two_factor.SecondFactorMiddleware", "django_otp.middleware.OTPMiddleware"),
):
    MIDDLEWARE.insert(MIDDLEWARE.index(_after) + 1, _name)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- loyalty ---
# Points earned per CNY of a purchase's total, rounded down (for example 1 or 0.5).
LOYALTY_POINTS_PER_CNY = env.str("LOYALTY_POINTS_PER_CNY", default="1")
try:
    assert Decimal(LOYALTY_POINTS_PER_CNY) >= 0
except (InvalidOperation, AssertionError):
    raise ImproperlyConfigured(
        f"LOYALTY_POINTS_PER_CNY must be a number >= 0, not {LOYALTY_POINTS_PER_CNY!r}"
    ) from None
# Points expire this many days after they were earned; 0 turns expiry off.
LOYALTY_POINTS_EXPIRE_DAYS = _int("LOYALTY_POINTS_EXPIRE_DAYS", 0)
# New card numbers: {tier} (A/B), {year}, {store} (store code), {seq} (running number per prefix).
LOYALTY_CARD_NUMBER_FORMAT = env.str("LOYALTY_CARD_NUMBER_FORMAT", default="{tier}{year}{seq:06d}")

# --- followups ---
# Dotted path of the SMS backend: followups.sms.backends.{filebased,console,locmem,http}.SmsBackend.
KEDANG_SMS_BACKEND = env.str("KEDANG_SMS_BACKEND", default="followups.sms.backends.filebased.SmsBackend")
KEDANG_SMS_OUTBOX_DIR = Path(env.str("KEDANG_SMS_OUTBOX_DIR", default=str(VAR_DIR / "sms-outbox")))
KEDANG_SMS_HTTP_URL = env.str("KEDANG_SMS_HTTP_URL", default="")
KEDANG_SMS_HTTP_KEY = env.str("KEDANG_SMS_HTTP_KEY", default="")
KEDANG_SMS_HTTP_SENDER = env.str("KEDANG_SMS_HTTP_SENDER", default="")
KEDANG_SMS_HTTP_TIMEOUT = _int("KEDANG_SMS_HTTP_TIMEOUT", 10)
if KEDANG_SMS_BACKEND.endswith(".http.SmsBackend") and not KEDANG_SMS_HTTP_URL:
    raise ImproperlyConfigured("KEDANG_SMS_HTTP_URL is required with the HTTP SMS backend")
# Shared secret the gateway sends with inbound replies (X-Kedang-Token); empty disables the endpoint.
KEDANG_SMS_INBOUND_TOKEN = env.str("KEDANG_SMS_INBOUND_TOKEN", default="")
KEDANG_SMS_OPT_OUT_LINE = env.str("KEDANG_SMS_OPT_OUT_LINE", default="回复TD退订")
KEDANG_SMS_MAX_ATTEMPTS = _int("KEDANG_SMS_MAX_ATTEMPTS", 5)
# A message claimed longer ago than this by a sender that never finished is claimed again.
KEDANG_SMS_CLAIM_TIMEOUT = _int("KEDANG_SMS_CLAIM_TIMEOUT", 300)
# An SMS more than this many days past its due date is cancelled instead of sent.
KEDANG_SMS_MAX_LATE_DAYS = _int("KEDANG_SMS_MAX_LATE_DAYS", 3)
KEDANG_FOLLOWUP_MIN_CALL_GAP_DAYS = _int("KEDANG_FOLLOWUP_MIN_CALL_GAP_DAYS", 3)
KEDANG_FOLLOWUP_DAMPING_CALLS = _int("KEDANG_FOLLOWUP_DAMPING_CALLS", 3)
KEDANG_FOLLOWUP_MAX_ATTEMPTS = _int("KEDANG_FOLLOWUP_MAX_ATTEMPTS", 3)
CELERY_BEAT_SCHEDULE["followups-send-outbox"] = {
    "task": "followups.tasks.send_outbox_task",
    "schedule": _int("KEDANG_SMS_OUTBOX_EVERY", 300),
}

# --- complaints ---
# Largest attachment (photo or PDF) accepted on a complaint, in bytes.
COMPLAINTS_ATTACHMENT_MAX_BYTES = _int("COMPLAINTS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# The satisfaction callback is due this many days after a complaint is closed.
COMPLAINTS_SURVEY_AFTER_DAYS = _int("COMPLAINTS_SURVEY_AFTER_DAYS", 1)
# Still overdue this many hours after the first breach: escalated to head office.
COMPLAINTS_SECOND_BREACH_HOURS = _int("COMPLAINTS_SECOND_BREACH_HOURS", 24)
CELERY_BEAT_SCHEDULE["complaints-escalate-hourly"] = {
    "task": "complaints.tasks.escalate_task",
    "schedule": crontab(minute=5),
}

# --- distributors ---
# Code of the store the dealers' customer files belong to (not a shop: no clerk sees it).
KEDANG_DISTRIBUTORS_STORE = env.str("KEDANG_DISTRIBUTORS_STORE", default="DIST")
if not 0 < len(KEDANG_DISTRIBUTORS_STORE) <= 16:
    raise ImproperlyConfigured("KEDANG_DISTRIBUTORS_STORE must be a store code of 1 to 16 characters")
# Greetings and gifts for important and major accounts are due this many days before a holiday.
KEDANG_DISTRIBUTORS_GIFT_DAYS_BEFORE = _int("KEDANG_DISTRIBUTORS_GIFT_DAYS_BEFORE", 7)

# --- spreadsheets ---
# Upload limit for customer workbooks, and how big their unpacked parts may add up to
# (zip bombs are refused before anything is read).
KEDANG_IMPORT_MAX_BYTES = _int("KEDANG_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
KEDANG_IMPORT_MAX_UNPACKED_BYTES = _int("KEDANG_IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
# The spreadsheet code lives inside the customers app but keeps its own catalogue.
LOCALE_PATHS = [*LOCALE_PATHS, BASE_DIR / "customers" / "importing" / "locale"]

# --- personal data (PIPL): serving another store's customer, lookups ---
# Full mobile-number lookups at the till, per clerk and hour (each one is logged).
KEDANG_TILL_FULL_LOOKUPS_PER_HOUR = _int("KEDANG_TILL_FULL_LOOKUPS_PER_HOUR", 30)
# The SMS code that lets a store serve another store's customer: minutes valid, tries,
# codes per clerk and per customer an hour; a verified code serves for this many minutes.
KEDANG_SERVE_CODE_MINUTES = _int("KEDANG_SERVE_CODE_MINUTES", 10)
KEDANG_SERVE_CODE_TRIES = _int("KEDANG_SERVE_CODE_TRIES", 3)
KEDANG_SERVE_CODES_PER_CLERK_HOUR = _int("KEDANG_SERVE_CODES_PER_CLERK_HOUR", 10)
KEDANG_SERVE_CODES_PER_CUSTOMER_HOUR = _int("KEDANG_SERVE_CODES_PER_CUSTOMER_HOUR", 3)
KEDANG_SERVE_SALE_MINUTES = _int("KEDANG_SERVE_SALE_MINUTES", 60)
# Uploaded workbooks (ID numbers in plain text) and import reports: owner-only files,
# deleted after this many days at the latest (a refused or finished upload at once).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
KEDANG_IMPORT_FILE_RETENTION_DAYS = _int("KEDANG_IMPORT_FILE_RETENTION_DAYS", 7)
# The audit page flags staff who open more customer profiles than this in one hour.
KEDANG_AUDIT_VIEWS_PER_HOUR_ALERT = _int("KEDANG_AUDIT_VIEWS_PER_HOUR_ALERT", 60)
# A home store manager may download a customer's data this many days after head office approved it.
KEDANG_RIGHTS_EXPORT_DAYS = _int("KEDANG_RIGHTS_EXPORT_DAYS", 7)
# Customers with no purchase for this many years are listed for review (and erased by the
# daily job, at most so many a day, once head office turns that on in the app).
KEDANG_RETENTION_YEARS = _int("KEDANG_RETENTION_YEARS", 5)
KEDANG_RETENTION_ERASE_PER_DAY = _int("KEDANG_RETENTION_ERASE_PER_DAY", 500)

# --- reports ---
# Today's dashboard figures are refreshed every hour (the daily job does the periods).
CELERY_BEAT_SCHEDULE["reports-refresh-hourly"] = {
    "task": "reports.tasks.refresh_today_task",
    "schedule": crontab(minute=_int("REPORTS_REFRESH_MINUTE", 35)),
}

# --- marketing and api: their values are read in crm/settings_later.py ---
from crm.settings_later import later_app_settings  # noqa: E402

_later, _later_beat = later_app_settings(env, _int, _bool, PRODUCTION)
globals().update(_later)
CELERY_BEAT_SCHEDULE.update(_later_beat)
