"""One load run: sandbox, gunicorn, two RQ workers, the client, the drain, the checks."""
import json
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.intake import checks, sandbox, servers
from bench.intake.servers import WorkerConfig, gunicorn, top_exception
from bench.intake.table import percentile

from . import client

PROCESSED_SQL = """
SELECT count(*) FILTER (WHERE stage = 'routed'), count(*) FILTER (WHERE stage = 'failed'), count(*) FROM reports
"""
DUPLICATES_SQL = """
SELECT
  (SELECT count(*) FROM (SELECT report_id FROM report_events WHERE stage = 'routed'
                         GROUP BY report_id HAVING count(*) > 1) x),
  (SELECT count(*) FROM (SELECT origin_report_id FROM cases GROUP BY origin_report_id HAVING count(*) > 1) y),
  (SELECT count(*) FROM (SELECT case_id, action FROM case_events WHERE action IN ('create', 'dispatch')
                         GROUP BY case_id, action HAVING count(*) > 1) z),
  (SELECT count(*) FROM reports WHERE stage = 'routed' AND case_id IS NULL),
  (SELECT count(DISTINCT report_id) FROM media WHERE kind = 'photo')
"""


@dataclass
class Outcome:
    """What a run measured and found."""

    sent: int
    result: object
    drain_s: float
    routed: int
    failed: int
    rows: int
    loss: checks.LossCheck
    duplicate_routes: int
    duplicate_cases: int
    duplicate_events: int
    routed_without_case: int
    photo_reports: int
    expected_photo_reports: int
    queued_left: int
    problems: list = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.loss.missing_rows + (self.rows - self.routed - self.failed)

    @property
    def duplicated(self) -> int:
        return (self.loss.rows - self.loss.distinct_uuids) + (self.loss.acknowledged - self.loss.distinct_acknowledged) \
            + self.duplicate_routes + self.duplicate_cases + self.duplicate_events

    @property
    def ok(self) -> bool:
        """Every report acknowledged, stored once and processed once, none failed, queues empty."""
        return (self.lost == 0 and self.duplicated == 0 and self.failed == 0 and self.routed == self.sent
                and self.loss.acknowledged == self.sent and self.loss.unacknowledged_rows == 0
                and self.routed_without_case == 0 and self.photo_reports == self.expected_photo_reports
                and self.queued_left == 0)

    def rates_line(self) -> str:
        """The processed rate beside the intake rate of the same run (issue 14: processed ≥ 0.5x intake)."""
        res = self.result
        intake = res.ok / res.elapsed_s if res.elapsed_s else 0.0
        processed = self.routed / (res.elapsed_s + self.drain_s) if res.elapsed_s + self.drain_s else 0.0
        ratio = processed / intake if intake else 0.0
        return (f"processed {processed:.1f} reports/s beside intake {intake:.1f} reports/s (same run): "
                f"{ratio:.2f}x, target ≥ 0.5x {'met' if ratio >= 0.5 else 'MISSED'}")

    def lines(self) -> list[str]:
        res = self.result
        lat = res.latencies_ms
        statuses = ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(res.all_statuses.items()))
        return [
            f"sent {self.sent} reports in {res.elapsed_s:.1f} s: {res.ok / res.elapsed_s:.1f} reports/s accepted; "
            f"statuses {statuses}",
            f"latency ms: p50 {percentile(lat, 50):.1f}, p99 {percentile(lat, 99):.1f}, max {max(lat, default=0):.1f}",
            f"time to drain the queues after the last answer: {self.drain_s:.1f} s "
            f"(end to end {res.elapsed_s + self.drain_s:.1f} s, {self.routed / (res.elapsed_s + self.drain_s):.1f} "
            "reports/s processed)",
            self.rates_line(),
            f"stored {self.rows} (acknowledged {self.loss.acknowledged}), routed {self.routed}, failed {self.failed}, "
            f"photo reports {self.photo_reports}/{self.expected_photo_reports}, jobs left {self.queued_left}",
            f"lost: {self.lost}   duplicated: {self.duplicated} (rows {self.loss.rows - self.loss.distinct_uuids}, "
            f"routings {self.duplicate_routes}, cases {self.duplicate_cases}, case events {self.duplicate_events})",
            *([f"first error: {res.first_error}"] if res.first_error else []),
            *self.problems,
            "result: " + ("OK — zero lost, zero duplicated, every report processed" if self.ok else "FAILED"),
        ]


