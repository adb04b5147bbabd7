"""Printing the results."""
import math

from .checks import LossCheck
from .load import LoadResult

# Rate and p99 from the first intake issue; the ratio to the minimal insert app from issue 14 (was 0.5).
TARGET_RATE, TARGET_P99_MS, TARGET_RATIO = 300.0, 250.0, 0.8


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def rate(result: LoadResult) -> float:
    """Accepted (2xx) reports per second in the timed phase."""
    return result.ok / result.elapsed_s if result.elapsed_s else 0.0


def speed_table(rows: list[tuple[str, LoadResult]]) -> list[str]:
    """One line per app: throughput, latency and errors."""
    lines = [f"{'app':<18}{'reports/s':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"]
    for name, res in rows:
        lines.append(f"{name:<18}{rate(res):>10.1f}{len(res.latencies_ms) / res.elapsed_s:>9.1f}"
                     f"{percentile(res.latencies_ms, 50):>9.1f}{percentile(res.latencies_ms, 99):>9.1f}"
                     f"{max(res.latencies_ms, default=0):>9.1f}{res.errors:>8}")
    return lines


def round_lines(gw_runs: list[LoadResult], base_runs: list[LoadResult]) -> list[str]:
    """Each round's rates and ratio, when there were several (the table above sums the rounds)."""
    if len(gw_runs) < 2:
        return []
    parts = [f"{rate(g):.0f}/{rate(b):.0f}={rate(g) / rate(b) if rate(b) else 0:.2f}" for g, b in zip(gw_runs, base_runs)]
    return ["rounds (gridwatch/baseline reports/s = ratio): " + ", ".join(parts)]


def cpu_lines(gw: LoadResult, base: LoadResult) -> list[str]:
    """CPU time of each app's gunicorn processes per request: what the ratio comes to when the CPUs are the limit
    (the client, PostgreSQL and Redis not counted)."""
    def per(res: LoadResult) -> float:
        count = sum(res.all_statuses.values())
        return res.server_cpu_s / count * 1000 if count else 0.0
    if not gw.server_cpu_s or not base.server_cpu_s:
        return []
    return [f"server CPU per request (gunicorn processes, warm-up included): gridwatch {per(gw):.2f} ms, "
            f"baseline {per(base):.2f} ms"]


def error_lines(name: str, res: LoadResult, server_exception: str | None) -> list[str]:
    """Where errors came from, when there were any."""
    if res.errors == 0 and not res.first_error:
        return []
    statuses = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(res.all_statuses.items()))
    lines = [f"{name}: statuses (warm-up included) {statuses}", f"  first error: {res.first_error}"]
    if server_exception:
        lines.append(f"  server log: {server_exception}")
    return lines


def targets(gw: LoadResult, base: LoadResult) -> list[str]:
    """The targets, reported rather than asserted."""
    ratio = rate(gw) / rate(base) if rate(base) else 0.0
    p99 = percentile(gw.latencies_ms, 99)
    mark = {True: "met", False: "MISSED"}
    return [f"gridwatch / baseline throughput: {ratio:.2f}",
            f"targets: >= {TARGET_RATE:.0f} reports/s: {mark[rate(gw) >= TARGET_RATE]} ({rate(gw):.1f}); "
            f"p99 <= {TARGET_P99_MS:.0f} ms: {mark[gw.ok > 0 and p99 <= TARGET_P99_MS]} ({p99:.1f}); "
            f">= {TARGET_RATIO} x baseline: {mark[ratio >= TARGET_RATIO]} ({ratio:.2f})"]


def loss_lines(gw: LossCheck, base: LossCheck) -> list[str]:
    """The loss check, computed from the client's 201s, the tables and the queue."""
    yes = {True: "yes", False: "NO"}
    return [
        "loss check (warm-up included):",
        f"  gridwatch: 201s {gw.acknowledged}, rows in reports {gw.rows} (distinct client_uuid {gw.distinct_uuids}), "
        f"jobs in 'reports' {gw.jobs} (distinct {gw.distinct_jobs}; drains {gw.drains})",
        f"    rows == 201s: {yes[gw.rows == gw.acknowledged]}; "
        f"acknowledged but not stored: {gw.missing_rows}; stored but not acknowledged: {gw.unacknowledged_rows}; "
        f"rows without a job: {gw.rows_without_job}; jobs without a row: {gw.jobs_without_row}",
        f"  baseline:  201s {base.acknowledged}, rows in bench_rows {base.rows} "
        f"(distinct client_uuid {base.distinct_uuids}); rows == 201s: {yes[base.rows == base.acknowledged]}",
        f"lost: {gw.lost + base.lost}, duplicated: {gw.duplicated + base.duplicated}",
    ]
