"""Text reports in batches: one transaction, one commit (``PIPELINE_BATCH_SIZE``), written together or a savepoint each.

On PostgreSQL, drain jobs (``pipeline.drain``) claim waiting text reports with ``claim_next`` and route them with
``route_claimed``; what follows describes a report's own job (``run_batch``: a retry, a re-send, ``PIPELINE_DRAIN``
off), which batches the same way.

A worker that runs a text report's job first claims that report. When the report has waited at least
``PIPELINE_BATCH_AFTER_MS`` since its receipt (the workers are behind), it claims, on PostgreSQL, up to
``PIPELINE_BATCH_SIZE`` text reports in all that wait at ``received`` (the oldest first; ``FOR UPDATE SKIP LOCKED``:
a report another transaction holds is never waited for here, and two workers never claim the same report). The claim
loads the reports and their people in the same statement. A report that has waited less, or that has no others
waiting, runs alone, as ``stages.text_only`` would run it (no savepoint, no lock timeout): while the workers keep up,
no report waits for batch-mates (at 50 reports/s this halved the median time to dispatch on a slow day,
bench/dispatch/README.md), and once reports queue up, each batch spares the queue's bookkeeping of its batch-mates'
jobs.

A batch is written in one flush at its commit (``pipeline.together``, ``PIPELINE_BATCH_ONE_FLUSH``): half the
statements and half the worker's CPU per report of a batch one savepoint per report. Should that fail in any way, it
is rolled back whole and the batch runs again one savepoint per report: each report in its own savepoint, so that
a report that fails is rolled back alone and left to its own job, which then processes it (and counts a failure) as
a job always did; the others are flushed one after another (a later report of the batch finds an earlier one as its
duplicate and joins its case) and committed together.

Every report keeps its own job: a job whose report a batch has routed finds it routed and returns; a job whose report
another worker's batch holds (or that is not a waiting text report) goes stage by stage: it waits for that report's
row lock in ``stages.text_only``, then finds it routed, or still waiting (a failure or a killed worker rolled it back) and processes it itself.
So nothing is lost (a report leaves ``received`` only in a committed transaction) and nothing is processed twice (the
row lock and the stage, read under it, decide). Reports that failed before (``attempts`` > 0) are not taken into
batches: they run alone in their own jobs.

While a batch holds its reports, cases and hotspots, it waits for another transaction's row lock at most
``LOCK_WAIT_MS`` (one savepoint per report): two batches that join the same cases in a different order would otherwise
wait for each other until PostgreSQL's deadlock detection. The report that waited too long is rolled back, the batch
stops there and commits what it did; the reports it did not reach go back to their own jobs. Written together, a
batch locks its cases in ascending id order before it changes them, so it waits longer (``LOCK_WAIT_TOGETHER_MS``).
"""
import logging
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, lazyload

from server.extensions import db
from server.models import Report, Stage, User, utcnow
from server.pipeline import stages
from server.pipeline.together import route_together

log = logging.getLogger(__name__)

LOCK_WAIT_MS = 200
# Written together, a batch locks its cases in id order: it waits only for others' commits, not in a cycle.
LOCK_WAIT_TOGETHER_MS = 1000
LOCK_ERRORS = {"55P03", "40P01"}  # lock_not_available (the lock_timeout passed), deadlock_detected
# A text report waiting at ``received``: what a batch may claim.
_WAITING = (Report.stage == Stage.RECEIVED.value, Report.has_audio.is_(False))
# One that has not failed before: what a drain claims unasked, what the sweeper leaves to a drain, and what the
# benchmarks' loss checks count as covered by a queued drain. Say it here only.
_NOT_FAILED = Report.attempts == 0
DRAINABLE = (*_WAITING, _NOT_FAILED)


def batch_size(head: Report | None = None) -> int:
    """How many text reports one transaction takes (1 on SQLite: it has no row locks to share the work by).

    ``PIPELINE_BATCH_SIZE``; ``PIPELINE_BACKLOG_BATCH_SIZE`` when the oldest claimed (``head``) has waited
    ``PIPELINE_BACKLOG_AFTER_MS`` or more: a backlog, where no report's latency is saved by small batches any more
    and larger ones spread a commit's cost over more reports."""
    if db.session.get_bind().dialect.name != "postgresql":
        return 1
    cfg = current_app.config
    size = cfg["PIPELINE_BATCH_SIZE"]
    if head is not None and _waited(head, cfg["PIPELINE_BACKLOG_AFTER_MS"]):
        size = max(size, cfg["PIPELINE_BACKLOG_BATCH_SIZE"])
    return max(1, size)


