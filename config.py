"""Configuration classes, read from the environment.

Secrets never have a default: development generates its keys once into
instance/dev-secrets.json (0600, gitignored) so that `make run`'s web server and worker sign
and check the same links; production refuses to start without its secrets.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR") or BASE_DIR / "instance")
DEV_SECRETS_FILE = "dev-secrets.json"
DEV_SECRET_NAMES = ("SECRET_KEY", "AUDIT_HMAC_KEY")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def development_secrets(instance_dir: Path = INSTANCE_DIR) -> dict[str, str]:
    """Development's keys, generated on first use into instance/dev-secrets.json (mode 0600)
    and read from there by every process, so the web server and the worker agree.

    Two processes starting at once both end up with the first file written: it is created
    complete under a temporary name and linked into place, which fails if it already exists.
    """
    path = instance_dir / DEV_SECRETS_FILE
    kept = _read_secrets(path)
    if all(kept.get(name) for name in DEV_SECRET_NAMES):
        return kept
    instance_dir.mkdir(parents=True, exist_ok=True)
    fresh = {name: secrets.token_hex(32) for name in DEV_SECRET_NAMES} | kept
    fd, temp = tempfile.mkstemp(dir=instance_dir, prefix=".dev-secrets-")  # created 0600
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(fresh, handle)
        if kept:
            os.replace(temp, path)  # an older file without a newer key: add the key
        else:
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return _read_secrets(path)


def _read_secrets(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}


class Config:
    """Settings shared by every environment."""

    ORG_NAME = os.environ.get("ORG_NAME", "Police, Security & Outreach Operations Division")
    ORG_SHORT_NAME = os.environ.get("ORG_SHORT_NAME", "Hospital Police & Security")
    EMERGENCY_PHONE = os.environ.get("EMERGENCY_PHONE", "911")
    HOSPITAL_EMERGENCY_EXTENSION = os.environ.get("HOSPITAL_EMERGENCY_EXTENSION", "4-1111")
    DISPATCH_PHONE = os.environ.get("DISPATCH_PHONE", "(555) 010-4400")
    # Where people write about the site itself (accessibility, privacy); not for requests.
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "security-outreach@hospital.example.org")
    TIMEZONE = os.environ.get("TIMEZONE", "America/New_York")
    # Every absolute link (mail, feed, calendar) is built from SITE_URL, never from the
    # request's Host header; the app answers only SITE_URL's host and EXTRA_TRUSTED_HOSTS
    # (comma-separated host names; a leading dot allows subdomains), anything else gets 400.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    EXTRA_TRUSTED_HOSTS = env_list("EXTRA_TRUSTED_HOSTS")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
    )
    # Each pooled connection is checked before use, so pages work again as soon as the
    # database is back: by the pool's ping on SQLite; on PostgreSQL by its socket, and by a
    # ping only after it sat unused this long (app/core/pool.py), which saves a busy site a
    # round trip per request.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    DATABASE_PING_AFTER_IDLE_SECONDS = env_float("DATABASE_PING_AFTER_IDLE_SECONDS", 1.0)
    SQLITE_BUSY_TIMEOUT_MS = env_int("SQLITE_BUSY_TIMEOUT_MS", 5000)

    # A whole request: three photos at UPLOAD_MAX_BYTES each, plus the form.
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 32 * 1024 * 1024)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)  # per file
    # Decoded width x height, checked from the file's header before any decoding: a 24 MP
    # phone photo fits; a 113 KB PNG claiming 6300 x 6300 (160 MB once decoded) does not.
    UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 24_000_000)
    # Images decoded at the same time per process (each costs up to ~4 bytes per pixel).
    UPLOAD_DECODE_CONCURRENCY = env_int("UPLOAD_DECODE_CONCURRENCY", 1)
    UPLOAD_MAX_DIMENSION = env_int("UPLOAD_MAX_DIMENSION", 2560)  # longer side after re-encode
    REPORT_MAX_PHOTOS = env_int("REPORT_MAX_PHOTOS", 3)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=env_int("REMEMBER_DAYS", 14))
    STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 15)
    STAFF_IDLE_WARNING_SECONDS = env_int("STAFF_IDLE_WARNING_SECONDS", 120)
    SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
    # Sign-in throttling (app/services/login_throttle.py): failures within LOGIN_LOCK_MINUTES
    # hold back, for that long, one account on one client (LOGIN_MAX_FAILURES), one client
    # address on any account (LOGIN_CLIENT_MAX_FAILURES), or an account from clients it has
    # never signed in from (LOGIN_ACCOUNT_MAX_FAILURES; its owner is emailed once per burst).
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_CLIENT_MAX_FAILURES = env_int("LOGIN_CLIENT_MAX_FAILURES", 20)
    LOGIN_ACCOUNT_MAX_FAILURES = env_int("LOGIN_ACCOUNT_MAX_FAILURES", 10)
    LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
    # How long a browser stays a "known device" of an account after its last sign-in there.
    KNOWN_DEVICE_DAYS = env_int("KNOWN_DEVICE_DAYS", 180)
    # Time allowed between a right password and the second-factor code.
    SECOND_FACTOR_PENDING_SECONDS = env_int("SECOND_FACTOR_PENDING_SECONDS", 300)
    # Only development may enrol the demo accounts with the published demo TOTP secret.
    DEMO_TOTP_ALLOWED = False
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    EMAIL_TOKEN_MAX_AGE = env_int("EMAIL_TOKEN_MAX_AGE", 3 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE = env_int("PASSWORD_RESET_MAX_AGE", 3600)
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 1024
    PASSWORD_MIN_SCORE = env_int("PASSWORD_MIN_SCORE", 3)  # zxcvbn score 0-4
    # Argon2id; defaults are RFC 9106's low-memory profile, above OWASP's 19 MiB/t=2/p=1.
    ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_KIB = env_int("ARGON2_MEMORY_KIB", 65536)
    ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 4)
    ACCOUNT_EMAIL_RATE_LIMIT = os.environ.get(
        "ACCOUNT_EMAIL_RATE_LIMIT", "5 per minute;20 per hour"
    )

    WTF_CSRF_TIME_LIMIT = env_int("WTF_CSRF_TIME_LIMIT", 4 * 3600)

    # Rate limits (Flask-Limiter). The store is shared by every worker: Redis in production
    # (memory:// counts per process). Moving window: each POST is one atomic hit.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    # An unreachable store lets requests through (and logs) rather than refuse every form.
    RATELIMIT_SWALLOW_ERRORS = env_bool("RATELIMIT_SWALLOW_ERRORS", True)
    # Per client address, members included, every POST counted; one count per group:
    # forms that open a ticket (escorts, reports, DV help, outreach, stolen/lockdown),
    RATELIMIT_TICKET_LIMIT = os.environ.get(
        "RATELIMIT_TICKET_LIMIT", "10 per 10 minutes;60 per day")
    # follow-up messages and cancellations (tracking page, DV follow-up),
    RATELIMIT_REPLY_LIMIT = os.environ.get("RATELIMIT_REPLY_LIMIT", "20 per 10 minutes")
    # seminar places and APB subscriptions,
    RATELIMIT_SIGNUP_LIMIT = os.environ.get("RATELIMIT_SIGNUP_LIMIT", "10 per hour")
    # photos added to a report afterwards (each decoded image costs memory and CPU).
    RATELIMIT_UPLOAD_LIMIT = os.environ.get("RATELIMIT_UPLOAD_LIMIT", "10 per 10 minutes")
    # Starting virtual walks, and "Help now" on a walk (generous: it may be an emergency).
    RATELIMIT_WALK_LIMIT = os.environ.get("RATELIMIT_WALK_LIMIT", "10 per 10 minutes;40 per day")
    RATELIMIT_HELP_LIMIT = os.environ.get("RATELIMIT_HELP_LIMIT", "20 per 10 minutes")
    # Mail to an address someone typed (escort, report and outreach confirmations, APB and
    # seminar confirmation links, DV receipts): at most this many per address; beyond it the
    # request is still taken and the mail skipped (seminar places are refused: they need it).
    RATELIMIT_MAIL_PER_ADDRESS = os.environ.get(
        "RATELIMIT_MAIL_PER_ADDRESS", "3 per hour;10 per day")
    # Open311 API (docs/open311.md): requests filed per API key (one key serves a whole
    # system, a kiosk or an app, so it is counted per key, not per address), and every
    # read or POST per client address (a flood of made-up keys included).
    OPEN311_KEY_LIMIT = os.environ.get("OPEN311_KEY_LIMIT", "60 per 10 minutes;600 per day")
    OPEN311_CLIENT_LIMIT = os.environ.get("OPEN311_CLIENT_LIMIT", "120 per minute")
    # What discovery.{xml,json} calls this endpoint: "production" or "test".
    OPEN311_ENDPOINT_TYPE = os.environ.get("OPEN311_ENDPOINT_TYPE", "production")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@security.example.org")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 10)
    MAIL_CONSOLE = env_bool("MAIL_CONSOLE", False)
    OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 50)
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 300)
    OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 60)
    OUTBOX_BACKOFF_CAP_SECONDS = env_int("OUTBOX_BACKOFF_CAP_SECONDS", 3600)
    # Flask-Mail would silently drop mail when TESTING; the outbox decides instead.
    MAIL_SUPPRESS_SEND = False
    WORKER_INTERVAL_SECONDS = env_int("WORKER_INTERVAL_SECONDS", 10)

    # Acknowledgement targets per priority, in seconds (P3: one business day).
    ACK_TARGET_SECONDS = {
        1: env_int("ACK_TARGET_P1_SECONDS", 120),
        2: env_int("ACK_TARGET_P2_SECONDS", 300),
        3: env_int("ACK_TARGET_P3_SECONDS", 24 * 3600),
    }
    # On-scene targets per priority, in seconds of wall-clock time from receipt: the
    # dashboard's "on scene within target" (0: no target for that priority).
    ON_SCENE_TARGET_SECONDS = {
        1: env_int("ON_SCENE_TARGET_P1_SECONDS", 600),
        2: env_int("ON_SCENE_TARGET_P2_SECONDS", 1200),
        3: env_int("ON_SCENE_TARGET_P3_SECONDS", 0),
    }
    # Ticket kinds with an acknowledgement target of their own, in minutes of wall-clock
    # time (clinical units work around the clock): it replaces the priority's target for
    # tickets of that kind, whatever their priority (app.services.ackclock).
    ACK_TARGET_KIND_MINUTES = {
        "standby": env_int("ACK_TARGET_STANDBY_MINUTES", 5),
        "elopement_watch": env_int("ACK_TARGET_ELOPEMENT_WATCH_MINUTES", 5),
        "unit_consult": env_int("ACK_TARGET_UNIT_CONSULT_MINUTES", 240),
        "valuables_pickup": env_int("ACK_TARGET_VALUABLES_PICKUP_MINUTES", 60),
    }
    # Priorities whose target counts weekday time only (Saturday and Sunday skipped, in
    # TIMEZONE): "one business day" for P3. Comma-separated, e.g. "3" or "2,3"; "" for none.
    ACK_BUSINESS_TIME_PRIORITIES = frozenset(
        int(p) for p in os.environ.get("ACK_BUSINESS_TIME_PRIORITIES", "3").split(",") if p.strip()
    )
    # The division's shifts: name=local start time, in the order of the day; each ends when
    # the next begins (the last one at the first one's start the next day). The dashboard's
    # "this shift" and the shift report read them.
    SHIFTS = tuple(
        (name.strip(), start.strip()) for name, _, start in
        (part.partition("=") for part in env_list("SHIFTS", "day=07:00,night=19:00"))
    )
    # The longest custom period the operations dashboard answers, in days; how long each
    # process keeps a dashboard it computed (the same period and filters within this many
    # seconds are answered from it; 0: always computed anew).
    DASHBOARD_MAX_DAYS = env_int("DASHBOARD_MAX_DAYS", 366)
    DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)
    # The board lists this many open tickets, but never cuts a P1 or P2: those are always
    # all listed (up to DISPATCH_URGENT_LIMIT, a guard for the page size), P3 fill the rest.
    DISPATCH_QUEUE_LIMIT = env_int("DISPATCH_QUEUE_LIMIT", 100)
    DISPATCH_URGENT_LIMIT = env_int("DISPATCH_URGENT_LIMIT", 1000)
    # Most tickets one bulk close (duplicates, junk from a flood) may take at once.
    DISPATCH_BULK_CLOSE_MAX = env_int("DISPATCH_BULK_CLOSE_MAX", 200)
    DISPATCH_REFRESH_SECONDS = env_int("DISPATCH_REFRESH_SECONDS", 15)
    CHOICES_CACHE_SECONDS = env_int("CHOICES_CACHE_SECONDS", 30)
    # The board's rendered queue table and officer panel are kept per process for at most
    # this many seconds, and only while nothing on the board changed (a new ticket or event,
    # an officer's status, any open ticket's row): time passing (ages, clocks, "Overdue")
    # shows at most this late on a page without JavaScript (live.js ticks the clocks and
    # flips "Overdue" itself); the same as the board's refresh interval. 0: off.
    BOARD_CACHE_SECONDS = env_int("BOARD_CACHE_SECONDS", 15)
    # The campus alert banner on every page comes from a per-process copy, checked against
    # the database at most this often: an alert issued in another process shows at most
    # this late (at once in the process that issued it; expiry is exact). 0: every page asks.
    ALERT_CACHE_SECONDS = env_int("ALERT_CACHE_SECONDS", 5)

    # Live streams (Server-Sent Events, app/blueprints/stream): a comment line every
    # LIVE_HEARTBEAT_SECONDS keeps proxies from closing an idle stream; the session and roles
    # behind a stream are checked again every LIVE_SESSION_CHECK_SECONDS (sign-out, idle
    # timeout, role revoked end it); browsers reconnect after LIVE_RETRY_MS. A requester's
    # stream URL carries a signed ticket valid LIVE_TICKET_SECONDS (renewed inside the
    # stream), never the private token. On SQLite one thread per process checks the newest
    # event id every LIVE_POLL_SECONDS; PostgreSQL wakes streams with LISTEN/NOTIFY.
    # LIVE_GAP_GRACE_SECONDS: how long a stream waits for an event id that is not committed
    # yet (ids are taken in order, committed in any order) before it takes it as rolled back.
    LIVE_HEARTBEAT_SECONDS = env_int("LIVE_HEARTBEAT_SECONDS", 15)
    LIVE_SESSION_CHECK_SECONDS = env_int("LIVE_SESSION_CHECK_SECONDS", 10)
    LIVE_RETRY_MS = env_int("LIVE_RETRY_MS", 2000)
    LIVE_TICKET_SECONDS = env_int("LIVE_TICKET_SECONDS", 600)
    LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "0.5"))
    LIVE_GAP_GRACE_SECONDS = float(os.environ.get("LIVE_GAP_GRACE_SECONDS", "10"))
    # A stream closes itself after this long; the browser reconnects and resumes from its
    # Last-Event-ID (bounds how long one connection holds a worker slot).
    LIVE_MAX_STREAM_SECONDS = env_int("LIVE_MAX_STREAM_SECONDS", 3600)

    # Escorts: how far ahead a scheduled escort may be booked, and how many minutes before
    # its time a recurring escort's occurrence becomes a ticket in the dispatch queue.
    ESCORT_MAX_DAYS_AHEAD = env_int("ESCORT_MAX_DAYS_AHEAD", 30)
    ESCORT_LEAD_MINUTES = env_int("ESCORT_LEAD_MINUTES", 20)
    ESCORT_LATE_GRACE_MINUTES = env_int("ESCORT_LATE_GRACE_MINUTES", 30)

    # Virtual walks (the safety timer): the longest and shortest walk, and "Add 5 minutes"
    # (how many minutes, how many times per walk).
    WALK_MIN_MINUTES = env_int("WALK_MIN_MINUTES", 5)
    WALK_MAX_MINUTES = env_int("WALK_MAX_MINUTES", 120)
    WALK_EXTENSION_MINUTES = env_int("WALK_EXTENSION_MINUTES", 5)
    WALK_MAX_EXTENSIONS = env_int("WALK_MAX_EXTENSIONS", 3)

    # Seminars: reminder lead time (hours before a session starts), per-session override.
    SEMINAR_REMINDER_HOURS = env_int("SEMINAR_REMINDER_HOURS", 24)

    DV_NEUTRAL_URL = os.environ.get("DV_NEUTRAL_URL", "https://weather.gov/")
    DV_NATIONAL_HOTLINE = os.environ.get("DV_NATIONAL_HOTLINE", "1-800-799-7233")
    DV_ADVOCACY_PHONE = os.environ.get("DV_ADVOCACY_PHONE", "(555) 010-4700")
    DV_RETENTION_DAYS = env_int("DV_RETENTION_DAYS", 90)
    # Quick exit: for this many seconds after it, every page of the person's DV section
    # answers a redirect to DV_NEUTRAL_URL, so Back and Forward land there. The cookie (name
    # below, path /support/) holds only the flag "1".
    DV_EXIT_SECONDS = env_int("DV_EXIT_SECONDS", 600)
    DV_EXIT_COOKIE = os.environ.get("DV_EXIT_COOKIE", "qx")
    # The language link's cookie: it holds only "en" or "es" (app/web/language.py).
    LANGUAGE_COOKIE = os.environ.get("LANGUAGE_COOKIE", "lang")
    FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY")

    # The audit chain's HMAC key (any string of 32+ characters, kept outside the database):
    # AUDIT_HMAC_KEY is the current key, recorded on each new row as AUDIT_HMAC_KEY_ID;
    # AUDIT_HMAC_KEYS lists retired keys as "id:key,id:key" so older rows still verify.
    # AUDIT_HEAD_FILE: where the worker also writes the chain head each hour (optional).
    AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY")
    AUDIT_HMAC_KEY_ID = os.environ.get("AUDIT_HMAC_KEY_ID", "1")
    AUDIT_HMAC_KEYS = os.environ.get("AUDIT_HMAC_KEYS", "")
    AUDIT_HEAD_FILE = os.environ.get("AUDIT_HEAD_FILE")
    # The last seq written before the chain was keyed (the key-id migration prints it);
    # rows up to it verify as plain SHA-256, any later unkeyed row is tampering.
    AUDIT_LEGACY_UNTIL = env_int("AUDIT_LEGACY_UNTIL", 0)

    PROXY_FIX_X_FOR = env_int("PROXY_FIX_X_FOR", 0)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    HSTS = False


class DevelopmentConfig(Config):
    """`make run`: SQLite in instance/, mail printed to the console, keys from
    instance/dev-secrets.json (generated on first use) unless set in the environment."""

    MAIL_CONSOLE = env_bool("MAIL_CONSOLE", True)
    DEMO_TOTP_ALLOWED = True
    REMEMBER_COOKIE_SECURE = env_bool("REMEMBER_COOKIE_SECURE", False)
    EXTRA_TRUSTED_HOSTS = env_list("EXTRA_TRUSTED_HOSTS", "localhost,127.0.0.1")
    FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY") or (
        "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LXNlY3JldCE="
    )

    def __init__(self) -> None:
        generated = development_secrets()
        for name in DEV_SECRET_NAMES:
            setattr(self, name, os.environ.get(name) or generated[name])


class TestingConfig(Config):
    TESTING = True
    CHOICES_CACHE_SECONDS = 0
    DASHBOARD_CACHE_SECONDS = 0
    BOARD_CACHE_SECONDS = 0  # tests that check the board's cache turn it on
    ALERT_CACHE_SECONDS = 0
    SECRET_KEY = "testing-secret-key-not-for-production-use"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_CONSOLE = False
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 1
    REMEMBER_COOKIE_SECURE = False
    FIELD_ENCRYPTION_KEY = "dGVzdGluZy1rZXktMzItYnl0ZXMtbG9uZy1lbm91Z2g="
    AUDIT_HMAC_KEY = "testing-audit-hmac-key-not-for-production-use"  # noqa: S105
    SERVER_NAME = None
    EXTRA_TRUSTED_HOSTS = ["localhost"]  # the test client's host: "allowed but not SITE_URL"
    # Tests hash at OWASP's minimum (still Argon2id) to keep the suite quick.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_KIB = 19456
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    DEBUG = False

    def __init__(self) -> None:
        missing = [
            name
            for name in ("SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY")
            if not os.environ.get(name)
        ]
        if missing:
            names = ", ".join(missing)
            raise RuntimeError(f"Production needs these environment variables: {names}")
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.FIELD_ENCRYPTION_KEY = os.environ["FIELD_ENCRYPTION_KEY"]
        self.AUDIT_HMAC_KEY = os.environ["AUDIT_HMAC_KEY"]
        self.RATELIMIT_STORAGE_URI = os.environ.get(
            "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0"
        )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> Config:
    name = name or os.environ.get("PORTAL_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown PORTAL_ENV {name!r}; use one of {', '.join(CONFIGS)}")
    return CONFIGS[name]()
