"""Start and stop gunicorn serving one app on a free local port."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gunicorn.config import KNOWN_SETTINGS

EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")
MASTERS: dict[str, int] = {}  # base URL -> gunicorn master pid, while it serves
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class WorkerConfig:
    """gunicorn processes and threads: sync workers when threads is 1, else gthread."""

    workers: int
    threads: int

    def args(self) -> list[str]:
        """gunicorn command-line options for this configuration (the product's gunicorn settings, whose worker
        class is sync or threaded by ``--threads``)."""
        return ["-c", "python:server.web.gunicorn_conf", "-w", str(self.workers), "--threads", str(self.threads)]

    def label(self) -> str:
        """A short description, e.g. '4 sync' or '2 gthread x 4'."""
        return f"{self.workers} gthread x {self.threads}" if self.threads > 1 else f"{self.workers} sync"


def stop_processes(procs) -> None:
    """Ask each still-running process to stop, then kill any that has not within 30 s."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _extra_options() -> list[str]:
    """Options of this gunicorn version that keep it from touching the home folder."""
    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


def _wait_ready(proc: subprocess.Popen, url: str, log: Path, timeout: float = 30) -> None:
    """Poll the URL until the server answers anything at all."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout}s")


def top_exception(log: Path) -> str | None:
    """The most frequent exception line in a server log, with its count."""
    if not log.exists():
        return None
    lines = Counter(line.strip() for line in log.read_text(errors="replace").splitlines()
                    if EXCEPTION_LINE.match(line.strip()))
    if not lines:
        return None
    line, count = lines.most_common(1)[0]
    return f"{count}x {line}"


@contextmanager
def gunicorn(app_spec: str, env: dict, cwd: Path, config: WorkerConfig, probe: str, log: Path):
    """Serve the app on 127.0.0.1:<free port>; yields the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", *config.args(), "-b", f"127.0.0.1:{port}", "--timeout", "60",
           "--log-level", "warning", *_extra_options(), app_spec]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    MASTERS[base] = proc.pid
    try:
        _wait_ready(proc, base + probe, log)
        yield base
    finally:
        MASTERS.pop(base, None)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(base: str) -> float:
    """CPU time (user + system) used so far by the gunicorn serving ``base``: its master and its workers."""
    master, total = MASTERS[base], 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == master or int(fields[1]) == master:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


@contextmanager
def rq_workers(cmds: list[list[str]], env: dict, cwd: Path, logs: list[Path], connection, queue: str,
               timeout: float = 60):
    """Start worker processes, wait until each listens on queue, and stop them afterwards."""
    from rq import Worker
    procs = []
    try:
        for cmd, log in zip(cmds, logs):
            with open(log, "wb") as out:
                procs.append(subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + timeout
        while sum(queue in w.queue_names() for w in Worker.all(connection=connection)) < len(cmds):
            for proc, log in zip(procs, logs):
                if proc.poll() is not None:
                    raise RuntimeError(f"a worker exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the workers did not start within {timeout}s")
            time.sleep(0.2)
        yield procs
    finally:
        stop_processes(procs)
