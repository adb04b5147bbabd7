"""Private PostgreSQL and Redis servers for fault injection: started in a temp folder on free ports, stopped and
restarted at will, removed afterwards. The machine's shared servers are never touched.

PostgreSQL binaries are found under ``GRIDWATCH_PG_BIN`` or the Debian layout ``/usr/lib/postgresql/*/bin``
(newest first), else on PATH; ``redis-server`` under ``GRIDWATCH_REDIS_SERVER`` or on PATH. As root, PostgreSQL runs
as the ``postgres`` user (it refuses to run as root)."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, up: bool, timeout: float = 30) -> None:
    """Until the port accepts connections (up) or refuses them (down)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'} within {timeout}s")


def pg_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl, or None."""
    candidates = [os.environ["GRIDWATCH_PG_BIN"]] if os.environ.get("GRIDWATCH_PG_BIN") else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                         if Path(p).parent.name.isdigit() else 0, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def redis_server() -> str | None:
    """The redis-server executable, or None."""
    return os.environ.get("GRIDWATCH_REDIS_SERVER") or shutil.which("redis-server")


def missing_reason() -> str | None:
    """Why the private servers cannot run here (None when they can)."""
    if pg_bin_dir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found; set GRIDWATCH_PG_BIN"
    if redis_server() is None:
        return "redis-server not found; set GRIDWATCH_REDIS_SERVER"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run PostgreSQL as"
    return None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster with trust authentication and database ``gridwatch``."""

    def __init__(self):
        self.bin = pg_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="gw-pg-"))
        self.data, self.port = self.root / "data", free_port()
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "gridwatch")

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/gridwatch"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        """Start (again) on the same port."""
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                   "-c full_page_writes=off -c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        _wait_port(self.port, up=True)

    def stop(self) -> None:
        """Stop at once (open connections are cut)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        _wait_port(self.port, up=False)

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """A redis-server without persistence: stopping it loses everything queued, as a crash would."""

    def __init__(self):
        self.port, self.proc = free_port(), None
        self.root = Path(tempfile.mkdtemp(prefix="gw-redis-"))
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [redis_server(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, up=True)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=20)
            self.proc = None
        _wait_port(self.port, up=False)

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