def prepare(box: sandbox.Sandbox) -> None:
    """Migrate, seed the city's reference data, add the bench resident."""
    box.run("-m", "server.cli", "db", "upgrade")
    box.run("-c", "from server import create_app\nfrom server.demo.seed import seed_reference\n"
                  "app = create_app()\nwith app.app_context():\n    seed_reference()")
    box.run("-m", "server.cli", "user", "add", sandbox.USERNAME, "--role", "resident", "--password", sandbox.PASSWORD)


def rq_workers(box: sandbox.Sandbox, count: int, logs: list[Path], timeout: float = 60):
    """Start RQ workers on both queues and wait until they listen; stop them afterwards."""
    cmds = [[sys.executable, "-m", "server.cli", "worker", "--queues", "reports,transcribe",
             "--name", f"load-{box.schema}-{i}"] for i in range(count)]
    return servers.rq_workers(cmds, box.env(), sandbox.REPO, logs[:count], box.redis(), "reports", timeout)


def login(base: str) -> str:
    body = json.dumps({"username": sandbox.USERNAME, "password": sandbox.PASSWORD}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["access_token"]


def _queued(box: sandbox.Sandbox) -> int:
    from rq import Queue
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry
    connection, total = box.redis(), 0
    for name in ("reports", "transcribe", "default"):
        queue = Queue(name, connection=connection)
        total += queue.count + len(StartedJobRegistry(queue=queue)) + len(ScheduledJobRegistry(queue=queue))
    return total


def drain(box: sandbox.Sandbox, expected: int, timeout: float, progress=None) -> tuple[float, int, int, int]:
    """Wait until every stored report is routed or failed and the queues are empty; (seconds, routed, failed,
    rows)."""
    began = time.monotonic()
    last_note = began
    while True:
        routed, failed, rows = box.query(PROCESSED_SQL)
        if routed + failed >= max(rows, expected) and _queued(box) == 0:
            return time.monotonic() - began, routed, failed, rows
        if time.monotonic() - began > timeout:
            return time.monotonic() - began, routed, failed, rows
        if progress and time.monotonic() - last_note > 15:
            progress(f"  draining: {routed + failed}/{rows} processed, {_queued(box)} jobs queued or running")
            last_note = time.monotonic()
        time.sleep(0.5)


def run(count: int, concurrency: int, *, photo_every: int = 10, web_workers: int = 3, web_threads: int = 4,
        rq_count: int = 2, redis_url: str | None = None, drain_timeout: float = 1800, progress=print) -> Outcome:
    """Set up, load, drain, check, tear down."""
    box = sandbox.create(redis_url or sandbox.REDIS_URL, WHISPER_THREADS="1", SWEEP_GRACE_SECONDS="30")
    try:
        prepare(box)
        tmp = box.tmpdir
        logs = [tmp / f"rq-{i}.log" for i in range(rq_count)]
        with gunicorn("server:create_app()", box.env(), sandbox.REPO, WorkerConfig(web_workers, web_threads),
                      "/healthz", tmp / "gunicorn.log") as base, rq_workers(box, rq_count, logs):
            token = login(base)
            progress(f"  sending {count} reports ...")
            result = client.run(base + "/api/v1/reports", token, count, concurrency, photo_every)
            progress("  draining ...")
            drain_s, routed, failed, rows = drain(box, len(result.accepted), drain_timeout, progress)
        loss = checks.LossCheck(**checks._stored(box, "reports", result))
        dup_routes, dup_cases, dup_events, without_case, photo_reports = box.query(DUPLICATES_SQL)
        problems = [f"{name} log: {text}" for name, text in
                    [("gunicorn", top_exception(tmp / "gunicorn.log")),
                     *((f"rq-{i}", top_exception(log)) for i, log in enumerate(logs))] if text]
        return Outcome(sent=count, result=result, drain_s=drain_s, routed=routed, failed=failed, rows=rows,
                       loss=loss, duplicate_routes=dup_routes, duplicate_cases=dup_cases, duplicate_events=dup_events,
                       routed_without_case=without_case, photo_reports=photo_reports,
                       expected_photo_reports=count // photo_every if photo_every else 0, queued_left=_queued(box),
                       problems=problems)
    finally:
        sandbox.destroy(box)