def run_batch(report_id: int, together: bool = True) -> tuple[list[int], dict[int, Exception]] | None:
    """Route ``report_id`` and other waiting text reports in one transaction; None when it is not this job's to do.

    None (nothing claimed, nothing done): the report is not a text report waiting at ``received`` that has not
    failed. When another transaction holds it, the others waiting are batched meanwhile (the job then waits for it). A
    report that failed before runs alone; so does one with no others waiting (or on SQLite).
    Returns the ids it routed (committed) and the failures by id (not those that only waited too long for a lock);
    a report that failed is rolled back (to its savepoint, in a batch) and left to its job to count.
    """
    session = db.session
    # One statement claims and loads the report, its person too (told of its way in the same transaction).
    mine = session.execute(_claim_one(), {"report_id": report_id}).scalars().first()
    if mine is None and not _held_elsewhere(report_id):
        session.rollback()
        return None
    # Held by another transaction: this worker routes others meanwhile; its job then waits for the report.
    others = _claim_others(report_id, batch_size(mine) - (mine is not None)) \
        if mine is None or (not mine.attempts and _behind(mine)) else []
    if not others:
        if mine is None:  # nothing claimed: the job goes stage by stage
            session.rollback()
            return None
        return _alone(mine)
    claimed = sorted(filter(None, [mine, *others]), key=lambda r: r.id)
    return route_claimed(claimed, together)


def claim_next(backlog: int = 0) -> tuple[list[Report], bool]:
    """The oldest waiting text report that has not failed, claimed, with (when it waited long enough: the workers
    are behind) up to ``batch_size`` - 1 of the next oldest; [] when none waits (a drain's step). The flag says
    whether the claim came back full: the workers are behind and more wait than one batch takes.

    ``backlog``: after a claim that came back full, the batch size for its oldest report; that many are then claimed
    in one statement, without first claiming the oldest alone to see how long it waited (a claim of one may read
    every waiting report's index entry when the statistics say few wait: with 10,000 waiting, 6-20 ms)."""
    if backlog > 1:
        claimed = _claim_others(0, backlog)
        return claimed, len(claimed) >= backlog
    head = _claim_others(0, 1)
    if not head or not _behind(head[0]):
        return head, False
    size = batch_size(head[0])
    claimed = [*head, *_claim_others(head[0].id, size - 1)]
    return claimed, len(claimed) >= size


def route_claimed(claimed: list[Report], together: bool = True) -> tuple[list[int], dict[int, Exception]]:
    """Route the claimed reports (ascending ids) and commit: one alone; more written together, or one savepoint each.

    Returns the ids routed (committed) and the failures by id (rolled back, each to its savepoint); a report not
    reached (a lock waited for too long) is in neither."""
    session = db.session
    if len(claimed) == 1:
        return _alone(claimed[0])
    if together and current_app.config["PIPELINE_BATCH_ONE_FLUSH"]:
        ids = [r.id for r in claimed]
        try:
            session.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_TOGETHER_MS}ms'"))
            routed = route_together(claimed)
            session.commit()
            return routed, {}
        except Exception as exc:  # nothing of it stays: the batch again, a savepoint per report
            session.rollback()
            log.info("batch of %s reports written together failed, again one by one: %s", len(claimed), exc)
        claimed = _claim_ids(ids)  # those still waiting that no other transaction took meanwhile
        if not claimed:
            session.rollback()
            return [], {}
    session.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'"))
    routed, failed = [], {}
    for report in claimed:
        rid = report.id
        kept = _pending_lists(session)
        try:
            with session.begin_nested():
                done = stages.process_text(report)
                session.flush()
                # A savepoint's release fires "after_commit" as a commit does: the lists of what to send after the
                # commit are kept out of its sight, or they would be queued before the batch commits.
                added = _pending_lists(session)
                _restore_pending_lists(session, {})
            session.info.update(added)
            if done:
                routed.append(rid)
        except sa.exc.DBAPIError as exc:
            _restore_pending_lists(session, kept)
            if getattr(exc.orig, "sqlstate", None) in LOCK_ERRORS:
                log.info("batch stops at report %s, which waits for another transaction: %s", rid, exc.orig)
                break
            failed[rid] = exc
            log.warning("report %s failed in a batch, left to its own job: %s", rid, exc)
        except Exception as exc:  # any failure of one report: its own job runs it again and counts it
            _restore_pending_lists(session, kept)
            failed[rid] = exc
            log.warning("report %s failed in a batch, left to its own job: %s", rid, exc)
    session.commit()
    return routed, failed


def _held_elsewhere(report_id: int) -> bool:
    """A text report waiting at ``received`` that has not failed, which the claim skipped: another transaction holds
    it (read without a lock)."""
    return db.session.execute(db.select(Report.id).where(Report.id == report_id, *DRAINABLE)).first() is not None


