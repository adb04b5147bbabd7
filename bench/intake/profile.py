"""python -m bench.intake.profile: where one report's time goes, step by step, in-process and one at a time."""
import argparse
import cProfile
import functools
import importlib
import io
import os
import pstats
import re
import time
from collections import defaultdict

from sqlalchemy import event

from . import payloads, sandbox

# (label, module, attribute): parts of POST /api/v1/reports, wrapped with timers in this process only.
STEPS = [
    ("auth: token lookup", "server.accounts.auth", "_user_from_request"),
    ("read body + marshmallow load", "server.reports.api", "_read_request"),
    ("accept_report", "server.reports.api", "accept_report"),
    ("payload hash", "server.reports.intake", "payload_hash"),
    ("idempotency query", "server.reports.intake", "_existing"),
    ("session.commit (flush + COMMIT)", "sqlalchemy.orm", "Session.commit"),
    ("reload of objects expired by commit", "sqlalchemy.orm.state", "InstanceState._load_expired"),
    ("RQ enqueue", "server.reports.api", "enqueue_report"),
    ("present_report", "server.reports.api", "present_report"),
    ("ReportSchema.dump", "server.reports.schemas", "ReportSchema.dump"),
]


class Timers:
    """Wall time per label, inclusive and exclusive of nested timed labels."""

    def __init__(self):
        self.total, self.own, self.calls = defaultdict(float), defaultdict(float), defaultdict(int)
        self.stack: list[list] = []

    def start(self, label: str) -> None:
        """Enter a timed label."""
        self.stack.append([label, time.perf_counter(), 0.0])

    def stop(self) -> None:
        """Leave the innermost timed label."""
        label, began, nested = self.stack.pop()
        spent = time.perf_counter() - began
        self.total[label] += spent
        self.own[label] += spent - nested
        self.calls[label] += 1
        if self.stack:
            self.stack[-1][2] += spent

    def wrap(self, label: str, func):
        """A timed version of func."""
        @functools.wraps(func)
        def timed(*args, **kwargs):
            self.start(label)
            try:
                return func(*args, **kwargs)
            finally:
                self.stop()
        return timed

    def reset(self) -> None:
        """Forget the warm-up."""
        self.total.clear()
        self.own.clear()
        self.calls.clear()


def _patch(timers: Timers) -> None:
    """Wrap every step with a timer."""
    for label, module, attr in STEPS:
        owner = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, name, timers.wrap(label, getattr(owner, name)))


def _watch_db(engine, timers: Timers) -> None:
    """Time every SQL statement (by verb and table), pre-ping, COMMIT and ROLLBACK round trip."""
    event.listen(engine, "before_cursor_execute", lambda *a, **k: timers.start(_sql_label(a[2])))
    event.listen(engine, "after_cursor_execute", lambda *a, **k: timers.stop())
    event.listen(engine, "handle_error", lambda context: timers.stop())
    dialect = engine.dialect
    dialect.do_ping = timers.wrap("SQL ping (pool_pre_ping)", dialect.do_ping)
    dialect.do_commit = timers.wrap("SQL COMMIT", dialect.do_commit)
    dialect.do_rollback = timers.wrap("SQL ROLLBACK (connection back to pool)", dialect.do_rollback)


def _sql_label(statement: str) -> str:
    """'SQL SELECT reports' and the like (the first statement of a transaction includes its BEGIN)."""
    verb = statement.split(None, 1)[0].upper()
    match = re.search(r"\b(?:FROM|INTO|UPDATE)\s+([\w.]+)", statement, re.IGNORECASE)
    return f"SQL {verb} {match.group(1) if match else ''}".rstrip()


def _send(client, url: str, headers: dict, bodies: list[bytes]) -> tuple[float, float, dict]:
    """Post each body in turn; (wall s, CPU s, status counts)."""
    statuses: dict = defaultdict(int)
    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        statuses[client.post(url, data=body, headers=headers).status_code] += 1
    return time.perf_counter() - wall, time.process_time() - cpu, dict(statuses)


