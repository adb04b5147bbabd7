"""Job monitoring: queue lengths, failed RQ jobs with retry, and reports the pipeline gave up on."""
import logging

from flask import flash, redirect, render_template, request, url_for

from server.extensions import db
from server.models import PENDING_STAGES, Report, Stage
from server.pipeline.jobs import submit_report
from server.tasks.queue import QUEUES, backend

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, SUPERVISOR, login_required
from ..i18n import gettext

log = logging.getLogger(__name__)
LIMIT = 50


def _rq_failed(queue_backend) -> list[dict]:
    """Failed jobs in RQ's registries (newest first)."""
    from rq.job import Job
    from rq.registry import FailedJobRegistry
    found = []
    for name, queue in queue_backend.queues.items():
        registry = FailedJobRegistry(queue=queue)
        ids = registry.get_job_ids(0, LIMIT - 1)
        for job in Job.fetch_many(ids, connection=queue_backend.connection):
            if job is None:
                continue
            error = (job.latest_result().exc_string if job.latest_result() else "") or ""
            found.append({"id": job.id, "queue": name, "func": job.func_name, "args": job.args,
                          "ended_at": job.ended_at, "error": error.strip().splitlines()[-1:] or [""]})
    return found


@bp.get("/jobs")
@login_required(SUPERVISOR, ADMIN)
def jobs():
    """Queue lengths and failures on the configured backend."""
    queue_backend = backend()
    counts, failed, problem = {}, [], None
    try:
        counts = queue_backend.counts()
        if queue_backend.name == "rq":
            from rq import Worker
            counts["workers"] = len(Worker.all(connection=queue_backend.connection))
            failed = _rq_failed(queue_backend)
    except Exception as exc:  # Redis down: say so instead of failing the page
        log.warning("job monitoring: %s", exc)
        problem = str(exc)
    pending = db.session.execute(db.select(db.func.count(Report.id)).where(
        Report.stage.in_(PENDING_STAGES))).scalar_one()
    gave_up = db.session.execute(db.select(Report).where(Report.stage == Stage.FAILED.value)
                                 .order_by(Report.stage_updated_at.desc()).limit(LIMIT)).scalars().all()
    return render_template("admin/jobs.html", backend=queue_backend.name, counts=counts, failed=failed,
                           problem=problem, pending=pending, gave_up=gave_up, queues=QUEUES)


@bp.post("/jobs/<job_id>/retry")
@login_required(SUPERVISOR, ADMIN)
def job_retry(job_id: str):
    """Put a failed RQ job back on its queue."""
    from rq.registry import FailedJobRegistry
    queue_backend = backend()
    if queue_backend.name != "rq":
        flash(gettext("The embedded backend keeps no failed jobs."), "error")
        return redirect(url_for("admin.jobs"))
    queue = queue_backend.queues.get(request.form.get("queue", ""))
    try:
        FailedJobRegistry(queue=queue).requeue(job_id)
    except Exception as exc:
        flash(gettext("Could not retry: {error}", error=str(exc)), "error")
    else:
        record("job.retry", job_id)
        flash(gettext("Job {id} queued again.", id=job_id), "success")
    return redirect(url_for("admin.jobs"))


@bp.post("/jobs/reports/<int:report_id>/retry")
@login_required(SUPERVISOR, ADMIN)
def report_retry(report_id: int):
    """Run a report the pipeline gave up on again, from the stage where it failed."""
    report = db.session.get(Report, report_id)
    if report is None or report.stage != Stage.FAILED.value:
        flash(gettext("That report is not waiting for a retry."), "error")
        return redirect(url_for("admin.jobs"))
    failed_at = (report.stage_reason or "").split(":", 1)[0]
    report.attempts = 0
    report.set_stage(Stage(failed_at) if failed_at in PENDING_STAGES else Stage.RECEIVED, "retried by hand")
    db.session.commit()
    try:
        submit_report(report.id, report.has_audio, replace=True)
    except Exception as exc:  # the sweeper will pick it up
        log.warning("retry of report %s not enqueued: %s", report.id, exc)
    record("report.retry", str(report.id))
    flash(gettext("Report #{id} queued again.", id=report.id), "success")
    return redirect(url_for("admin.jobs"))
