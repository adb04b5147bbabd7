"""The loss check: each 201 is one stored row, and each stored report has a queued RQ job: its own, or (a text report
waiting at ``received``) a queued drain, which claims every such report when it runs (``server.pipeline.drain``)."""
from collections import Counter
from dataclasses import dataclass

from rq import Queue
from rq.job import Job

from .load import LoadResult
from .sandbox import Sandbox


@dataclass
class LossCheck:
    """Counts from the client, the database and (for GridWatch) the queue."""

    acknowledged: int
    distinct_acknowledged: int
    rows: int
    distinct_uuids: int
    missing_rows: int
    unacknowledged_rows: int
    jobs: int | None = None
    distinct_jobs: int | None = None
    drains: int | None = None
    rows_without_job: int | None = None
    jobs_without_row: int | None = None

    @property
    def lost(self) -> int:
        """Acknowledged reports not stored, and stored reports with no job."""
        return self.missing_rows + (self.rows_without_job or 0)

    @property
    def duplicated(self) -> int:
        """Extra rows per client_uuid, extra job entries per job id, extra 201s per client_uuid."""
        extra_jobs = (self.jobs or 0) - (self.distinct_jobs or 0)
        return (self.rows - self.distinct_uuids) + extra_jobs + (self.acknowledged - self.distinct_acknowledged)

    @property
    def consistent(self) -> bool:
        """rows == 201s and (when a queue is checked) a job for every row, and no job without one."""
        queue_ok = self.jobs is None or (not self.rows_without_job and not self.jobs_without_row)
        return self.rows == self.acknowledged and self.unacknowledged_rows == 0 and queue_ok

    @property
    def ok(self) -> bool:
        """Nothing lost, nothing duplicated, every count matching."""
        return self.lost == 0 and self.duplicated == 0 and self.consistent


def _stored(box: Sandbox, table: str, result: LoadResult) -> dict:
    """Row counts and the UUID comparison against the client's 201s."""
    rows, distinct = box.query(f"SELECT count(*), count(DISTINCT client_uuid) FROM {table}")
    stored = set(box.column(f"SELECT client_uuid FROM {table}"))
    acked = set(result.accepted)
    return {"acknowledged": len(result.accepted), "distinct_acknowledged": len(acked), "rows": rows,
            "distinct_uuids": distinct, "missing_rows": len(acked - stored), "unacknowledged_rows": len(stored - acked)}


def drainable_sql() -> str:
    """The ids of the reports a queued drain will take (``server.pipeline.batch.DRAINABLE``), as plain SQL."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from server.models import Report
    from server.pipeline.batch import DRAINABLE
    query = sa.select(Report.id).where(*DRAINABLE)
    return str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def gridwatch(box: Sandbox, result: LoadResult) -> LossCheck:
    """Compare the 201s with ``reports``, and the reports with the jobs waiting in the ``reports`` queue."""
    counts = _stored(box, "reports", result)
    queue = Queue("reports", connection=box.redis())
    job_ids = Counter(queue.get_job_ids())
    jobs = [j for j in Job.fetch_many(list(job_ids), connection=queue.connection) if j is not None]
    drains = sum(job_ids[j.id] for j in jobs if j.func_name.endswith(".drain_reports"))
    own = {j for j in job_ids if j.startswith("report-")}
    expected = {f"report-{rid}" for rid in box.column("SELECT id FROM reports")}
    drained = {f"report-{rid}" for rid in box.column(drainable_sql())} if drains else set()
    return LossCheck(**counts, jobs=queue.count, distinct_jobs=len(job_ids), drains=drains,
                     rows_without_job=len(expected - own - drained), jobs_without_row=len(own - expected))


def baseline(box: Sandbox, result: LoadResult) -> LossCheck:
    """Compare the 201s with ``bench_rows``."""
    return LossCheck(**_stored(box, "bench_rows", result))
