"""Severity from how many people report a hazard: counting reporters, and raising a case's level as they come."""
from functools import cache

from triage.lifecycle import FINISHED
from triage.severity import grade, may_reach_level_one

from server.cases.log import lock_case
from server.cases.regrade import level_set_by_hand
from server.cases.service import record
from server.cases.deadlines import case_deadlines
from server.reports.text import full_text
from server.taxonomy.source import case_category_code, current_taxonomy
from server.extensions import db
from server.models import Case, CaseReporter, Hotspot, HotspotReporter, Report


def count_reporters(*conditions) -> int:
    """Distinct people among the reports matching any condition (a report without an account counts alone).

    It reads every matching report: for maintenance (after a re-clustering), never once per report.
    """
    rows = db.session.execute(db.select(Report.id, Report.reporter_id).where(db.or_(*conditions))).all()
    return _people(rows) or 1


def _people(rows) -> int:
    return len({("user", r.reporter_id) if r.reporter_id else ("report", r.id) for r in rows})


def add_person(model, owner: str, owner_id: int, report: Report) -> bool:
    """Count the person behind a report among those of a case or hotspot; True when they are new to it.

    One insert that does nothing when the account is there already (the unique (owner, reporter) pair decides,
    also between workers adding reports at the same moment); a report without an account is a new person.
    """
    statement = _insert_person(db.session.get_bind().dialect.name, model.__table__, owner)
    values = {"owner": owner_id, "reporter_id": report.reporter_id, "report_id": report.id}
    return db.session.execute(statement, values).first() is not None


def add_people(model, owner: str, joining: list[tuple[int, Report]]) -> set[int]:
    """``add_person`` for many (owner id, report) pairs at once; the ids of the reports whose person was new.

    On PostgreSQL one insert for all (a batch of reports joining the cases routed before it: a statement per report
    was a third of the batch's statements); of two reports of one person to one owner, the first listed counts."""
    if not joining:
        return set()
    if db.session.get_bind().dialect.name != "postgresql":
        return {report.id for owner_id, report in joining if add_person(model, owner, owner_id, report)}
    values = {"owners": [owner_id for owner_id, _ in joining], "reporters": [r.reporter_id for _, r in joining],
              "reports": [r.id for _, r in joining]}
    return set(db.session.execute(_insert_people(model.__table__, owner), values).scalars())


@cache
def _insert_people(table, owner: str):
    """The insert of ``add_people`` on PostgreSQL: the pairs as three arrays, unnested in order."""
    from sqlalchemy.dialects.postgresql import ARRAY, insert
    arrays = [db.bindparam(name, type_=ARRAY(db.Integer)) for name in ("owners", "reporters", "reports")]
    rows = db.func.unnest(*arrays).table_valued("owner", "reporter_id", "report_id").render_derived()
    return insert(table).from_select([owner, "reporter_id", "report_id"], db.select(*rows.c)) \
        .on_conflict_do_nothing().returning(table.c.report_id)


@cache
def _insert_person(dialect: str, table, owner: str):
    """The insert of ``add_person``, built once per table (bound parameters ``owner``, ``reporter_id``, ``report_id``)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = {owner: db.bindparam("owner"), "reporter_id": db.bindparam("reporter_id"),
              "report_id": db.bindparam("report_id")}
    # A row back only when inserted (rowcount is not portable).
    return insert(table).values(values).on_conflict_do_nothing().returning(table.c.id)


def hotspot_people(hotspot_id: int | None) -> int:
    """The people among a hotspot's members (kept as reports are assigned), 0 without a hotspot."""
    if hotspot_id is None:
        return 0
    return db.session.execute(db.select(Hotspot.reporters).where(Hotspot.id == hotspot_id)).scalar() or 0


def count_into_hotspot(hotspot_id: int, report: Report) -> None:
    """Add a report's person to its hotspot's count (one atomic increment, the hotspot's updated_at kept)."""
    if add_person(HotspotReporter, "hotspot_id", hotspot_id, report):
        db.session.execute(db.update(Hotspot).where(Hotspot.id == hotspot_id)
                           .values(reporters=Hotspot.reporters + 1, updated_at=Hotspot.updated_at)
                           .execution_options(synchronize_session=False))


