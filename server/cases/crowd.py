"""A case that many people report, shown so that it stays readable and quick to open.

When a crowd reports one hazard, every report joins the same case: the case collects an event and a report for each
person. Its timeline shows each run of joined reports as one entry (how many, from which report to which, first and
last time); its page shows the first report and the newest others (``CASE_REPORTS_SHOWN``) with the count of all,
and the rest are read a page at a time. Each read loads a bounded number of reports, however many joined.
"""
from flask import current_app
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Case, CaseEvent, Report

JOINED = "report_joined"
RUN_IDS = 20  # a collapsed run lists the ids of its newest reports, up to this many


def event_runs(events: list[CaseEvent]) -> list[list[CaseEvent]]:
    """The events in order, each run of consecutive joined reports grouped (every other event alone)."""
    runs: list[list[CaseEvent]] = []
    for event in events:
        if event.action == JOINED and runs and runs[-1][-1].action == JOINED:
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs


def run_fields(run: list[CaseEvent]) -> dict:
    """What a timeline entry for a run of joined reports says beyond its last event: how many, from when, which."""
    ids = [(e.data or {}).get("report_id") for e in run]
    first, last = ids[0], ids[-1]
    return {"count": len(run), "first_seq": run[0].seq, "first_at": run[0].created_at,
            "note": f"{len(run)} reports of the same hazard joined, report {first} to report {last}",
            "data": {"report_ids": [i for i in ids[-RUN_IDS:] if i is not None], "first_report_id": first,
                     "last_report_id": last}}


def _of_case(case: Case):
    """Reports of the case: those that joined it and the one it was opened for."""
    return (Report.case_id == case.id) | (Report.id == case.origin_report_id)


def presentable(query):
    """The query, loading what presenting a report reads (a fixed number of statements per page)."""
    return query.options(selectinload(Report.reporter), selectinload(Report.category), selectinload(Report.grid),
                         selectinload(Report.media), selectinload(Report.transcripts), selectinload(Report.events))


def shown_reports(case: Case) -> tuple[list[Report], int]:
    """The case's first report and its ``CASE_REPORTS_SHOWN`` newest others (in report order), and how many it has."""
    total = db.session.execute(db.select(db.func.count()).select_from(Report).where(_of_case(case))).scalar_one()
    newest = db.select(Report.id).where(Report.case_id == case.id, Report.id != case.origin_report_id) \
        .order_by(Report.id.desc()).limit(max(0, current_app.config["CASE_REPORTS_SHOWN"]))
    rows = db.session.execute(presentable(db.select(Report).where(
        (Report.id == case.origin_report_id) | Report.id.in_(newest.scalar_subquery())).order_by(Report.id))).scalars()
    return list(rows), total


def reports_query(case: Case):
    """All the case's reports in report order, loaded for presenting (for a page of them)."""
    return presentable(db.select(Report).where(_of_case(case)))