def _behind(report: Report) -> bool:
    """Whether the report waited long enough since its receipt to take others with it (``PIPELINE_BATCH_AFTER_MS``):
    while the workers keep up, a report runs alone and waits for no batch-mates."""
    return _waited(report, current_app.config["PIPELINE_BATCH_AFTER_MS"])


def _waited(report: Report, after_ms: int) -> bool:
    """Whether the report has waited at least ``after_ms`` since its receipt (always, for 0 or less)."""
    return after_ms <= 0 or report.created_at is None \
        or utcnow() - report.created_at >= timedelta(milliseconds=after_ms)


def _alone(report: Report) -> tuple[list[int], dict[int, Exception]]:
    """The claimed report by itself, as ``stages.text_only`` would: no savepoint, no lock timeout."""
    try:
        done = stages.process_text(report)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        return [], {report.id: exc}
    return ([report.id] if done else []), {}


def _waiting():
    """Text reports waiting at ``received`` that no other transaction holds, locked and loaded with their person
    (not the person's department and grid, which ``User`` would join: a grid worker's grid has its polygon)."""
    return db.select(Report).where(*_WAITING) \
        .options(joinedload(Report.reporter).options(lazyload(User.department), lazyload(User.grid))) \
        .with_for_update(skip_locked=True, of=Report) \
        .execution_options(populate_existing=True)


# The two claims are built once, with bound parameters: every job runs one, and building one with its loader options
# (and its cache key) cost about 0.25 ms each time.
@cache
def _claim_one():
    """The claim of one report (``report_id``)."""
    return _waiting().where(Report.id == sa.bindparam("report_id"))


@cache
def _claim_oldest():
    """The claim of the ``count`` oldest other waiting text reports (not ``report_id``) that have not failed before,
    in the order of the index on (stage, id)."""
    return _waiting().where(Report.id != sa.bindparam("report_id"), _NOT_FAILED) \
        .order_by(Report.id).limit(sa.bindparam("count"))


# A claim of many walks the index on (stage, id) from the oldest waiting report and stops after those it claims.
# PostgreSQL picks that walk only when its statistics say that many reports wait; a crowd comes between two ANALYZEs
# (autovacuum analyzes a large table after a tenth of it changed), so it went on reading every waiting report's
# entry and sorting them (about 6-9 ms a claim with 10,000 waiting, 20 ms under load, growing with the backlog). For
# that one statement the planner is kept from sorting and from bitmap scans; the settings are the transaction's
# (``set_config(..., true)``: a rollback undoes them too) and are put back right after.
_ORDERED_SETTINGS = ("enable_sort", "enable_bitmapscan")
_WALK_IN_ORDER = sa.text("SELECT " + ", ".join(f"current_setting('{name}')" for name in _ORDERED_SETTINGS) + ", "
                         + ", ".join(f"set_config('{name}', 'off', true)" for name in _ORDERED_SETTINGS))
_PUT_BACK = sa.text("SELECT " + ", ".join(f"set_config('{name}', :{name}, true)" for name in _ORDERED_SETTINGS))


@cache
def _claim_listed():
    """The claim of those of the listed reports (``ids``) still waiting that no other transaction holds."""
    return _waiting().where(Report.id.in_(sa.bindparam("ids", expanding=True))).order_by(Report.id)


def _claim_ids(ids: list[int]) -> list[Report]:
    """Lock and load those of ``ids`` still waiting at ``received`` that no other transaction holds (ascending)."""
    return list(db.session.execute(_claim_listed(), {"ids": ids}).scalars())


def _claim_others(report_id: int, count: int) -> list[Report]:
    """Lock and load up to ``count`` of the oldest other waiting text reports that have not failed before."""
    if count < 1:
        return []
    session = db.session
    if count == 1:  # the head of a claim: few wait, or the drain learns from it that many do
        return list(session.execute(_claim_oldest(), {"report_id": report_id, "count": count}).scalars())
    before = session.execute(_WALK_IN_ORDER).one()
    claimed = list(session.execute(_claim_oldest(), {"report_id": report_id, "count": count}).scalars())
    session.execute(_PUT_BACK, dict(zip(_ORDERED_SETTINGS, before)))
    return claimed


def _pending_lists(session) -> dict[str, list]:
    """What the transaction listed so far to send after its commit (notices, webhook deliveries)."""
    return {key: list(value) for key, value in session.info.items() if isinstance(value, list)}


def _restore_pending_lists(session, kept: dict[str, list]) -> None:
    """After a savepoint's rollback: the lists as before it (a rollback forgets them all, also the earlier reports')."""
    for key, value in list(session.info.items()):
        if isinstance(value, list) and key not in kept:
            del session.info[key]
    session.info.update(kept)