def reporters_for_new_case(report: Report) -> int:
    """People reporting the hazard a new case is opened for: its hotspot's people, or just this report's."""
    return max(1, hotspot_people(report.hotspot_id))


def count_origin(case: Case, report: Report) -> None:
    """A new case's first person: the one behind the report it was opened for."""
    add_person(CaseReporter, "case_id", case.id, report)
    case.own_reporters = 1


def regrade_on_join(case: Case, report: Report, taxonomy, text: str, new_person: bool | None = None) -> None:
    """Count the people behind a (locked) case as a report joins it; raise its level when they are many.

    The count grows by one when the report's person is new to the case: nothing is counted again, so a join costs
    the same however many reports the case has. The hotspot's people count too (the larger of the two).
    ``new_person``: whether the person was new, when the caller already counted them in (``add_people``).
    """
    if new_person is None:
        new_person = add_person(CaseReporter, "case_id", case.id, report)
    if new_person:
        case.own_reporters = (case.own_reporters or 1) + 1
    raise_level(case, taxonomy, text, max(case.own_reporters or 1, hotspot_people(case.hotspot_id)))


def raise_level(case: Case, taxonomy, text: str, reporters: int) -> bool:
    """Record how many people report the case and raise its level (never lower it) if that warrants it.

    A higher level brings the case's deadlines forward to what that level allows from its creation. A level a
    person set (a supervisor's 调整等级, or a manual dispatch that changed it) wins: it is never raised here.
    """
    case.reporters = max(case.reporters or 1, reporters)
    if case.severity is not None and case.severity <= 1:  # level I already: nothing could raise it
        return False
    code = case_category_code(case)
    sub = taxonomy.subcategory(code) if code else None
    # At level II only level I could raise it: only the clause rules give it (the learned detectors stop at II), and
    # only for stated casualties (a text without a casualty word is not graded again).
    at_two = case.severity is not None and case.severity <= 2
    if at_two and not may_reach_level_one(text):
        return False
    level, reasons = grade(text, sub, reporters=case.reporters, detectors=None if at_two else "default")
    if level >= case.severity or level_set_by_hand(case.id):
        return False
    previous = case.severity
    case.severity, case.severity_reasons = level, reasons
    sign_by, resolve_by = case_deadlines(taxonomy, level, case.created_at)
    if case.signed_at is None and case.sign_by and sign_by < case.sign_by:
        case.sign_by = sign_by
    if case.resolve_by and resolve_by < case.resolve_by:
        case.resolve_by = resolve_by
    record(case, "regrade", note=f"{case.reporters} people report it: level {previous} -> {level}",
           data={"from": previous, "to": level, "reporters": case.reporters, "severity_reasons": reasons})
    return True


def regrade_hotspot_cases() -> int:
    """After a re-clustering: link open cases to their hotspot and raise those that many people report.

    Returns how many cases were raised. Each case is locked while it changes, as the pipeline does.
    """
    rows = db.session.execute(db.select(Report.id, Report.reporter_id, Report.hotspot_id, Report.case_id)
                              .where(Report.hotspot_id.is_not(None))).all()
    members: dict[int, list] = {}
    for row in rows:
        members.setdefault(row.hotspot_id, []).append(row)
    taxonomy, raised = current_taxonomy(), 0
    for hotspot_id, group in members.items():
        people = _people(group)
        for case_id in sorted({r.case_id for r in group if r.case_id}):
            case = lock_case(case_id)
            if case is None or case.status in FINISHED or (case.reporters or 1) >= people:
                db.session.commit()
                continue
            case.hotspot_id = case.hotspot_id or hotspot_id
            origin = db.session.get(Report, case.origin_report_id)
            raised += raise_level(case, taxonomy, full_text(origin), people)
            db.session.commit()
    return raised
