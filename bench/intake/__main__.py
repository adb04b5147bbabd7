"""python -m bench.intake: GridWatch report intake against a minimal insert app, then the loss check."""
import argparse
import json
import os
import sys
import time
import urllib.request

from . import checks, load, sandbox, table
from .servers import WorkerConfig, cpu_seconds, gunicorn, top_exception

GRIDWATCH_APP, BASELINE_APP = "server:create_app()", "bench.baseline_app:create_app()"


def _positive(text: str) -> int:
    """An integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__)
    parser.add_argument("--reports", type=_positive, default=3000, help="timed reports per app (default 3000)")
    parser.add_argument("--warmup", type=int, default=100, help="untimed reports sent first (default 100)")
    parser.add_argument("--concurrency", type=_positive, default=32, help="requests in flight (default 32)")
    parser.add_argument("--workers", type=_positive, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--threads", type=_positive, default=1, help="threads per worker, >1 means gthread (default 1)")
    parser.add_argument("--rounds", type=_positive, default=4,
                        help="the timed reports are sent in this many rounds per app, the two apps taking turns "
                             "(default 4)")
    return parser.parse_args(argv)


def login(base: str) -> str:
    """A bearer token for the bench resident."""
    body = json.dumps({"username": sandbox.USERNAME, "password": sandbox.PASSWORD}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["access_token"]


def take_turns(targets: dict, reports: int, warmup: int, concurrency: int, rounds: int) -> dict:
    """Load both apps in turns, ABBA order (gridwatch first in even rounds, the baseline first in odd ones), so that
    whatever else the machine does weighs on both alike; the warm-up goes before each app's first round."""
    runs: dict = {name: [] for name in targets}
    sizes = [reports // rounds + (i < reports % rounds) for i in range(rounds)]
    for i, size in enumerate(sizes):
        order = list(targets) if i % 2 == 0 else list(targets)[::-1]
        for name in order:
            base, path, token = targets[name]
            print(f"  round {i + 1}/{rounds}: {name} ...", flush=True)
            cpu = cpu_seconds(base)
            result = load.run(base + path, token, size, warmup if i == 0 else 0, concurrency)
            result.server_cpu_s = cpu_seconds(base) - cpu
            runs[name].append(result)
    return runs


def main(argv: list[str] | None = None) -> int:
    """Set up, load both apps, check for loss, clean up; 1 when anything was lost or duplicated."""
    args = parse_args(argv)
    config = WorkerConfig(args.workers, args.threads)
    started = time.monotonic()
    print(f"intake bench: {args.reports} reports (+{args.warmup} warm-up) per app, concurrency {args.concurrency}, "
          f"gunicorn {config.label()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
          "(anything else running skews the figures)", flush=True)
    box = sandbox.create()
    try:
        box.prepare()
        env, logs = box.env(), {name: box.tmpdir / f"{name}.log" for name in ("gridwatch", "baseline")}
        with gunicorn(GRIDWATCH_APP, env, sandbox.REPO, config, "/api/v1/openapi.json", logs["gridwatch"]) as gw_base, \
                gunicorn(BASELINE_APP, env, sandbox.REPO, config, "/health", logs["baseline"]) as bl_base:
            targets = {"gridwatch": (gw_base, "/api/v1/reports", login(gw_base)), "baseline": (bl_base, "/rows", None)}
            runs = take_turns(targets, args.reports, args.warmup, args.concurrency, args.rounds)
        gw, bl = load.combine(runs["gridwatch"]), load.combine(runs["baseline"])
        gw_check, bl_check = checks.gridwatch(box, gw), checks.baseline(box, bl)
        lines = ["", *table.speed_table([("gridwatch intake", gw), ("minimal insert", bl)]),
                 *table.round_lines(runs["gridwatch"], runs["baseline"]), *table.cpu_lines(gw, bl),
                 *table.error_lines("gridwatch intake", gw, top_exception(logs["gridwatch"])),
                 *table.error_lines("minimal insert", bl, top_exception(logs["baseline"])),
                 *table.targets(gw, bl), *table.loss_lines(gw_check, bl_check),
                 f"({time.monotonic() - started:.0f} s in all)"]
        print("\n".join(lines))
    finally:
        sandbox.destroy(box)
    return 0 if gw_check.ok and bl_check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
