"""One settings module, driven by environment variables (see README).

PEILI_DATABASE_URL   sqlite:///path or postgres://user@host:port/name (default: SQLite in var/)
PEILI_SECRET_KEY     required when PEILI_DEBUG is off, or when ALLOWED_HOSTS go beyond loopback
PEILI_DEBUG          1/0 (default 1 for the embedded default)
PEILI_ALLOWED_HOSTS  comma-separated
PEILI_HTTPS          1 when served over HTTPS: secure cookies, HSTS, SSL redirect
CELERY_BROKER_URL    e.g. redis://127.0.0.1:6379/0; unset = tasks run eagerly
PEILI_EMAIL_URL      smtp://host:port (default: console backend)
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PEILI_VAR_DIR") or BASE_DIR / "var")


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = parsed.path[1:] if parsed.path.startswith("//") else parsed.path.lstrip("/") or "db.sqlite3"
        name = path if os.path.isabs(path) else str(VAR_DIR / path)
        # SQLite creates the file but not its folder: a fresh clone has no var/ yet.
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": None},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("PEILI_CONN_MAX_AGE", "60")),
            # Off: the check is a `SELECT 1` round trip before the first query of every request, on a
            # connection that is almost always fine. Without it a connection the server dropped
            # (PostgreSQL restarted, a pooler's idle timeout) fails the one request that meets it,
            # and Django closes it at that request's end (an error makes it unusable), so the next
            # request connects afresh. PEILI_CONN_HEALTH_CHECKS=1 turns it back on where dropped
            # connections are common (an aggressive pooler timeout shorter than CONN_MAX_AGE).
            "CONN_HEALTH_CHECKS": _flag("PEILI_CONN_HEALTH_CHECKS", False),
        }
    raise ValueError(f"PEILI_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def _loopback(host: str) -> bool:
    """Whether a host name or address can only be reached from this machine."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


DEBUG = _flag("PEILI_DEBUG", True)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("PEILI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# The committed key signs sessions, consent links and sign-in codes that anyone can forge: it is
# only for a development server nobody else can reach (`make run` on 127.0.0.1). The runserver
# command refuses it on a bind address beyond loopback too (peili/core/management/commands/runserver.py).
DEVELOPMENT_SECRET_KEY = "peili-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("PEILI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("PEILI_SECRET_KEY must be set when PEILI_DEBUG=0")
    exposed = [host for host in ALLOWED_HOSTS if not _loopback(host)]
    if exposed:
        raise RuntimeError(
            f"PEILI_ALLOWED_HOSTS has {', '.join(exposed)}, beyond this machine: set PEILI_SECRET_KEY "
            "(the committed development key serves loopback only)"
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

if DEBUG:
    ALLOWED_HOSTS += ["testserver", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django_htmx",
    "rules",
    "ninja",
    "peili.core",
    "peili.notifications",
    "peili.imports",
    "peili.accounts",
    "peili.policy",
    "peili.org",
    "peili.catalog",
    "peili.enrolment",
    "peili.attendance",
    "peili.records",
    "peili.surveys",
    "peili.reports",
    "peili.demo",
    # After peili.core, whose runserver (refusing the development key beyond loopback) extends it.
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "peili.core.middleware.SecurityHeadersMiddleware",
    "peili.core.middleware.RequestStampsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "peili.core.middleware.LockTimeoutMiddleware",
    "peili.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peili" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peili.core.context_processors.navigation",
            ],
            "builtins": ["peili.core.templatetags.peili", "peili.org.templatetags.org_tags"],
        },
    }
]

