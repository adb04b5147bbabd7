"""The department inbox as a paged table: filters (status, level, category, overdue), sorting, address, photo, the
deadline in local time with overdue highlighted, the suggestion in words; the forms open for one case at a time."""
import re
from datetime import timedelta

from server.cases.queries import OPEN_AT_DEPARTMENT
from server.extensions import db
from server.models import Case, CaseDepartment, Department, Media, Report, utcnow
from server.web.localtime import format_city

from .conftest import DEPT, SUPERVISOR, post


def _rows(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-case="(\d+)"', page)]


def _table(page: str) -> str:
    return page.split('<table class="queue inbox">', 1)[1].split("</table>")[0]


def _gas_open(app) -> dict[int, Case]:
    """The gas department's cases open at it, by id (detached, for reading their fields)."""
    with app.app_context():
        rows = db.session.execute(db.select(Case).join(CaseDepartment).join(Department).where(
            Department.code == "GAS", Case.status.in_(OPEN_AT_DEPARTMENT))).scalars().all()
        db.session.expunge_all()
        return {c.id: c for c in rows}


def _make_gas_cases(app, count: int = 25) -> None:
    """Enough open gas cases for two pages: dispatch waiting ones to GAS, a few of them overdue."""
    from server.accounts.service import find_user
    from server.cases.service import Context, apply_action
    with app.app_context():
        supervisor = find_user(SUPERVISOR)
        waiting = db.session.execute(db.select(Case).where(Case.status == "received").order_by(Case.id)
                                     .limit(count)).scalars().all()
        for case in waiting:
            apply_action(case, "dispatch", Context(supervisor, {"lead": "GAS"}))
        for case in waiting[:3]:
            case.resolve_by = utcnow() - timedelta(hours=5)
        db.session.commit()


def test_a_paged_table_nearest_deadline_first(admin_app, as_user):
    _make_gas_cases(admin_app)
    mine = _gas_open(admin_app)
    assert len(mine) > 20
    client = as_user(DEPT)
    page = client.get("/admin/inbox").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 20 and set(rows) <= set(mine)
    deadlines = [mine[i].resolve_by for i in rows]
    assert deadlines == sorted(deadlines)
    assert "<form" not in _table(page), "no form in the table: a case's forms open one at a time"
    second = _rows(client.get("/admin/inbox", query_string={"page": 2}).get_data(as_text=True))
    assert second and set(second).isdisjoint(rows) and set(second) <= set(mine)
    assert len(rows) + len(second) == min(len(mine), 40)


def test_sorting_by_level_and_filters(admin_app, as_user):
    _make_gas_cases(admin_app)
    mine = _gas_open(admin_app)
    client = as_user(DEPT)
    rows = _rows(client.get("/admin/inbox", query_string={"sort": "level"}).get_data(as_text=True))
    assert [mine[i].severity for i in rows] == sorted(mine[i].severity for i in rows)
    level = mine[rows[-1]].severity
    rows = _rows(client.get("/admin/inbox", query_string={"level": level}).get_data(as_text=True))
    assert rows and {mine[i].severity for i in rows} == {level}
    overdue = _rows(client.get("/admin/inbox", query_string={"overdue": "yes"}).get_data(as_text=True))
    now = utcnow()
    assert len(overdue) >= 3 and all(mine[i].resolve_by < now or (not mine[i].signed_at and mine[i].sign_by < now)
                                     for i in overdue)
    on_time = _rows(client.get("/admin/inbox", query_string={"overdue": "no"}).get_data(as_text=True))
    assert on_time and set(on_time).isdisjoint(overdue)
    status = mine[rows[0]].status
    rows = _rows(client.get("/admin/inbox", query_string={"status": status}).get_data(as_text=True))
    assert rows and {mine[i].status for i in rows} == {status}
    with_category = next(c for c in mine.values() if c.category_id)
    with admin_app.app_context():
        code = db.session.get(Case, with_category.id).category.code
    rows = _rows(client.get("/admin/inbox", query_string={"category": code}).get_data(as_text=True))
    assert with_category.id in rows or len(rows) == 20
    with admin_app.app_context():
        assert all(db.session.get(Case, i).category.code == code for i in rows)


def test_rows_show_address_photo_local_deadline_overdue_and_words(admin_app, as_user):
    _make_gas_cases(admin_app)
    mine = _gas_open(admin_app)
    with admin_app.app_context():  # a photo on one of the first page's cases
        case = db.session.get(Case, min(mine, key=lambda i: (mine[i].resolve_by, i)))
        report = db.session.get(Report, case.origin_report_id)
        photo = db.session.execute(db.select(Media).where(Media.kind == "photo", Media.thumb_key.is_not(None))
                                   .order_by(Media.id)).scalars().first()
        assert photo is not None, "the demo city has report photos"
        photo_id = photo.id
        db.session.execute(db.update(Report).where(Report.id == photo.report_id).values(case_id=case.id))
        report.address = "桂花路12号7栋"
        db.session.commit()
    page = as_user(DEPT).get("/admin/inbox").get_data(as_text=True)
    table = _table(page)
    row = table.split(f'<tr data-case="{case.id}"', 1)[1].split("</tr>")[0]
    assert "桂花路12号7栋" in row
    assert format_city(case.resolve_by) in row, "the deadline in the city's time"
    assert 'class="overdue"' in row.split(">", 1)[0] and "已超期" in row  # the first rows are the overdue ones
    assert f"/admin/media/{photo_id}/thumb" in row
    assert "办理时限" in row and "主办" in row
    assert not re.search(r"→ ?[A-Z_]{2,}\b", table), "a department code instead of its name"
    assert not re.search(r"\d+% →", table), "a bare score before the department"
    assert "派单依据" in table and "置信度" in table


def test_one_case_at_a_time_sign_and_back(admin_app, as_user):
    _make_gas_cases(admin_app, 3)
    mine = _gas_open(admin_app)
    client = as_user(DEPT)
    table = client.get("/admin/inbox").get_data(as_text=True)
    case_id = next(i for i in _rows(table) if mine[i].status == "dispatched")
    assert f"/admin/inbox/{case_id}?next=" in table
    page = client.get(f"/admin/inbox/{case_id}", query_string={"next": "/admin/inbox?sort=level"}
                      ).get_data(as_text=True)
    assert page.count("data-case=") == 1 and 'data-action="sign"' in page and 'data-action="send_back"' in page
    assert 'href="/admin/inbox?sort=level"' in page  # back to the table as it was
    response = post(client, f"/admin/cases/{case_id}/act/sign", {"next": f"/admin/inbox/{case_id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/inbox/{case_id}")
    after = client.get(f"/admin/inbox/{case_id}").get_data(as_text=True)
    assert "签收成功" in after and 'data-action="sign"' not in after and 'data-action="feedback"' in after
    with admin_app.app_context():
        assert db.session.get(Case, case_id).status == "accepted"


def test_only_the_departments_own_cases_and_only_for_departments(admin_app, as_user):
    with admin_app.app_context():
        gas = db.select(CaseDepartment.case_id).join(Department).where(Department.code == "GAS")
        other = db.session.execute(db.select(Case).join(CaseDepartment).where(Case.id.not_in(gas))).scalars().first()
        other_id = other.id
    assert as_user(DEPT).get(f"/admin/inbox/{other_id}").status_code == 404
    assert as_user(SUPERVISOR).get(f"/admin/inbox/{other_id}").status_code == 403


def test_a_filter_not_understood_shows_the_tab(admin_app, as_user):
    page = as_user(DEPT).get("/admin/inbox", query_string={"level": "9", "category": "x" * 80}).get_data(as_text=True)
    assert "部分筛选条件无法识别" in page and '<table class="queue inbox">' in page
