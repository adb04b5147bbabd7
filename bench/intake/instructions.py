"""python -m bench.intake.instructions: CPU instructions per request of GridWatch's intake and of the minimal insert,
counted by valgrind's callgrind in one process, so that a change to the intake shows through a noisy machine.

The throughput bench (``python -m bench.intake``) is the acceptance figure, but on a shared two-core machine one run
moves by ±0.1 from the next. Instructions executed do not: the same code counts the same to a fraction of a per cent,
whatever else runs. Both apps are served in-process by Flask's test client (the client's own work counts on both
sides alike); PostgreSQL, Redis and the kernel are not counted. The script runs itself under ``valgrind
--tool=callgrind`` with instrumentation off, switches it on around each timed batch with ``callgrind_control`` and
reads the totals of the dumps. Needs valgrind (Debian's package); about a minute.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import payloads, sandbox

UNDER_VALGRIND = "GRIDWATCH_UNDER_CALLGRIND"


def _control(*args: str) -> None:
    """Send callgrind a command and keep executing Python until it has been read (callgrind polls between blocks)."""
    proc = subprocess.Popen(["callgrind_control", *args, str(os.getpid())], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        sum(range(1000))


def _measured(requests: int, rounds: int) -> None:
    """Inside valgrind: warm both apps up, then count ``requests`` intakes of each, ``rounds`` times, in turns."""
    box = sandbox.create()
    try:
        box.prepare()
        os.environ.update(box.env())
        bodies = iter([body for _, body in payloads.reports(400 + (requests + 20) * 2 * rounds, seed=3)])
        from bench.baseline_app import create_app as baseline_app
        from server import create_app
        baseline, gridwatch = baseline_app().test_client(), create_app().test_client()
        token = gridwatch.post("/api/v1/auth/login", json={"username": sandbox.USERNAME,
                                                            "password": sandbox.PASSWORD}).get_json()["access_token"]
        apps = [("baseline", baseline, "/rows", {"Content-Type": "application/json"}),
                ("gridwatch", gridwatch, "/api/v1/reports",
                 {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})]
        for _ in range(150):  # caches, compiled statements, the token cache
            for _, client, path, headers in apps:
                client.post(path, data=next(bodies), headers=headers)
        for i in range(rounds):
            for name, client, path, headers in apps:
                for _ in range(20):
                    client.post(path, data=next(bodies), headers=headers)
                _control("-z")
                _control("-i", "on")
                for _ in range(requests):
                    answer = client.post(path, data=next(bodies), headers=headers)
                    if answer.status_code != 201:
                        raise RuntimeError(f"{name}: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
                _control("-i", "off")
                _control("-d", f"{name}-{i}")
    finally:
        sandbox.destroy(box)


def _totals(folder: Path) -> dict[str, int]:
    """Instructions of each named dump."""
    found = {}
    for path in folder.glob("callgrind.out.*"):
        text = path.read_text(errors="replace")
        name, total = re.search(r"^desc: Trigger: dump (\S+)", text, re.M), re.search(r"^totals: (\d+)", text, re.M)
        if name and total:
            found[name.group(1)] = int(total.group(1))
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the count under valgrind and print instructions per request, each round, and the ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.intake.instructions", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="counted requests per app and round (default 100)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, the apps taking turns (default 2)")
    args = parser.parse_args(argv)
    if os.environ.get(UNDER_VALGRIND):
        _measured(args.requests, args.rounds)
        return 0
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="gridwatch-callgrind-"))
    try:
        env = {**os.environ, UNDER_VALGRIND: "1",
               "PYTHONPATH": os.pathsep.join(p for p in (str(sandbox.REPO), os.environ.get("PYTHONPATH")) if p)}
        done = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                               f"--callgrind-out-file={folder}/callgrind.out.%p", sys.executable, "-m",
                               "bench.intake.instructions", "--requests", str(args.requests),
                               "--rounds", str(args.rounds)],
                              cwd=sandbox.REPO, env=env, capture_output=True, text=True)
        if done.returncode:
            print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
            return 1
        totals = _totals(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    per = {name: total / args.requests / 1000 for name, total in totals.items()}
    print(f"instructions per request (thousands; callgrind, {args.requests} requests per app and round, "
          "Flask's test client, this process only):")
    for i in range(args.rounds):
        gw, bl = per[f"gridwatch-{i}"], per[f"baseline-{i}"]
        print(f"  round {i + 1}: gridwatch intake {gw:,.0f}k, minimal insert {bl:,.0f}k, ratio {bl / gw:.2f}")
    gw = sum(per[f"gridwatch-{i}"] for i in range(args.rounds)) / args.rounds
    bl = sum(per[f"baseline-{i}"] for i in range(args.rounds)) / args.rounds
    print(f"mean: gridwatch intake {gw:,.0f}k, minimal insert {bl:,.0f}k; minimal insert / gridwatch = {bl / gw:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
