"""Configuration read from environment variables (every setting is listed with its default in docs/deploy.md)."""
import copy
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from triage.deadlines import CALENDARS
from triage.metrics import DEFAULT_WEIGHTS

ENVIRONMENTS = ("production", "demo", "test")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class Read(NamedTuple):
    """One environment variable as Config read it: its type and its default."""
    kind: str
    default: object


class Environment:
    """Typed reads of environment variables; a value that does not parse is a start-up error naming the variable."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.read: dict[str, Read] = {}

    def _raw(self, name: str, kind: str, default) -> str | None:
        """The variable's text (None when unset), remembering that it was read and how."""
        self.read[name] = Read(kind, default)
        return self.environ.get(name)

    def _parse(self, name: str, kind: str, default, parse):
        """The parsed value, the default when unset or empty, or a clear error."""
        raw = self._raw(name, kind, default)
        if raw is None or not raw.strip():
            return default
        try:
            return parse(raw.strip())
        except ValueError as exc:
            raise RuntimeError(f"{name}={raw!r}: {exc}") from None

    def text(self, name: str, default: str | None = None) -> str | None:
        """Text as given (an empty value is kept: it means "none" for some settings)."""
        raw = self._raw(name, "text", default)
        return default if raw is None else raw

    def integer(self, name: str, default: int) -> int:
        """A whole number."""
        return self._parse(name, "integer", default, int)

    def number(self, name: str, default: float) -> float:
        """A number."""
        return self._parse(name, "number", default, float)

    def flag(self, name: str, default: bool | None) -> bool | None:
        """1/true/yes/on or 0/false/no/off; unset keeps the default (None: decided from GRIDWATCH_ENV)."""
        return self._parse(name, "flag", default, _boolean)

    def integers(self, name: str, default: list[int]) -> list[int]:
        """Comma-separated whole numbers."""
        return self._parse(name, "integers", default, lambda raw: [int(x) for x in raw.split(",")])

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        """One of a few words."""
        return self._parse(name, "choice", default, lambda raw: _one_of(raw, choices))

    def weights(self, name: str, default: dict[str, float]) -> dict[str, float]:
        """``key=number`` pairs, comma-separated, over the default's keys (those not given keep their default)."""
        return self._parse(name, "weights", default, lambda raw: _weights(raw, default))


