"""A batch of text reports routed in one transaction and written in one flush (``PIPELINE_BATCH_ONE_FLUSH``).

Flushing each report of a batch on its own (a savepoint each, ``pipeline.batch``) sends a dozen statements per
report. Here the session writes the whole batch at its commit: one insert per table for all the reports' events,
notices and deliveries, one update per case however many reports join it. It goes in three steps:

1. **Read.** Each report, in id order, is segmented, placed and indexed; the candidates of every report in the
   database are read in one statement (``stored_candidates``), and each report's near-duplicate is found among them
   and the reports read before it in this batch (not yet written). Nothing is written but the reports themselves,
   in memory.
2. **Lock.** The severity rules read every report's text first (``triage.severity.read_ahead``: grading a join
   or a new case under the locks then only weighs its category and head count). The cases of the duplicates that
   were routed before the batch are locked in ascending id order (two batches never wait for each other in a
   cycle), then the cases they were merged into; the people of the reports that join those cases are counted into
   them in one insert.
3. **Route.** Each report in turn is placed in its hotspot, then joins the open case of its duplicate (one routed
   earlier in this batch or before it) or has a case opened for it, as ``stages.process_text`` would.

Any failure leaves the transaction to be rolled back whole by the caller, which then routes the batch one savepoint
per report (the report that failed is left to its own job, as before).
"""
from server.extensions import db
from server.models import Case, CaseReporter, Report, Stage
from server.cases.log import lock_cases
from server.hotspots.service import find_duplicate_of, stored_candidates
from server.pipeline import stages
from server.pipeline.grading import add_people
from server.pipeline.opening import follow_merges, join_case, joinable
from server.reports.text import full_text
from triage.severity import read_ahead


def route_together(reports: list[Report]) -> list[int]:
    """Route these locked text reports waiting at ``received`` (in id order); the ids routed. The caller commits."""
    todo = sorted(filter(stages.waits_as_text, reports), key=lambda r: r.id)
    with db.session.no_autoflush:  # the batch's changes go out together, at the commit
        docs = {}
        for report in todo:
            report.set_stage(Stage.TRANSCRIBED, "no voice recording")
            docs[report.id] = stages.read(report)
        stored = stored_candidates(todo)  # every report's candidates in the database, in one statement
        read: list[Report] = []
        for report in todo:
            report.duplicate_of_id = find_duplicate_of(report, unwritten=read, mine=docs[report.id],
                                                       stored=stored.get(report.id))
            read.append(report)
        ours = {r.id for r in todo}
        for report in todo:  # the severity rules read each text now; the grading under the case locks reuses it
            read_ahead(full_text(report))
        locked = _lock_cases_of({r.duplicate_of_id for r in todo if r.duplicate_of_id} - ours)
        new_people = _count_people_joining(todo, locked, ours)
        case_of: dict[int, Case] = {}  # each routed report's case, by report id
        for report in todo:
            stages.place_in_hotspot(report)
            duplicate = report.duplicate_of_id
            known = case_of.get(duplicate) if duplicate in ours else locked.get(duplicate)
            text = full_text(report)
            joined = join_case(known, report, text, new_people.get(report.id))
            case_of[report.id] = stages.route(report, text, joined)
    return [r.id for r in todo]


def _count_people_joining(todo: list[Report], locked: dict[int, Case | None], ours: set[int]) -> dict[int, bool]:
    """The people of the reports that join a case routed before the batch, counted into those cases in one
    statement: whether each report's person was new to its case, by report id (the others count as they join)."""
    joining = [(case.id, report) for report in todo if report.duplicate_of_id not in ours
               and joinable(case := locked.get(report.duplicate_of_id))]
    new = add_people(CaseReporter, "case_id", joining)
    return {report.id: report.id in new for _, report in joining}


def _lock_cases_of(report_ids: set[int]) -> dict[int, Case | None]:
    """The case of each of these reports, locked (in ascending id order) and followed through merges."""
    if not report_ids:
        return {}
    rows = db.session.execute(db.select(Report.id, Report.case_id).where(Report.id.in_(report_ids))).all()
    merged = {case_id: follow_merges(case) for case_id, case in lock_cases(r.case_id for r in rows if r.case_id).items()}
    return {r.id: merged.get(r.case_id) for r in rows}
