"""Configuration read from environment variables."""
import os
from pathlib import Path

ENVIRONMENTS = ("production", "demo", "test")


def _int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    return int(os.environ.get(name, default))


def _instance_dir() -> Path:
    """The folder for local state (SQLite database, media) in a checkout."""
    return Path(os.environ.get("GRIDWATCH_INSTANCE", Path.cwd() / "instance")).resolve()


class Config:
    """Settings for one app instance; every value can come from the environment."""

    def __init__(self, overrides: dict | None = None):
        env = os.environ
        self.GRIDWATCH_ENV = env.get("GRIDWATCH_ENV", "production")
        instance = _instance_dir()
        self.INSTANCE_DIR = str(instance)
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(
            env.get("DATABASE_URL", f"sqlite:///{instance / 'gridwatch.db'}"))
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.MEDIA_ROOT = env.get("MEDIA_ROOT", str(instance / "media"))
        self.SECRET_KEY = env.get("SECRET_KEY")
        # Key for personal data at rest; derived from SECRET_KEY when not given.
        self.DATA_KEY = env.get("DATA_KEY")
        self.MAX_PHOTO_BYTES = _int("MAX_PHOTO_BYTES", 12 * 1024 * 1024)
        self.MAX_PHOTOS = _int("MAX_PHOTOS", 6)
        self.MAX_AUDIO_BYTES = _int("MAX_AUDIO_BYTES", 20 * 1024 * 1024)
        self.MAX_AUDIO_SECONDS = _int("MAX_AUDIO_SECONDS", 300)
        # Pixels one photo may decode to (a larger JPEG is decoded reduced, other formats are refused), the pixels
        # all photos of one request may decode to, and the longer side of a stored photo.
        self.MAX_PHOTO_PIXELS = _int("MAX_PHOTO_PIXELS", 4096 * 4096)
        self.MAX_REQUEST_PHOTO_PIXELS = _int("MAX_REQUEST_PHOTO_PIXELS", 80_000_000)
        self.PHOTO_MAX_SIDE = _int("PHOTO_MAX_SIDE", 4096)
        self.MAX_CONTENT_LENGTH = _int(
            "MAX_REQUEST_BYTES", self.MAX_PHOTOS * self.MAX_PHOTO_BYTES + self.MAX_AUDIO_BYTES + 1024 * 1024)
        # Bodies without files (JSON, forms) are refused above this size.
        self.MAX_BODY_BYTES = _int("MAX_BODY_BYTES", 1024 * 1024)
        self.ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_KIB = _int("ARGON2_MEMORY_KIB", 65536)
        self.TOKEN_TTL_HOURS = _int("TOKEN_TTL_HOURS", 24 * 7)
        # Sign-in throttling (server/ratelimit.py), Flask-Limiter rate strings; counters on Redis when set.
        self.SIGNIN_RATE_LIMIT = env.get("SIGNIN_RATE_LIMIT", "30 per minute; 300 per hour")
        self.SIGNIN_FAILURE_LIMIT = env.get("SIGNIN_FAILURE_LIMIT", "10 per 15 minutes; 50 per day")
        self.REGISTER_RATE_LIMIT = env.get("REGISTER_RATE_LIMIT", "20 per hour")
        # Failed sign-ins from one address whatever the account, and for one account from everywhere (this one never
        # applies to an address that signed in to the account in the last SIGNIN_KNOWN_ADDRESS_DAYS days).
        self.SIGNIN_ADDRESS_FAILURE_LIMIT = env.get("SIGNIN_ADDRESS_FAILURE_LIMIT", "30 per 15 minutes; 200 per day")
        self.SIGNIN_ACCOUNT_FAILURE_LIMIT = env.get("SIGNIN_ACCOUNT_FAILURE_LIMIT", "100 per hour; 500 per day")
        self.SIGNIN_KNOWN_ADDRESS_DAYS = _int("SIGNIN_KNOWN_ADDRESS_DAYS", 30)
        self.RATELIMIT_ENABLED = env.get("RATELIMIT_ENABLED", "1") not in ("0", "false", "no")
        # New reports (POST /api/v1/reports) per signed-in account and per client address; re-sends of a report
        # already accepted are not counted (server/request_limits.py). Empty: no limit.
        self.INTAKE_RATE_LIMIT_ACCOUNT = env.get("INTAKE_RATE_LIMIT_ACCOUNT", "20 per minute; 200 per day")
        self.INTAKE_RATE_LIMIT_ADDRESS = env.get("INTAKE_RATE_LIMIT_ADDRESS", "100 per minute; 2000 per hour")
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (client address, https, HSTS).
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        # Admin web session cookie: never sent cross-site (Lax), not readable by scripts, HTTPS-only outside the
        # demo and tests (SESSION_COOKIE_SECURE=0 to serve production over plain HTTP, which is not advised).
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SECURE = (env["SESSION_COOKIE_SECURE"] not in ("0", "false", "no")
                                      if env.get("SESSION_COOKIE_SECURE") else None)
        # Personal data over its lifetime: reports of cases closed longer than this are anonymised (and their
        # voice recordings removed) by `gridwatch retention run` and the periodic job, every RETENTION_INTERVAL_SECONDS.
        self.RETENTION_DAYS = _int("RETENTION_DAYS", 365)
        self.RETENTION_INTERVAL_SECONDS = _int("RETENTION_INTERVAL_SECONDS", 6 * 3600)
        self.PIPELINE_MAX_ATTEMPTS = _int("PIPELINE_MAX_ATTEMPTS", 4)
        self.PIPELINE_RETRY_INTERVALS = [int(x) for x in env.get("PIPELINE_RETRY_INTERVALS", "5,30,120").split(",")]
        self.SWEEP_INTERVAL_SECONDS = _int("SWEEP_INTERVAL_SECONDS", 60)
        # RQ worker heartbeat during a job; a killed worker's job is retried after about three of them.
        self.WORKER_HEARTBEAT_SECONDS = _int("WORKER_HEARTBEAT_SECONDS", 15)
        # Workers and the scheduler outlive a Redis outage: the longest wait between reconnection attempts.
        self.WORKER_RECONNECT_MAX_SECONDS = _int("WORKER_RECONNECT_MAX_SECONDS", 30)
        # A worker's scheduler (delayed retries) holds a lock per queue for this long unless renewed each second:
        # the lock of a killed worker expires and another worker's scheduler takes over within this time.
        self.SCHEDULER_LOCK_SECONDS = _int("SCHEDULER_LOCK_SECONDS", 15)
        # How long an accepted report may wait for its first job before the sweeper steps in.
        self.SWEEP_GRACE_SECONDS = _int("SWEEP_GRACE_SECONDS", 30)
        # Full hotspot re-clustering and keyword-IDF refit.
        self.RECLUSTER_INTERVAL_SECONDS = _int("RECLUSTER_INTERVAL_SECONDS", 600)
        self.HOTSPOT_WINDOW_DAYS = _int("HOTSPOT_WINDOW_DAYS", 14)
        # Near-duplicate search compares a report with at most this many of the newest reports around it.
        self.DUPLICATE_CANDIDATES = _int("DUPLICATE_CANDIDATES", 50)
        self.CASE_ESCALATION_INTERVAL_SECONDS = _int("CASE_ESCALATION_INTERVAL_SECONDS", 300)
        # Department webhooks (server/interop): private ranges deliveries may reach (comma-separated CIDRs; empty:
        # public addresses only), plain http (unset: allowed outside production), timeouts, attempts, hooks per
        # department.
        self.WEBHOOK_ALLOWED_CIDRS = env.get("WEBHOOK_ALLOWED_CIDRS", "")
        self.WEBHOOK_ALLOW_HTTP = (env["WEBHOOK_ALLOW_HTTP"] in ("1", "true", "yes")
                                   if env.get("WEBHOOK_ALLOW_HTTP") else None)
        self.WEBHOOK_CONNECT_TIMEOUT = float(env.get("WEBHOOK_CONNECT_TIMEOUT", 3))
        self.WEBHOOK_READ_TIMEOUT = float(env.get("WEBHOOK_READ_TIMEOUT", 5))
        self.WEBHOOK_MAX_ATTEMPTS = _int("WEBHOOK_MAX_ATTEMPTS", 6)
        self.WEBHOOK_BACKOFF_BASE_SECONDS = _int("WEBHOOK_BACKOFF_BASE_SECONDS", 30)
        self.WEBHOOK_BACKOFF_MAX_SECONDS = _int("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)
        self.WEBHOOK_MAX_PER_DEPARTMENT = _int("WEBHOOK_MAX_PER_DEPARTMENT", 5)
        # Triage: a learned classifier from `gridwatch triage train` (default: instance/triage.model when
        # present), how much it is trusted over the keyword rules, and the confidence below which a
        # case waits in the supervisors' manual dispatch queue with its top three suggestions.
        self.TRIAGE_MODEL = env.get("TRIAGE_MODEL") or (
            str(instance / "triage.model") if (instance / "triage.model").exists() else None)
        self.TRIAGE_MODEL_WEIGHT = float(env.get("TRIAGE_MODEL_WEIGHT", 0.7))
        self.MANUAL_DISPATCH_BELOW = float(env.get("MANUAL_DISPATCH_BELOW", 0.45))
        self.WHISPER_MODEL = env.get("WHISPER_MODEL", "small")
        self.WHISPER_MODEL_DIR = env.get("WHISPER_MODEL_DIR", str(Path.home() / ".cache" / "whisper"))
        # CPU threads for Whisper in a worker process (0: torch's default, all cores).
        self.WHISPER_THREADS = _int("WHISPER_THREADS", 0)
        self.WHISPER_QUANTIZE = env.get("WHISPER_QUANTIZE", "0") in ("1", "true", "yes")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.JSON_AS_ASCII = False
        # flask-smorest: the OpenAPI document at /api/v1/openapi.json
        self.API_TITLE = "GridWatch API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        # Admin city map: a Leaflet tile URL template; empty: the grid polygons are the (offline) base map.
        self.ADMIN_TILE_URL = env.get("ADMIN_TILE_URL", "")
        for key, value in (overrides or {}).items():
            setattr(self, key, value)
        _check_cidrs("WEBHOOK_ALLOWED_CIDRS", self.WEBHOOK_ALLOWED_CIDRS)
        if self.GRIDWATCH_ENV not in ENVIRONMENTS:
            raise RuntimeError(f"GRIDWATCH_ENV must be one of {ENVIRONMENTS}, not {self.GRIDWATCH_ENV!r}")
        if self.SESSION_COOKIE_SECURE is None:
            self.SESSION_COOKIE_SECURE = self.GRIDWATCH_ENV == "production"
        if not self.SECRET_KEY:
            if self.GRIDWATCH_ENV == "production":
                raise RuntimeError("SECRET_KEY must be set (or GRIDWATCH_ENV=demo for a local demo)")
            self.SECRET_KEY = f"insecure-{self.GRIDWATCH_ENV}-key"

    def as_dict(self) -> dict:
        """The settings as a mapping for app.config."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


def _check_cidrs(name: str, value) -> None:
    """A comma-separated list of CIDR ranges (or a list of them), else a clear start-up error."""
    import ipaddress
    parts = value.split(",") if isinstance(value, str) else list(value or ())
    for part in parts:
        try:
            if str(part).strip():
                ipaddress.ip_network(str(part).strip(), strict=False)
        except ValueError:
            raise RuntimeError(f"{name}: {str(part).strip()!r} is not a CIDR range such as 10.20.0.0/16") from None


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
