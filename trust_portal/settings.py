"""Trust Portal settings: one module, every deployment choice from environment variables.

Locally (``make run``) nothing needs setting: SQLite, a file cache and a filesystem Celery
broker, all under ``var/``. Production is the same code with PostgreSQL, Redis and a real
mail server named by ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``CACHE_URL`` and ``EMAIL_URL``.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Everything a local run writes (database, cache, broker folders, media, generated secret).
VAR_DIR = Path(env.str("TRUST_PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A deployment that answers to real host names is production: it must bring its own secret.
# Without ALLOWED_HOSTS the site only answers on this machine, and a generated key is enough.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
IS_PRODUCTION = bool(ALLOWED_HOSTS)
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]


def _local_secret_key() -> str:
    # Kept under var/ so sessions survive restarts of a local run; never used in production.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when ALLOWED_HOSTS is set (production mode)."
        )
    SECRET_KEY = _local_secret_key()
# Earlier keys, kept while SECRET_KEY is rotated: sessions, reset links and recovery codes
# made under them keep working (comma-separated).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "trust_portal.accounts",
    "trust_portal.approvals",
    "trust_portal.dashboards",
    "trust_portal.outbox",
    "trust_portal.webhooks",
    "contracts",
    "transformation",
    "performance",
    "workforce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Records each write asked of the API with a token, with the status it was answered with.
    "trust_portal.accounts.middleware.ApiTokenUseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in and messages: ends idle or over-long sessions, then keeps a signed-in person
    # who has not given their second factor on the two-factor pages.
    "trust_portal.accounts.middleware.SessionLimitsMiddleware",
    "trust_portal.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# Every audited change keeps its reason in full (simple-history's default cuts it at 100).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

ROOT_URLCONF = "trust_portal.urls"
FORM_RENDERER = "trust_portal.govuk_forms.GovukRenderer"
WSGI_APPLICATION = "trust_portal.wsgi.application"

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
                "trust_portal.accounts.context.service",
                "trust_portal.asof.as_of_context",
            ],
            # Template tags every app's pages use, kept in the core (no app of their own).
            "libraries": {
                "govuk": "trust_portal.templatetags.govuk",
                "history": "trust_portal.templatetags.history",
                "money": "trust_portal.templatetags.money",
                "navigation": "trust_portal.templatetags.navigation",
            },
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trust_portal.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers go on while one writes, the busy
    # timeout makes a second writer wait instead of failing, IMMEDIATE takes the write lock at
    # the start of a transaction so two writers cannot deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
else:
    # Measured: closing connections on every request cost 2.8x (DESIGN.md).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

# --- Users and sign-in -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then the pauses per address and per user name (trust_portal/accounts/sign_in_limits.py).
    "trust_portal.accounts.sign_in_limits.SignInLimitsBackend",
    # Django's ModelBackend, refusing service accounts (trust_portal/accounts/backends.py).
    "trust_portal.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Invitation and password-reset links stay valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A session ends after this long without a request, and after SESSION_MAX_DURATION whatever
# the activity. Pages warn SESSION_IDLE_WARNING before the idle end (static/js/session-timeout.mjs);
# the last-activity time is written at most every SESSION_ACTIVITY_REFRESH, not on every request.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=5 * 60)
SESSION_MAX_DURATION = env.int("SESSION_MAX_DURATION", default=8 * 60 * 60)
SESSION_ACTIVITY_REFRESH = 60
SESSION_COOKIE_AGE = SESSION_MAX_DURATION

# Administrators, council officers and trust managers must sign in with a second factor (an
# authenticator app's code, or a recovery code); everyone else may choose to. Required in
# production, where turning it off is refused; offered only in the local demo unless set.
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=IS_PRODUCTION)
if IS_PRODUCTION and not REQUIRE_TWO_FACTOR:
    raise ImproperlyConfigured(
        "REQUIRE_TWO_FACTOR cannot be turned off when ALLOWED_HOSTS is set (production mode)."
    )
# The issuer name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "Trust Portal"

# How many reverse proxies (load balancer, nginx) stand in front of the site, each appending the
# address it was called from to X-Forwarded-For. The client's address is read that many
# entries from the right (trust_portal/client_address.py); 0 reads REMOTE_ADDR only and ignores
# the header, which anyone can send. Sign-in lockouts, email limits and the API's throttling
# all key on this address: too low, and every client shares the proxy's address; too high, and
# a client can name any address it likes.
# In production it must be given, even as 0: a forgotten setting behind a proxy would make every
# client share the proxy's address, and nothing would say so.
if IS_PRODUCTION and "TRUSTED_PROXY_COUNT" not in env.ENVIRON:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be set when ALLOWED_HOSTS is set (production mode): the "
        "number of reverse proxies in front that append to X-Forwarded-For, or 0 if there is "
        "no proxy."
    )
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Signing in (docs/architecture.md, "Signing in safely"). django-axes locks one user name from
# one address after AXES_FAILURE_LIMIT wrong passwords; someone elsewhere can still sign in.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "trust_portal.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
# An attempt refused during a lockout neither counts nor extends it: the pause ends when the
# page says it will.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# One page for every refusal, saying why and when to try again.
AXES_LOCKOUT_CALLABLE = "trust_portal.accounts.sign_in_limits.lockout_response"
AXES_VERBOSE = False
# Beyond axes (trust_portal/accounts/sign_in_limits.py), counted in the cache over a window:
# one address failing this often, whatever the user names, is paused for a while ...
SIGN_IN_WINDOW = 60 * 60
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
SIGN_IN_ADDRESS_PAUSE = 30 * 60
# ... and one user name failing this often, from any addresses, is slowed: each further attempt
# waits, the wait doubling up to the maximum. Never locked, so no attacker can shut its owner
# out for good.
SIGN_IN_USERNAME_FAILURE_LIMIT = env.int("SIGN_IN_USERNAME_FAILURE_LIMIT", default=10)
SIGN_IN_USERNAME_FIRST_DELAY = 60
SIGN_IN_USERNAME_MAX_DELAY = 15 * 60

# Emails anyone can ask for, limited per client address and per account each hour
# (trust_portal/accounts/email_limits.py). Invitations are sent by administrators, who may
# invite a whole team at once: their per-address limit is higher.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR = 3
INVITATIONS_PER_ADDRESS_PER_HOUR = 50
INVITATIONS_PER_ACCOUNT_PER_HOUR = 3

# --- Email ----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trust Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # money is formatted explicitly, by one filter

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
if not IS_PRODUCTION:
    # whitenoise warns at every start while collectstatic has not run yet (tests, first run).
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests run without collectstatic; let whitenoise find files where they are.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

# --- Request and upload sizes ----------------------------------------------------------------
# Caps on what a request may make the site hold, so that no one can exhaust a web process with
# one request. A request over them is answered 400 (Django's SuspiciousOperation), never 500.
# The proxy in front should refuse bigger bodies before they reach Django (README: Deployment,
# nginx's client_max_body_size): Django counts form fields only, never a file's bytes.
# A page's form fields, files apart (Django's default, named here so that it is a decision).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB
# Fields in one form (Django's default, named here so that it is a decision).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# An uploaded file bigger than this is spooled to a temporary file, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB
# Each upload's own limit, checked by its service (the forms' help text quotes these figures).
# The child-level extract (performance/services/uploads.py): a million rows is about 60 MB.
EXTRACT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
# A monthly return's Excel template filled in (performance/workbook.py).
WORKBOOK_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# Published benchmark figures as CSV (performance/services/benchmarks.py).
BENCHMARKS_UPLOAD_MAX_BYTES = 1_000_000
# A contract's documents (contracts/services/contracts.py) and a board meeting's minutes
# (transformation/services/meetings.py).
DOCUMENT_UPLOAD_MAX_BYTES = 25 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict: scripts only from this site (plotly's strict bundle needs no eval) plus one nonce'd
# line that marks the page as JavaScript-enabled, as GOV.UK Frontend expects.
# The one inline style the strict plotly.js bundle (4.1.1) adds as it loads: MapLibre's rules,
# allowed by their hash on the dashboard pages only (plotly's own rules are served as
# static/plotly/plotly.css). scripts/vendor-plotly.sh says to update it with plotly.js.
PLOTLY_STYLE_HASHES = ["'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
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

# --- Celery ---------------------------------------------------------------------------------
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: a real worker with no server. Its folders must exist.
    for sub in ("out", "processed"):
        (_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "out"),
        "data_folder_out": str(_BROKER_DIR / "out"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
    }
# No job may run away with a worker: soft limit raises inside the task, hard limit kills it.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
# A recompute or extract check still "running" this long after it started had its worker die
# (the hard time limit would have ended it before): the beat job gives it back to the queue.
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# Redis hands an unacknowledged message (acks_late: its worker died) to another worker after
# this long: just over the time limit, so a live task is never delivered twice, and a dead
# worker's task is not left for Redis's default hour.
# A message held for its countdown counts too (Redis counts from delivery), so it also covers
# the longest wait before a retry (8 minutes, dashboards/tasks.py's backoff).
BROKER_VISIBILITY_TIMEOUT = env.int(
    "BROKER_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 8 * 60 + 60
)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # A Redis that hangs (rather than refusing) must not hold a request that has committed
        # and is handing its jobs over: give up in seconds, and the outbox tries again.
        "socket_connect_timeout": env.int("BROKER_CONNECT_TIMEOUT", default=2),
        "socket_timeout": env.int("BROKER_SOCKET_TIMEOUT", default=10),
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
# A message the broker refuses is not retried by the sender (which would hold a request up):
# the outbox (trust_portal/outbox) keeps the job and its beat job tries again.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A worker process that has grown past this (KiB) is replaced once its task ends, so the memory
# one large extract took is given back (Celery's worker_max_memory_per_child); and each process
# is replaced after this many tasks in any case.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("WORKER_MAX_MEMORY_KIB", default=600 * 1024)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("WORKER_MAX_TASKS_PER_CHILD", default=100)
# And a hard cap while a task runs: each pool process's address space (virtual size, RLIMIT_AS)
# is capped at this many MiB as it starts (trust_portal/celery.py), so an allocation past it
# fails with MemoryError in the task, which then fails as any task does. 0: no cap. Measured: a
# pool process is 480 MiB virtual before its first task and 1.6 GiB after recomputing the demo
# (pandas, numpy and Arrow loaded; 280 MiB resident), so the default is five times that.
WORKER_HARD_MEMORY_MIB = env.int("WORKER_HARD_MEMORY_MIB", default=8192)
# Uploaded spreadsheets (the child-level extract, the Excel template) are checked against these
# before anything parses them (trust_portal/spreadsheets.py): an .xlsx is a zip, so a small file
# can unpack to gigabytes or millions of rows. The defaults fit a million-row extract.
SPREADSHEET_MAX_UNPACKED_BYTES = env.int("SPREADSHEET_MAX_UNPACKED_MB", default=1000) * 1024**2
SPREADSHEET_MAX_COMPRESSION_RATIO = env.int("SPREADSHEET_MAX_COMPRESSION_RATIO", default=100)
SPREADSHEET_MAX_ROWS = env.int("SPREADSHEET_MAX_ROWS", default=1_000_000)
SPREADSHEET_MAX_COLUMNS = env.int("SPREADSHEET_MAX_COLUMNS", default=100)
SPREADSHEET_MAX_SHARED_STRINGS = env.int("SPREADSHEET_MAX_SHARED_STRINGS", default=3_000_000)
SPREADSHEET_MAX_CSV_ROWS = env.int("SPREADSHEET_MAX_CSV_ROWS", default=2_000_000)
# Any workbook part but the sheets and the shared strings (styles, theme, drawings).
SPREADSHEET_MAX_PART_BYTES = env.int("SPREADSHEET_MAX_PART_MB", default=20) * 1024**2
# The outbox (trust_portal/outbox): a job its change committed but the broker refused is tried
# again, waiting 30 s, 1, 2, 4 minutes... at most OUTBOX_RETRY_MAX_SECONDS between tries, and
# listed as failed on the jobs page after OUTBOX_MAX_ATTEMPTS tries (a day at the defaults).
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=10 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=150)
# A failed job of these tasks (safe to send late: a recompute or an extract check does nothing
# if its work is done) is sent again by the outbox itself once the broker answers again, so each
# finishes after an outage however long; emails (their words may be out of date) wait for an
# administrator's "Send again" on the jobs page.
OUTBOX_SAFE_TO_RESEND = [
    "trust_portal.dashboards.tasks.recompute_task",
    "performance.tasks.extract_import_task",
]
# Sent jobs are kept this long (for whoever looks into a fault), then deleted by the beat job.
OUTBOX_KEEP_SENT_DAYS = env.int("OUTBOX_KEEP_SENT_DAYS", default=7)
# What the beat job checks for work whose worker died (each given the lease's cutoff).
OUTBOX_RECLAIMERS = [
    "trust_portal.dashboards.services.runs_reclaim",
    "performance.services.uploads.extract_uploads_reclaim",
]
# Webhooks (trust_portal/webhooks): each event is POSTed with a WEBHOOK_TIMEOUT_SECONDS
# timeout; a failed try is tried again 30 s, 1, 2, 4 minutes... later (at most
# WEBHOOK_RETRY_MAX_SECONDS, under the broker's visibility timeout) up to WEBHOOK_MAX_ATTEMPTS
# tries; an endpoint whose deliveries fail WEBHOOK_PAUSE_AFTER_FAILURES times in a row is
# paused and the administrators emailed. After a secret's rotation the old one also signs for
# WEBHOOK_SECRET_OVERLAP_HOURS. Endpoints are HTTPS to public addresses on WEBHOOK_ALLOWED_PORTS;
# WEBHOOK_ALLOW_LOOPBACK (tests and the local demo only, refused in production) also lets an
# endpoint be http:// to 127.0.0.1 on any port. WEBHOOK_TIMEOUT_SECONDS bounds the whole exchange.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=8 * 60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=5)
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", default=24)
WEBHOOK_ALLOWED_PORTS = env.list("WEBHOOK_ALLOWED_PORTS", cast=int, default=[443, 8443])
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
if IS_PRODUCTION and WEBHOOK_ALLOW_LOOPBACK:
    raise ImproperlyConfigured(
        "WEBHOOK_ALLOW_LOOPBACK cannot be turned on when ALLOWED_HOSTS is set (production mode)."
    )
# Deliveries delivered, or failed, this many days ago are deleted each night (the beat job
# "forget-old-webhook-deliveries"); those still waiting or retrying are kept.
WEBHOOK_KEEP_DELIVERIES_DAYS = env.int("WEBHOOK_KEEP_DELIVERIES_DAYS", default=90)
# A change queues its arrangement's dashboard recompute this many seconds later; changes made
# meanwhile join that run (trust_portal/dashboards/services.py), so a burst costs one run.
DASHBOARD_RECOMPUTE_DELAY = env.int("DASHBOARD_RECOMPUTE_DELAY", default=60)
# Committee papers are public: counts from 1 to this size less one print as "fewer than 5".
# The council officer issuing a pack may choose another size; the pack records it.
SCRUTINY_SMALL_COUNT = env.int("SCRUTINY_SMALL_COUNT", default=5)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # The outbox: every minute, send the jobs whose change committed while the broker was down
    # (or whose retry is due), and give back recomputes and extract checks whose worker died
    # (running longer than TASK_LEASE_SECONDS), so each finishes once a broker and a worker are up.
    "send-outbox-jobs": {
        "task": "trust_portal.outbox.tasks.outbox_send_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Safety net: every arrangement's snapshots are rebuilt each night even if no change
    # queued a recompute (for example after a failed run).
    "recompute-all-snapshots-nightly": {
        "task": "trust_portal.dashboards.tasks.recompute_all_task",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 60 * 60},
    },
    # Trust managers are reminded each working morning of returns past their due date.
    "remind-overdue-returns": {
        "task": "performance.tasks.remind_overdue_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
        "options": {"expires": 6 * 60 * 60},
    },
    # Rejected extracts' error reports are kept 30 days, then deleted (CHILD_EXTRACT.md).
    "purge-extract-uploads": {
        "task": "performance.tasks.purge_extract_uploads_task",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 60 * 60},
    },
    # A webhook endpoint's previous signing secret is forgotten once its overlap has ended.
    "purge-expired-webhook-secrets": {
        "task": "trust_portal.webhooks.tasks.webhook_secrets_purge_task",
        "schedule": crontab(hour=3, minute=45),
        "options": {"expires": 6 * 60 * 60},
    },
    # Webhook deliveries delivered or failed WEBHOOK_KEEP_DELIVERIES_DAYS ago are deleted.
    "forget-old-webhook-deliveries": {
        "task": "trust_portal.webhooks.tasks.webhook_deliveries_forget_task",
        "schedule": crontab(hour=3, minute=50),
        "options": {"expires": 6 * 60 * 60},
    },
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a call without credentials gets 401 with a WWW-Authenticate header.
        # Tokens people and service accounts manage, stored hashed (accounts/api_tokens.py).
        "trust_portal.accounts.api_tokens.ApiTokenAuthentication",
        # A session counts only once its second factor is given, where one is needed.
        "trust_portal.accounts.two_factor.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["trust_portal.accounts.api_permissions.SignedIn"],
    # Filters and ?ordering= on every list: django-filter's, refusing an empty or unreadable
    # value rather than ignoring it, and a strict ordering; a bad value of either is a 400.
    "DEFAULT_FILTER_BACKENDS": [
        "trust_portal.api.filtering.FilterBackend",
        "trust_portal.api.lists.StrictOrdering",
    ],
    "DEFAULT_PAGINATION_CLASS": "trust_portal.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "trust_portal.api.exception_handler",
    # Throttling keys on the same client address as sign-in (trust_portal/client_address.py).
    # Unset, DRF would believe whatever X-Forwarded-For a client sends.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Requests allowed per token, per signed-in session's user and per anonymous client address
    # (an IPv6 /64), counted in the default cache (trust_portal.api_throttling.py); beyond them
    # the API answers 429 with Retry-After. A rate is "<number>/<second|minute|hour|day>".
    "DEFAULT_THROTTLE_CLASSES": [
        "trust_portal.api_throttling.TokenThrottle",
        "trust_portal.api_throttling.SessionUserThrottle",
        "trust_portal.api_throttling.AnonymousThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_TOKEN_RATE", default="5000/hour"),
        "session": env.str("API_THROTTLE_SESSION_RATE", default="5000/hour"),
        "anonymous": env.str("API_THROTTLE_ANONYMOUS_RATE", default="120/hour"),
    },
    "DEFAULT_PARSER_CLASSES": [
        "trust_portal.api_parsing.CappedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
# Active (unexpired, unrevoked) API tokens one account may have: each token is throttled on
# its own, so without a cap more tokens would mean a higher rate (accounts/api_tokens.py).
API_TOKENS_PER_USER_MAX = env.int("API_TOKENS_PER_USER_MAX", default=10)
SPECTACULAR_SETTINGS = {
    "TITLE": "Trust Portal API",
    "DESCRIPTION": (
        "Read and write the contract and performance data of children's trusts and the "
        "councils that commission them. Every endpoint applies the same permission rules as "
        "the web pages (docs/permissions.md)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a field called "kind"; each choice set gets its own enum name.
    "ENUM_NAME_OVERRIDES": {
        "BenefitKindEnum": "transformation.models.Benefit.Kind",
        "VariationKindEnum": "contracts.models.Variation.Kind",
        "OrganisationKindEnum": "trust_portal.accounts.models.Organisation.Kind",
        "QueryStateEnum": "trust_portal.approvals.models.Query.State",
        # A return's state keeps its name beside a query's.
        "StateEnum": "trust_portal.approvals.models.State",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every list's ?format= and its text/csv answer (trust_portal/api/lists.py); every
    # operation's error answers (400, 401, 403, 404, 409, 413, 429) and their bodies.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "trust_portal.api.lists.add_csv_to_schema",
        "trust_portal.api.schema.documented_errors",
    ],
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Refused requests (4xx) as one line each; server errors keep their tracebacks. On the
    # handler for every logger (django.security.* included), and on django.request itself so
    # that every handler of that logger sees the short record.
    "filters": {"client_errors": {"()": "trust_portal.log_filters.ClientErrorsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["client_errors"]},
        "django.db.backends": {"level": "WARNING"},
        # Sign-in successes are in the access log; only failures and lock-outs matter here.
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF it makes ("Step 5 - Creating layout").
        "weasyprint.progress": {"level": "WARNING"},
    },
}

SERVICE_NAME = "Trust Portal"
# Where links in emails point (emails sent by workers have no request to take it from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SERVICE_PHASE = env.str("SERVICE_PHASE", default="Beta")
