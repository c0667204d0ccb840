"""Configuration read from the environment, so one build runs anywhere."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

TIME_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}


def _secret_key(instance: Path) -> str:
    """Generate the key once into instance/ so restarts keep sessions valid."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database_url(url: str) -> str:
    """Accept the plain postgres:// forms that hosting panels hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _quick_redis_options() -> dict:
    """A Redis client that gives up within about a second, instead of retrying ten times."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 1)}


class Config:
    def __init__(self, secret_key: str | None = None) -> None:
        self.SECRET_KEY = secret_key or _secret_key(INSTANCE)
        self.SQLALCHEMY_DATABASE_URI = _database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'rakor.sqlite3'}")
        )
        self.DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Asia/Jakarta")
        self.BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LANGUAGE", "id")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
        self.MAIL_SERVER_CONFIGURED = bool(os.environ.get("MAIL_SERVER"))
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Rakor <rakor@localhost>")
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
        # Host names (or IP addresses) requests may name, comma-separated; any other Host is
        # refused. Unset without PUBLIC_BASE_URL: this machine's own (coordination.urls).
        self.TRUSTED_HOSTS = [
            host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()
        ] or None
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        # How many reverse proxies stand in front (nginx: 1). Off by default: without a proxy,
        # trusting X-Forwarded-For would let anyone pick the address the rate limit counts.
        self.TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0") or 0)
        self.OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE / "outbox"))
        # json (one object per line) or plain; unset: json, but plain when debugging or testing.
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "")
        # Only the benchmark switches this off, to measure registration rather than the limiter.
        self.RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
        self.RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
        # Redis away: count in this process's memory meanwhile (logged once per process),
        # never answer 500 because a counter cannot be stored.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_STORAGE_OPTIONS = _quick_redis_options()
        # Registrations one address may send. A hall's Wi-Fi, or a mobile carrier's shared
        # address, puts many real registrants behind one: room for a hall of 50 at once.
        self.REGISTRATION_RATE_LIMIT = os.environ.get(
            "REGISTRATION_RATE_LIMIT", "30 per minute;300 per hour"
        )
        # Failed log-ins, counted per address and per account; a right password never counts.
        # Past the limit no password is checked at all, so guessing costs the server nothing.
        self.LOGIN_RATE_LIMIT_ADDRESS = os.environ.get(
            "LOGIN_RATE_LIMIT_ADDRESS", "10 per minute;50 per hour"
        )
        self.LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get(
            "LOGIN_RATE_LIMIT_ACCOUNT", "5 per 5 minutes;20 per hour"
        )
        if os.environ.get("REDIS_URL"):
            self.CACHE_TYPE = "RedisCache"
            self.CACHE_REDIS_URL = os.environ["REDIS_URL"]
            self.CACHE_OPTIONS = _quick_redis_options()
        else:
            self.CACHE_TYPE = "SimpleCache"
        # The mail sweep: how often it runs, how long a message may wait on the queue, and
        # how long one attempt may take before it counts as cut off by a crash. Together
        # they bound how late a message can be once its process or Redis is back
        # (about MAIL_LEASE_SECONDS + MAIL_SWEEP_SECONDS, under two minutes).
        self.MAIL_SWEEP_SECONDS = int(os.environ.get("MAIL_SWEEP_SECONDS", "20"))
        self.MAIL_STALE_SECONDS = int(os.environ.get("MAIL_STALE_SECONDS", "30"))
        self.MAIL_LEASE_SECONDS = int(os.environ.get("MAIL_LEASE_SECONDS", "90"))

    # hide_parameters: a database error in the log never shows a mobile or an e-mail.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    CACHE_DEFAULT_TIMEOUT = 6 * 60 * 60
    CACHE_KEY_PREFIX = "rakor:"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "coordination" / "translations")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me logged in": two weeks, not Flask-Login's year; logging out ends it everywhere.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # A door shift is long; the CSRF token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 14
    # A door phone's session lasts the shift from when it opened; re-signing the cookie on
    # every scan would cost each scan and buy nothing.
    SESSION_REFRESH_EACH_REQUEST = False
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # Background tasks run after commit (RQ with REDIS_URL, else threads); tests run them inline.
    TASKS_EAGER = False
    TESTING = False


class TestConfig(Config):
    __test__ = False  # not a pytest test class

    def __init__(self, database_url: str) -> None:
        super().__init__(secret_key="test-secret")
        self.MAIL_SERVER_CONFIGURED = False
        self.SQLALCHEMY_DATABASE_URI = _database_url(database_url)
        self.CACHE_TYPE = "SimpleCache"  # each test app starts with an empty cache
        self.MAIL_SWEEP_SECONDS = 0  # tests sweep when they mean to

    TESTING = True
    TASKS_EAGER = True
    WTF_CSRF_ENABLED = False
    # Hundreds of test apps: none starts a thread to warm the PDF engine it may never use.
    PDF_WARM_UP = False
    # Renders of a loaded test machine teach the background estimate nothing: the tests
    # that need a document in the request keep the estimate as measured.
    DOCUMENT_ESTIMATE_LEARNS = False