DATABASES = {"default": _database(os.environ.get("PEILI_DATABASE_URL", "sqlite:///db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "peili.accounts.backends.SignInBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttling: failures per (username, client address) inside the window lock further tries.
# How long (ms) a transaction waits for a row or named lock on PostgreSQL before it answers
# core.lock_timeout (HTTP 409, "try again"): the same for every jurisdiction and pack.
PEILI_LOCK_TIMEOUT_MS = int(os.environ.get("PEILI_LOCK_TIMEOUT_MS", "5000"))
# Refuse an error code or audit action that no app's codes.py lists (DEBUG and the tests).
PEILI_CHECK_CODES = _flag("PEILI_CHECK_CODES", DEBUG)
PEILI_LOGIN_MAX_FAILURES = int(os.environ.get("PEILI_LOGIN_MAX_FAILURES", "5"))
PEILI_LOGIN_LOCK_SECONDS = int(os.environ.get("PEILI_LOGIN_LOCK_SECONDS", "900"))
# A username from many addresses, or an address across many usernames, is locked after this many
# times the per-pair limit.
PEILI_LOGIN_SPREAD_FACTOR = int(os.environ.get("PEILI_LOGIN_SPREAD_FACTOR", "4"))
# Behind reverse proxies: how many proxy hops there are (e.g. 1 for nginx alone), or the proxies'
# networks (e.g. 10.0.0.0/8,192.168.10.5); the client's address is the right-most one in the
# forwarded-for header (PEILI_CLIENT_IP_HEADER, as a META key) that no trusted proxy wrote for itself.
# Unset: the peer's own address (REMOTE_ADDR). Setting only PEILI_CLIENT_IP_HEADER, as before,
# means one proxy.
_client_ip_header = os.environ.get("PEILI_CLIENT_IP_HEADER", "")
PEILI_CLIENT_IP_HEADER = _client_ip_header or "HTTP_X_FORWARDED_FOR"
PEILI_TRUSTED_PROXIES = os.environ.get("PEILI_TRUSTED_PROXIES", "1" if _client_ip_header else "")
for _proxy in PEILI_TRUSTED_PROXIES.split(","):
    if _proxy.strip() and not _proxy.strip().isdigit():
        ipaddress.ip_network(_proxy.strip(), strict=False)  # a mistyped network stops the start here
# Sessions end after this many minutes without a request, and this many hours after signing in
# however busy (peili.accounts.middleware); a government office's shared and unattended desks.
PEILI_SESSION_IDLE_MINUTES = int(os.environ.get("PEILI_SESSION_IDLE_MINUTES", "60"))
PEILI_SESSION_MAX_HOURS = int(os.environ.get("PEILI_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = PEILI_SESSION_MAX_HOURS * 3600

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "peili" / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "peili" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CACHE_URL = os.environ.get("PEILI_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "peili_cache"}
    )
}
# With Redis, sessions are read from it and written through to the database (they survive a
# flushed cache); without it, straight from the database (a cached_db over the database cache
# would only add a query). Either way the request's version stamps are read with the session:
# with Redis in the same round trip (peili.core.sessions).
SESSION_ENGINE = "peili.core.sessions.cached_db" if CACHE_URL else "peili.core.sessions.db"
# With a cache server, signed-in identities a process has not met yet are taken from it before the
# database (peili.accounts.backends); the database cache would cost what reading them does.
PEILI_SHARED_IDENTITIES = _flag("PEILI_SHARED_IDENTITIES", bool(CACHE_URL))

# Security defaults. Over HTTPS (PEILI_HTTPS=1): secure cookies, HSTS, redirect.
HTTPS = _flag("PEILI_HTTPS", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and _flag("PEILI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: every script and stylesheet is a static file.
PEILI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

EMAIL_URL = os.environ.get("PEILI_EMAIL_URL", "")
if EMAIL_URL:
    _email = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("PEILI_FROM_EMAIL", "peili@localhost")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "tidy-import-jobs": {"task": "org.tidy_import_jobs", "schedule": 3600.0},
    "tidy-records-import-jobs": {"task": "records.tidy_import_jobs", "schedule": 3600.0},
    # Idempotent (one reminder per registration), so running it several times a day is harmless.
    "enrolment-class-reminders": {"task": "enrolment.send_class_reminders", "schedule": 6 * 3600.0},
    # Opens surveys of classes that have ended (within the hour) and reminds non-respondents.
    "surveys-open": {"task": "surveys.open_due", "schedule": 900.0},
    "surveys-reminders": {"task": "surveys.send_reminders", "schedule": 6 * 3600.0},
    # Writes anonymous surveys' waiting answers into the results, a batch at a time.
    "surveys-flush": {"task": "surveys.flush_pools", "schedule": 900.0},
}
# Every task has a time limit: past the soft one the task is interrupted (SoftTimeLimitExceeded: an
# import job is marked failed with a message), past the hard one its worker process is replaced.
PEILI_TASK_SOFT_TIME_LIMIT = int(os.environ.get("PEILI_TASK_SOFT_TIME_LIMIT", "600"))
PEILI_TASK_TIME_LIMIT = int(os.environ.get("PEILI_TASK_TIME_LIMIT", "660"))
CELERY_TASK_SOFT_TIME_LIMIT = PEILI_TASK_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = PEILI_TASK_TIME_LIMIT
# Import jobs (staff lists, learning records) have their own, longer limits.
PEILI_IMPORT_TASK_SOFT_TIME_LIMIT = int(os.environ.get("PEILI_IMPORT_TASK_SOFT_TIME_LIMIT", "900"))
PEILI_IMPORT_TASK_TIME_LIMIT = int(os.environ.get("PEILI_IMPORT_TASK_TIME_LIMIT", "960"))
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": PEILI_IMPORT_TASK_SOFT_TIME_LIMIT, "time_limit": PEILI_IMPORT_TASK_TIME_LIMIT}
    for name in ("org.run_import_job", "records.run_import_job")
}
# Import jobs: a running job with no progress for this long lost its worker (one whose worker
# process could still act is failed at once); uploaded files (personal data) are deleted after this
# many days even when never loaded.
PEILI_IMPORT_STALE_MINUTES = int(os.environ.get("PEILI_IMPORT_STALE_MINUTES", "30"))
PEILI_IMPORT_KEEP_DAYS = int(os.environ.get("PEILI_IMPORT_KEEP_DAYS", "7"))
# Imported files (both importers, `peili.core.tabular`): a file past any of these is refused with a
# code before or while it is read. Uploads are bounded by MAX_BYTES, files given to the import
# commands by COMMAND_MAX_BYTES; the rest holds for both. A .xlsx is refused from its zip directory
# when its parts inflate past MAX_UNCOMPRESSED_BYTES, or to more than MAX_RATIO times their
# compressed size; reading (and checking as it reads) stops after READ_SECONDS.
_MIB = 1024 * 1024
PEILI_IMPORT_MAX_BYTES = int(os.environ.get("PEILI_IMPORT_MAX_BYTES", str(30 * _MIB)))
PEILI_IMPORT_COMMAND_MAX_BYTES = int(os.environ.get("PEILI_IMPORT_COMMAND_MAX_BYTES", str(512 * _MIB)))
PEILI_IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("PEILI_IMPORT_MAX_UNCOMPRESSED_BYTES", str(300 * _MIB)))
PEILI_IMPORT_MAX_RATIO = int(os.environ.get("PEILI_IMPORT_MAX_RATIO", "100"))
PEILI_IMPORT_MAX_ROWS = int(os.environ.get("PEILI_IMPORT_MAX_ROWS", "2000000"))
PEILI_IMPORT_MAX_COLUMNS = int(os.environ.get("PEILI_IMPORT_MAX_COLUMNS", "256"))
PEILI_IMPORT_MAX_CELL_CHARS = int(os.environ.get("PEILI_IMPORT_MAX_CELL_CHARS", "32767"))
PEILI_IMPORT_READ_SECONDS = float(os.environ.get("PEILI_IMPORT_READ_SECONDS", "180"))

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # National IDs never reach a log in full, whoever logs them (a database error quotes a row's key).
    "filters": {"mask_national_ids": {"()": "peili.core.masking.MaskNationalIds"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_national_ids"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PEILI_LOG_LEVEL", "WARNING")},
    # A refused request (4xx) is the client's answer, not the operator's problem: only 5xx are logged.
    "loggers": {"django.request": {"level": os.environ.get("PEILI_REQUEST_LOG_LEVEL", "ERROR")}},
}

# Attendance: learners sign in and out from this many minutes before a session starts; the typed
# six-digit code is refused to a person after this many wrong codes, and to everyone in a session
# after that many in it, for the lock's seconds (a wrong code is forgotten that long after the last).
PEILI_ATTENDANCE_QR_SECONDS = int(os.environ.get("PEILI_ATTENDANCE_QR_SECONDS", "10"))
PEILI_ATTENDANCE_OPENS_MINUTES = int(os.environ.get("PEILI_ATTENDANCE_OPENS_MINUTES", "30"))
PEILI_ATTENDANCE_CODE_MAX_FAILURES = int(os.environ.get("PEILI_ATTENDANCE_CODE_MAX_FAILURES", "5"))
PEILI_ATTENDANCE_CODE_SESSION_MAX_FAILURES = int(os.environ.get("PEILI_ATTENDANCE_CODE_SESSION_MAX_FAILURES", "100"))
PEILI_ATTENDANCE_CODE_LOCK_SECONDS = int(os.environ.get("PEILI_ATTENDANCE_CODE_LOCK_SECONDS", "600"))
# The most people one API request marks on a roster or corrects at closing (the largest class seen
# had 1,188; the pages take a class 100 people at a time).
PEILI_ATTENDANCE_API_MAX_ITEMS = int(os.environ.get("PEILI_ATTENDANCE_API_MAX_ITEMS", "5000"))

# Registration: consent links in emails expire after this many days; links are made absolute with
# the base URL (the address users reach the site at).
PEILI_CONSENT_LINK_DAYS = int(os.environ.get("PEILI_CONSENT_LINK_DAYS", "14"))
# Anonymous surveys: answers reach the results in batches of at least this many (shuffled, written
# apart from who answered), so no batch holds one answer that could be tied to a person; at least 2.
PEILI_SURVEY_ANONYMOUS_BATCH = max(2, int(os.environ.get("PEILI_SURVEY_ANONYMOUS_BATCH", "5")))
PEILI_BASE_URL = os.environ.get("PEILI_BASE_URL", "http://127.0.0.1:8000")