class Config:
    """Settings for one app instance; every value can come from the environment."""

    # Attributes read from a variable of another name.
    RENAMED = {"INSTANCE_DIR": "GRIDWATCH_INSTANCE", "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
               "MAX_CONTENT_LENGTH": "MAX_REQUEST_BYTES"}
    # Fixed settings of Flask and its extensions: not deployment choices, so not read from the environment.
    FIXED = {
        # Admin web session cookie: never sent cross-site (Lax), not readable by scripts.
        "SESSION_COOKIE_SAMESITE": "Lax", "SESSION_COOKIE_HTTPONLY": True,
        # No ping on every checkout: server.extensions pings a pooled connection only after it sat idle.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}, "JSON_AS_ASCII": False,
        # flask-smorest: the OpenAPI document at /api/v1/openapi.json
        "API_TITLE": "GridWatch API", "API_VERSION": "v1", "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1", "OPENAPI_JSON_PATH": "openapi.json",
    }

    def __init__(self, overrides: dict | None = None, environ: Mapping[str, str] | None = None):
        env = Environment(os.environ if environ is None else environ)
        self.GRIDWATCH_ENV = env.choice("GRIDWATCH_ENV", "production", ENVIRONMENTS)
        instance = Path(env.text("GRIDWATCH_INSTANCE", str(Path.cwd() / "instance"))).resolve()
        self.INSTANCE_DIR = str(instance)
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(
            env.text("DATABASE_URL", f"sqlite:///{instance / 'gridwatch.db'}"))
        self.REDIS_URL = env.text("REDIS_URL") or None
        self.MEDIA_ROOT = env.text("MEDIA_ROOT", str(instance / "media"))
        self.SECRET_KEY = env.text("SECRET_KEY")
        # Key for personal data at rest; derived from SECRET_KEY when not given.
        self.DATA_KEY = env.text("DATA_KEY")
        self.MAX_PHOTO_BYTES = env.integer("MAX_PHOTO_BYTES", 12 * 1024 * 1024)
        self.MAX_PHOTOS = env.integer("MAX_PHOTOS", 6)
        self.MAX_AUDIO_BYTES = env.integer("MAX_AUDIO_BYTES", 20 * 1024 * 1024)
        self.MAX_AUDIO_SECONDS = env.integer("MAX_AUDIO_SECONDS", 300)
        # Videos a department may attach to its handling feedback: size, length, how many per step.
        self.MAX_VIDEO_BYTES = env.integer("MAX_VIDEO_BYTES", 50 * 1024 * 1024)
        self.MAX_VIDEO_SECONDS = env.integer("MAX_VIDEO_SECONDS", 180)
        self.MAX_CASE_VIDEOS = env.integer("MAX_CASE_VIDEOS", 2)
        # Pixels one photo may decode to (a larger JPEG is decoded reduced, other formats are refused), the pixels
        # all photos of one request may decode to, and the longer side of a stored photo.
        self.MAX_PHOTO_PIXELS = env.integer("MAX_PHOTO_PIXELS", 4096 * 4096)
        self.MAX_REQUEST_PHOTO_PIXELS = env.integer("MAX_REQUEST_PHOTO_PIXELS", 80_000_000)
        self.PHOTO_MAX_SIDE = env.integer("PHOTO_MAX_SIDE", 4096)
        self.MAX_CONTENT_LENGTH = env.integer(
            "MAX_REQUEST_BYTES", self.MAX_PHOTOS * self.MAX_PHOTO_BYTES + self.MAX_AUDIO_BYTES + 1024 * 1024)
        # Bodies without files (JSON, forms) are refused above this size.
        self.MAX_BODY_BYTES = env.integer("MAX_BODY_BYTES", 1024 * 1024)
        self.ARGON2_TIME_COST = env.integer("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_KIB = env.integer("ARGON2_MEMORY_KIB", 65536)
        self.TOKEN_TTL_HOURS = env.integer("TOKEN_TTL_HOURS", 24 * 7)
        # Sign-in throttling (server/web/ratelimit.py), Flask-Limiter rate strings; counters on Redis when set.
        self.SIGNIN_RATE_LIMIT = env.text("SIGNIN_RATE_LIMIT", "30 per minute; 300 per hour")
        self.SIGNIN_FAILURE_LIMIT = env.text("SIGNIN_FAILURE_LIMIT", "10 per 15 minutes; 50 per day")
        self.REGISTER_RATE_LIMIT = env.text("REGISTER_RATE_LIMIT", "20 per hour")
        # Failed sign-ins from one address whatever the account, and for one account from everywhere (this one never
        # applies to an address that signed in to the account in the last SIGNIN_KNOWN_ADDRESS_DAYS days).
        self.SIGNIN_ADDRESS_FAILURE_LIMIT = env.text("SIGNIN_ADDRESS_FAILURE_LIMIT", "30 per 15 minutes; 200 per day")
        self.SIGNIN_ACCOUNT_FAILURE_LIMIT = env.text("SIGNIN_ACCOUNT_FAILURE_LIMIT", "100 per hour; 500 per day")
        self.SIGNIN_KNOWN_ADDRESS_DAYS = env.integer("SIGNIN_KNOWN_ADDRESS_DAYS", 30)
        self.RATELIMIT_ENABLED = env.flag("RATELIMIT_ENABLED", True)
        # Where the rate-limit counters live (a Flask-Limiter storage URI); unset: REDIS_URL, else in memory.
        self.RATELIMIT_STORAGE_URI = env.text("RATELIMIT_STORAGE_URI") or None
        # New reports (POST /api/v1/reports) per signed-in account and per client address; re-sends of a report
        # already accepted are not counted (server/web/request_limits.py). Empty: no limit.
        self.INTAKE_RATE_LIMIT_ACCOUNT = env.text("INTAKE_RATE_LIMIT_ACCOUNT", "20 per minute; 200 per day")
        self.INTAKE_RATE_LIMIT_ADDRESS = env.text("INTAKE_RATE_LIMIT_ADDRESS", "100 per minute; 2000 per hour")
        # Look-ups of open reports near a point before reporting (GET /api/v1/reports/nearby), per account.
        self.NEARBY_RATE_LIMIT = env.text("NEARBY_RATE_LIMIT", "30 per minute; 600 per day")
        # The public web page (server/public): map look-ups per client address, how long a map answer is cached,
        # and how long a guest's follow-up link (its bearer token) lives.
        self.PUBLIC_MAP_RATE_LIMIT = env.text("PUBLIC_MAP_RATE_LIMIT", "60 per minute; 2000 per day")
        self.PUBLIC_MAP_CACHE_SECONDS = env.integer("PUBLIC_MAP_CACHE_SECONDS", 30)
        self.PUBLIC_FOLLOW_DAYS = env.integer("PUBLIC_FOLLOW_DAYS", 365)
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (client address, https, HSTS).
        self.TRUSTED_PROXIES = env.integer("TRUSTED_PROXIES", 0)
        # Admin web session cookie: HTTPS-only outside the demo and tests (SESSION_COOKIE_SECURE=0 to serve
        # production over plain HTTP, which is not advised); a session lasts a working day.
        self.SESSION_COOKIE_SECURE = env.flag("SESSION_COOKIE_SECURE", None)
        self.ADMIN_SESSION_HOURS = env.integer("ADMIN_SESSION_HOURS", 12)
        # Personal data over its lifetime: reports of cases closed longer than this are anonymised (and their
        # voice recordings removed) by `gridwatch retention run` and the periodic job, every RETENTION_INTERVAL_SECONDS.
        self.RETENTION_DAYS = env.integer("RETENTION_DAYS", 365)
        self.RETENTION_INTERVAL_SECONDS = env.integer("RETENTION_INTERVAL_SECONDS", 6 * 3600)
        self.PIPELINE_MAX_ATTEMPTS = env.integer("PIPELINE_MAX_ATTEMPTS", 4)
        self.PIPELINE_BATCH_SIZE = env.integer("PIPELINE_BATCH_SIZE", 20)
        # A report that waited less than this since its receipt runs alone (the workers keep up: none waits for
        # batch-mates); an older one takes others with it. 0: always in batches.
        self.PIPELINE_BATCH_AFTER_MS = env.integer("PIPELINE_BATCH_AFTER_MS", 250)
        # A backlog (the oldest waiting report waited this long): batches of up to PIPELINE_BACKLOG_BATCH_SIZE.
        self.PIPELINE_BACKLOG_AFTER_MS = env.integer("PIPELINE_BACKLOG_AFTER_MS", 2000)
        self.PIPELINE_BACKLOG_BATCH_SIZE = env.integer("PIPELINE_BACKLOG_BATCH_SIZE", 50)
        # A batch is written in one flush at its commit (pipeline/together.py), not one savepoint per report.
        self.PIPELINE_BATCH_ONE_FLUSH = env.flag("PIPELINE_BATCH_ONE_FLUSH", True)
        # On PostgreSQL, text reports are worked through by a few coalesced drain jobs (pipeline/drain.py), not a
        # queue job each: a drain loops at most this many seconds before it hands over, and the mark of a drain
        # queued and not started lapses after the other (should that job be lost).
        self.PIPELINE_DRAIN = env.flag("PIPELINE_DRAIN", True)
        self.PIPELINE_DRAIN_SECONDS = env.integer("PIPELINE_DRAIN_SECONDS", 30)
        self.PIPELINE_DRAIN_PENDING_SECONDS = env.integer("PIPELINE_DRAIN_PENDING_SECONDS", 60)
        # A web process that kicked less than this long ago does not kick again; every drain claims this long.
        self.PIPELINE_KICK_WINDOW_MS = env.integer("PIPELINE_KICK_WINDOW_MS", 100)
        self.PIPELINE_RETRY_INTERVALS = env.integers("PIPELINE_RETRY_INTERVALS", [5, 30, 120])
        self.SWEEP_INTERVAL_SECONDS = env.integer("SWEEP_INTERVAL_SECONDS", 60)
        # RQ worker heartbeat during a job; a killed worker's job is retried after about three of them.
        self.WORKER_HEARTBEAT_SECONDS = env.integer("WORKER_HEARTBEAT_SECONDS", 15)
        # Workers and the scheduler outlive a Redis outage: the longest wait between reconnection attempts.
        self.WORKER_RECONNECT_MAX_SECONDS = env.integer("WORKER_RECONNECT_MAX_SECONDS", 30)
        # A worker's scheduler (delayed retries) holds a lock per queue for this long unless renewed each second:
        # the lock of a killed worker expires and another worker's scheduler takes over within this time.
        self.SCHEDULER_LOCK_SECONDS = env.integer("SCHEDULER_LOCK_SECONDS", 15)
        # How long an accepted report may wait for its first job before the sweeper steps in.
        self.SWEEP_GRACE_SECONDS = env.integer("SWEEP_GRACE_SECONDS", 30)
        # Full hotspot re-clustering and keyword-IDF refit.
        self.RECLUSTER_INTERVAL_SECONDS = env.integer("RECLUSTER_INTERVAL_SECONDS", 600)
        self.HOTSPOT_WINDOW_DAYS = env.integer("HOTSPOT_WINDOW_DAYS", 14)
        self.HOTSPOT_PARTITION_SIZE = env.integer("HOTSPOT_PARTITION_SIZE", 2500)
        # Early warning (预警, server/alerts): how often the detector reads new reports, the history it is rebuilt
        # from when a worker starts, and the -log10 p an area × category count or a hotspot's growth must reach.
        self.ALERTS_INTERVAL_SECONDS = env.integer("ALERTS_INTERVAL_SECONDS", 300)
        self.ALERTS_HISTORY_DAYS = env.integer("ALERTS_HISTORY_DAYS", 28)
        self.ALERTS_THRESHOLD = env.number("ALERTS_THRESHOLD", 6.0)
        self.ALERTS_HOTSPOT_THRESHOLD = env.number("ALERTS_HOTSPOT_THRESHOLD", 6.0)
        # Near-duplicate search compares a report with at most this many of the newest reports around it.
        self.DUPLICATE_CANDIDATES = env.integer("DUPLICATE_CANDIDATES", 50)
        # Cases: how often overdue ones are escalated, the calendar their deadlines count working days on, and the
        # weights of the three rates in a department's score.
        self.CASE_ESCALATION_INTERVAL_SECONDS = env.integer("CASE_ESCALATION_INTERVAL_SECONDS", 300)
        self.CASE_DEADLINE_CALENDAR = env.choice("CASE_DEADLINE_CALENDAR", "china", CALENDARS)
        self.CASE_METRICS_WEIGHTS = env.weights("CASE_METRICS_WEIGHTS", dict(DEFAULT_WEIGHTS))
        # A case's page shows its first report and this many of the newest others; the rest come a page at a time.
        self.CASE_REPORTS_SHOWN = env.integer("CASE_REPORTS_SHOWN", 20)
        # The case library: how often a process checks whether cases closed or model marks changed elsewhere
        # (then it rebuilds its index of closed cases from their stored vectors).
        self.CASE_LIBRARY_RECHECK_SECONDS = env.number("CASE_LIBRARY_RECHECK_SECONDS", 30.0)
        # Data sharing (server/sharing): the longest period of use a request may ask for, and how long an export link
        # lives (never beyond the approved period of use; API keys live until it).
        self.SHARING_MAX_USE_DAYS = env.integer("SHARING_MAX_USE_DAYS", 180)
        self.SHARING_LINK_HOURS = env.integer("SHARING_LINK_HOURS", 72)
        # Department webhooks (server/webhooks): private ranges deliveries may reach (comma-separated CIDRs; empty:
        # public addresses only), plain http (unset: allowed outside production), timeouts, attempts, hooks per
        # department, and whether deliveries without Redis run in a thread of the server (unset: outside tests).
        self.WEBHOOK_ALLOWED_CIDRS = env.text("WEBHOOK_ALLOWED_CIDRS", "")
        self.WEBHOOK_ALLOW_HTTP = env.flag("WEBHOOK_ALLOW_HTTP", None)
        self.WEBHOOK_CONNECT_TIMEOUT = env.number("WEBHOOK_CONNECT_TIMEOUT", 3.0)
        self.WEBHOOK_READ_TIMEOUT = env.number("WEBHOOK_READ_TIMEOUT", 5.0)
        self.WEBHOOK_MAX_ATTEMPTS = env.integer("WEBHOOK_MAX_ATTEMPTS", 6)
        self.WEBHOOK_BACKOFF_BASE_SECONDS = env.integer("WEBHOOK_BACKOFF_BASE_SECONDS", 30)
        self.WEBHOOK_BACKOFF_MAX_SECONDS = env.integer("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)
        self.WEBHOOK_MAX_PER_DEPARTMENT = env.integer("WEBHOOK_MAX_PER_DEPARTMENT", 5)
        self.WEBHOOK_EMBEDDED_THREAD = env.flag("WEBHOOK_EMBEDDED_THREAD", None)
        # Notifications (server/notifications): the outbound channel (log: a log line and a delivery row per notice;
        # none: in-app only), attempts per notice and the first wait after a failure (doubling), and the share of a
        # deadline's time left when its department is warned (once per case and deadline).
        self.NOTIFY_CHANNEL = env.choice("NOTIFY_CHANNEL", "log", ("log", "none"))
        self.NOTIFY_MAX_ATTEMPTS = env.integer("NOTIFY_MAX_ATTEMPTS", 5)
        self.NOTIFY_BACKOFF_BASE_SECONDS = env.integer("NOTIFY_BACKOFF_BASE_SECONDS", 30)
        self.DEADLINE_WARNING_SHARE = env.number("DEADLINE_WARNING_SHARE", 0.2)
        # Open311 GeoReport v2: the discovery document's contact, key service and endpoint type, the time zone of
        # its datetimes, and the most requests one answer lists.
        self.OPEN311_CONTACT = env.text("OPEN311_CONTACT", "GridWatch 指挥中心 command centre")
        self.OPEN311_KEY_SERVICE = env.text(
            "OPEN311_KEY_SERVICE", "API 密钥由平台管理员签发 API keys are issued by the platform's administrators")
        self.OPEN311_ENDPOINT_TYPE = env.choice("OPEN311_ENDPOINT_TYPE", "production", ("production", "test"))
        self.OPEN311_TIMEZONE = env.text("OPEN311_TIMEZONE", "Asia/Shanghai")
        self.OPEN311_MAX_RESULTS = env.integer("OPEN311_MAX_RESULTS", 1000)
        # Triage: a learned classifier from `gridwatch triage train` (default: instance/triage.model when
        # present), how much it is trusted over the keyword rules, and the confidence below which a
        # case waits in the supervisors' manual dispatch queue with its top three suggestions.
        self.TRIAGE_MODEL = env.text("TRIAGE_MODEL") or (
            str(instance / "triage.model") if (instance / "triage.model").exists() else None)
        self.TRIAGE_MODEL_WEIGHT = env.number("TRIAGE_MODEL_WEIGHT", 0.7)
        self.MANUAL_DISPATCH_BELOW = env.number("MANUAL_DISPATCH_BELOW", 0.45)
        self.WHISPER_MODEL = env.text("WHISPER_MODEL", "small")
        self.WHISPER_MODEL_DIR = env.text("WHISPER_MODEL_DIR", str(Path.home() / ".cache" / "whisper"))
        # CPU threads for Whisper in a worker process (0: torch's default, all cores).
        self.WHISPER_THREADS = env.integer("WHISPER_THREADS", 0)
        self.WHISPER_QUANTIZE = env.flag("WHISPER_QUANTIZE", False)
        # The city's time zone: times shown to people (the phone app's map and lists) and the alerts' hours and days.
        self.CITY_TIMEZONE = env.text("CITY_TIMEZONE", "Asia/Shanghai")
        # Admin city map: a Leaflet tile URL template; empty: the grid polygons are the (offline) base map.
        self.ADMIN_TILE_URL = env.text("ADMIN_TILE_URL", "")
        self.environment_read = env.read
        for key, value in (overrides or {}).items():
            setattr(self, key, value)
        self._check_and_settle()

    def _check_and_settle(self) -> None:
        """Refuse settings that cannot work; decide those left to GRIDWATCH_ENV."""
        _check_cidrs("WEBHOOK_ALLOWED_CIDRS", self.WEBHOOK_ALLOWED_CIDRS)
        _check_timezone("OPEN311_TIMEZONE", self.OPEN311_TIMEZONE)
        _check_timezone("CITY_TIMEZONE", self.CITY_TIMEZONE)
        if self.GRIDWATCH_ENV not in ENVIRONMENTS:
            raise RuntimeError(f"GRIDWATCH_ENV must be one of {ENVIRONMENTS}, not {self.GRIDWATCH_ENV!r}")
        if self.SESSION_COOKIE_SECURE is None:
            self.SESSION_COOKIE_SECURE = self.GRIDWATCH_ENV == "production"
        if self.WEBHOOK_EMBEDDED_THREAD is None:
            # The test environment drains deliveries explicitly, as it does the embedded pipeline.
            self.WEBHOOK_EMBEDDED_THREAD = self.GRIDWATCH_ENV != "test"
        if not self.SECRET_KEY:
            if self.GRIDWATCH_ENV == "production":
                raise RuntimeError("SECRET_KEY must be set (or GRIDWATCH_ENV=demo for a local demo)")
            self.SECRET_KEY = f"insecure-{self.GRIDWATCH_ENV}-key"

    def as_dict(self) -> dict:
        """The settings as a mapping for app.config."""
        return {**copy.deepcopy(self.FIXED), **{k: v for k, v in vars(self).items() if k.isupper()}}


def _boolean(raw: str) -> bool:
    """1/true/yes/on → True, 0/false/no/off → False."""
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ValueError(f"expected one of {TRUE + FALSE}")


def _one_of(raw: str, choices: tuple[str, ...]) -> str:
    """The word if it is one of the choices."""
    if raw not in choices:
        raise ValueError(f"expected one of {choices}")
    return raw


def _weights(raw: str, default: dict[str, float]) -> dict[str, float]:
    """``key=number,…`` over the keys of the default."""
    weights = dict(default)
    for part in raw.split(","):
        key, _, number = part.partition("=")
        if key.strip() not in default:
            raise ValueError(f"expected key=number pairs with keys from {tuple(default)}")
        weights[key.strip()] = float(number)
    return weights


def _check_cidrs(name: str, value) -> None:
    """A comma-separated list of CIDR ranges (or a list of them), else a clear start-up error."""
    parts = value.split(",") if isinstance(value, str) else list(value or ())
    for part in parts:
        try:
            if str(part).strip():
                ipaddress.ip_network(str(part).strip(), strict=False)
        except ValueError:
            raise RuntimeError(f"{name}: {str(part).strip()!r} is not a CIDR range such as 10.20.0.0/16") from None


def _check_timezone(name: str, value: str) -> None:
    """An IANA time zone name, else a clear start-up error."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"{name}: {value!r} is not a time zone such as Asia/Shanghai") from None


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
