"""A private PostgreSQL schema, Redis database and temp folder for one run, removed afterwards."""
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from redis import Redis

REPO = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
USERNAME, PASSWORD = "benchuser", "bench-pass-2026"


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg itself takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@dataclass
class Sandbox:
    """Where one run keeps its state."""

    schema: str
    tmpdir: Path
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    redis_url: str = REDIS_URL
    extra_env: dict = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        """DATABASE_URL pinned to the private schema."""
        return f"{PG_URL}?options=-csearch_path%3D{self.schema}"

    def env(self) -> dict:
        """Environment for the servers and the CLI: production mode, everything private."""
        env = dict(os.environ)
        env.update({
            "GRIDWATCH_ENV": "production", "SECRET_KEY": self.secret, "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url, "MEDIA_ROOT": str(self.tmpdir / "media"),
            "GRIDWATCH_INSTANCE": str(self.tmpdir / "instance"),
            # One account is hashed and verified once; Argon2 cost is irrelevant to the timed phase.
            "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8192",
            # One account and one address send every report: the intake rate limits would measure themselves.
            "INTAKE_RATE_LIMIT_ACCOUNT": "", "INTAKE_RATE_LIMIT_ADDRESS": "",
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
            **self.extra_env,
        })
        return env

    def run(self, *args: str) -> None:
        """Run a Python module or snippet in the repo with the sandbox environment."""
        done = subprocess.run([sys.executable, *args], cwd=REPO, env=self.env(), capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    def prepare(self) -> None:
        """Migrate GridWatch, add the one resident, and create the baseline's table."""
        self.run("-m", "server.cli", "db", "upgrade")
        self.run("-m", "server.cli", "user", "add", USERNAME, "--role", "resident", "--password", PASSWORD)
        self.run("-c", "from bench.baseline_app import create_table; create_table()")

    def redis(self) -> Redis:
        """A client of the private Redis database."""
        return Redis.from_url(self.redis_url)

    def query(self, sql: str) -> tuple:
        """One row of a query in the private schema."""
        with psycopg.connect(libpq_url(self.database_url)) as conn:
            return conn.execute(sql).fetchone()

    def rows(self, sql: str) -> list:
        """Every row of a query in the private schema."""
        with psycopg.connect(libpq_url(self.database_url)) as conn:
            return conn.execute(sql).fetchall()

    def column(self, sql: str) -> list:
        """The first column of every row of a query in the private schema."""
        with psycopg.connect(libpq_url(self.database_url)) as conn:
            return [row[0] for row in conn.execute(sql)]


def create(redis_url: str = REDIS_URL, **extra_env: str) -> Sandbox:
    """Make the schema, flush the Redis database and make the temp folder."""
    Redis.from_url(redis_url).flushdb()
    schema = f"bench_{secrets.token_hex(5)}"
    with psycopg.connect(libpq_url(PG_URL), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return Sandbox(schema=schema, tmpdir=Path(tempfile.mkdtemp(prefix="gridwatch-bench-")),
                   redis_url=redis_url, extra_env=extra_env)


def destroy(box: Sandbox) -> None:
    """Drop the schema, flush the Redis database and delete the temp folder."""
    try:
        with psycopg.connect(libpq_url(PG_URL), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {box.schema} CASCADE")
    finally:
        box.redis().flushdb()
        shutil.rmtree(box.tmpdir, ignore_errors=True)
