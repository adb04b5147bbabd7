"""Who may verify (核查) a case: the grid's worker, else the community's, else the street's, else a supervisor."""
from triage.lifecycle import CaseStatus

from server.extensions import db
from server.models import Area, Case, Report, Role, User
from server.models.areas import AreaLevel

# The levels verification falls through, nearest first; "supervisor" when no grid worker is found.
LEVELS = (AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.STREET)


def case_grid(case: Case) -> Area | None:
    """The grid of the case's origin report, if any."""
    report = db.session.get(Report, case.origin_report_id)
    return db.session.get(Area, report.grid_id) if report is not None and report.grid_id else None


def _grids_under(area: Area) -> list[int]:
    """The ids of the grids in an area (the area itself when it is a grid)."""
    ids, frontier = [], [area.id]
    if area.level == AreaLevel.GRID.value:
        return [area.id]
    while frontier:
        rows = db.session.execute(db.select(Area.id, Area.level).where(Area.parent_id.in_(frontier))).all()
        ids += [i for i, level in rows if level == AreaLevel.GRID.value]
        frontier = [i for i, level in rows if level != AreaLevel.GRID.value]
    return ids


def _workers(grid_ids: list[int]) -> list[User]:
    """The active grid workers of these grids."""
    if not grid_ids:
        return []
    return list(db.session.execute(db.select(User).where(
        User.role == Role.GRID_WORKER.value, User.active.is_(True), User.grid_id.in_(grid_ids))
        .order_by(User.id)).scalars())


def verifiers(grid: Area | None) -> tuple[str, list[User]]:
    """(level, grid workers) who verify cases of this grid: the nearest level with an active worker, else
    ("supervisor", []); (None, []) for a case without a grid (it needs no verification)."""
    if grid is None:
        return None, []
    for level in LEVELS:
        area = grid.ancestor(level)
        if area is None:
            continue
        found = _workers(_grids_under(area))
        if found:
            return level.value, found
    return "supervisor", []


def may_verify(case: Case, user: User | None) -> bool:
    """Whether this user is the one verification falls to (a grid worker, or a supervisor at the end)."""
    if user is None:
        return False
    level, workers = verifiers(case_grid(case))
    if level is None:
        return False
    if user.role == Role.SUPERVISOR.value:
        return level == "supervisor"
    return user.role == Role.GRID_WORKER.value and any(w.id == user.id for w in workers)


def fallback_grids(user: User) -> list[int]:
    """The other grids whose verification falls to this grid worker: grids of the worker's community without a
    worker of their own, and grids of the worker's street whose community has no worker at all."""
    if user.role != Role.GRID_WORKER.value or not user.grid_id or not user.active:
        return []
    own = db.session.get(Area, user.grid_id)
    community = own.ancestor(AreaLevel.COMMUNITY) if own is not None else None
    street = own.ancestor(AreaLevel.STREET) if own is not None else None
    grids = _grids_under(street) if street is not None else _grids_under(community) if community else []
    if not grids:
        return []
    parent = dict(db.session.execute(db.select(Area.id, Area.parent_id).where(Area.id.in_(grids))).all())
    staffed = {g for g, in db.session.execute(db.select(User.grid_id).where(
        User.role == Role.GRID_WORKER.value, User.active.is_(True), User.grid_id.in_(grids))).all()}
    staffed_communities = {parent[g] for g in staffed}
    mine = community.id if community is not None else None
    return [g for g in grids if g != user.grid_id and g not in staffed
            and (parent[g] == mine or parent[g] not in staffed_communities)]


def awaiting_verification(case: Case) -> bool:
    """Feedback is in and nobody has verified or waived it yet."""
    return case.status == CaseStatus.FEEDBACK_SUBMITTED.value and case.verified_at is None


def waiting_for(case: Case) -> dict:
    """What a case in feedback review waits for and who can unblock it: {kind, level, names}."""
    grid = case_grid(case)
    if grid is None or case.verified_at is not None:
        return {"kind": "close", "level": None, "names": []}
    level, workers = verifiers(grid)
    return {"kind": "verify", "level": level, "names": [w.display_name or w.username for w in workers]}