def _report(title: str, count: int, wall: float, cpu: float, statuses: dict, timers: Timers | None) -> None:
    """Print per-request figures: inclusive and own (exclusive) time per step."""
    per = wall / count * 1000
    print(f"\n{title}: {count} requests one at a time, statuses {statuses}")
    print(f"  wall {per:.2f} ms/request, CPU of this process {cpu / count * 1000:.2f} ms/request")
    if timers is None:
        return
    steps = [label for label, *_ in STEPS if label in timers.total]
    db = sorted((k for k in timers.total if k.startswith("SQL")), key=lambda k: -timers.total[k])
    print(f"  {'step':<42}{'calls':>6}{'incl ms':>9}{'own ms':>8}{'own %':>7}")
    for label in steps + db:
        own = timers.own[label] / count * 1000
        print(f"  {label:<42}{timers.calls[label] / count:>6.1f}{timers.total[label] / count * 1000:>9.2f}"
              f"{own:>8.2f}{own / per:>7.0%}")
    rest = per - sum(timers.own.values()) / count * 1000
    print(f"  {'rest (Flask, smorest, ORM glue, teardown)':<42}{'':>6}{'':>9}{rest:>8.2f}{rest / per:>7.0%}")
    database = sum(timers.own[k] for k in db) / count * 1000
    print(f"  database round trips: {sum(timers.calls[k] for k in db) / count:.1f} per request, "
          f"{database:.2f} ms ({database / per:.0%})")


def _profile_baseline(bodies: list[bytes], warmup: int) -> None:
    """The minimal insert app, for scale."""
    from bench.baseline_app import create_app
    client = create_app().test_client()
    headers = {"Content-Type": "application/json"}
    _send(client, "/rows", headers, bodies[:warmup])
    _report("minimal insert", len(bodies) - warmup, *_send(client, "/rows", headers, bodies[warmup:]), None)


def _profile_gridwatch(bodies: list[bytes], warmup: int, top: int, sort: str = "tottime",
                       dump: str | None = None) -> None:
    """GridWatch's POST /api/v1/reports with every step timed."""
    from server import create_app
    from server.extensions import db
    timers = Timers()
    _patch(timers)
    app = create_app()
    with app.app_context():
        _watch_db(db.engine, timers)
    client = app.test_client()
    login = client.post("/api/v1/auth/login", json={"username": sandbox.USERNAME, "password": sandbox.PASSWORD})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {login.get_json()['access_token']}"}
    _send(client, "/api/v1/reports", headers, bodies[:warmup])
    timers.reset()
    result = _send(client, "/api/v1/reports", headers, bodies[warmup:])
    _report("gridwatch intake", len(bodies) - warmup, *result, timers)
    if top:
        profiler = cProfile.Profile(time.process_time)  # CPU time: waits on the network do not count
        more = [body for _, body in payloads.reports(len(bodies) - warmup, seed=7)]
        profiler.runcall(_send, client, "/api/v1/reports", headers, more)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        if dump:
            profiler.dump_stats(dump)  # for pstats' callers and callees, or a viewer
        print(out.getvalue())


def main(argv: list[str] | None = None) -> None:
    """Profile GridWatch's intake and the baseline insert with Flask's test client."""
    parser = argparse.ArgumentParser(prog="python -m bench.intake.profile", description=__doc__)
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="then run the reports again under cProfile and print the top N functions by own CPU time")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"),
                        help="order of the cProfile list: own CPU time (default) or CPU time including callees")
    parser.add_argument("--dump", metavar="PATH", help="with --cprofile: also write the profile to PATH (pstats)")
    args = parser.parse_args(argv)
    box = sandbox.create()
    try:
        box.prepare()
        os.environ.update(box.env())
        bodies = [body for _, body in payloads.reports(args.warmup + args.reports)]
        _profile_baseline(bodies, args.warmup)
        _profile_gridwatch(bodies, args.warmup, args.cprofile, args.sort, args.dump)
    finally:
        sandbox.destroy(box)


if __name__ == "__main__":
    main()
