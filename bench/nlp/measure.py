"""Run a command as a child process and measure its wall time and peak memory (Linux)."""

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    """What one measured command did."""

    status: str  # "ok", "timeout" or "failed (exit N)"
    seconds: float
    max_rss_mb: float  # the largest single process (the child or a process it waited for), from wait4
    tree_rss_mb: float  # the peak of the summed RSS of the child and all its descendants (sampled)
    stderr: str = ""


def _tree_rss_kb(root: int) -> int:
    """Return the summed VmRSS (kB) of root and its descendants, read from /proc."""
    parent, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(child for child, up in parent.items() if up == pid)
    return total


def measure(cmd: list[str], timeout: float, cwd=None, memory_limit_gb: float | None = None) -> Run:
    """Run cmd, killing it after timeout seconds; memory_limit_gb caps its address space."""
    def limit():
        os.setsid()
        if memory_limit_gb:
            import resource

            cap = int(memory_limit_gb * 2 ** 30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit)
    peak, done = [0], threading.Event()

    def sample():
        while not done.wait(0.2):
            try:
                peak[0] = max(peak[0], _tree_rss_kb(child.pid))
            except Exception:  # /proc races with exiting processes; a missed sample is harmless
                pass

    def stop():
        if not done.wait(timeout):
            os.killpg(child.pid, signal.SIGKILL)

    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=stop, daemon=True)]
    for t in threads:
        t.start()
    err = child.stderr.read().decode("utf-8", "replace")
    _, code, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    child.returncode = os.waitstatus_to_exitcode(code)
    if seconds >= timeout:
        status = "timeout"
    else:
        status = "ok" if child.returncode == 0 else f"failed (exit {child.returncode})"
    return Run(status, seconds, usage.ru_maxrss / 1024, peak[0] / 1024, err[-2000:])
