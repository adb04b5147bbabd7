"""The admin cases page: the search form, its results as a paged, sortable table, scoping and Chinese text."""
import re

from server.extensions import db
from server.models import Case, CaseDepartment, Department, Media, Report

from .conftest import DEPT, SUPERVISOR


def _numbers(page: str) -> list[str]:
    """The case numbers of the table's rows, in order."""
    return re.findall(r'href="/admin/cases/\d+">([^<]+)</a>', page)


def _a_case(app, **where) -> tuple[str, str, str]:
    """A demo case with a report address: (its number, its address, its first report's text)."""
    with app.app_context():
        row = db.session.execute(db.select(Case, Report).join(Report, Report.id == Case.origin_report_id)
                                 .where(Report.address.is_not(None), Case.status != "merged", *where.values())
                                 .order_by(Case.id)).first()
        return row[0].number, row[1].address, row[1].text


def test_search_by_number_and_address(admin_app, as_user):
    number, address, _ = _a_case(admin_app)
    client = as_user(SUPERVISOR)
    page = client.get("/admin/cases", query_string={"q": number}).get_data(as_text=True)
    assert _numbers(page) == [number]
    assert address in page and "搜索" in page and "案件编号、上报内容或地址" in page
    page = client.get("/admin/cases", query_string={"q": address}).get_data(as_text=True)
    assert number in _numbers(page)


def test_filters_sort_and_pages(admin_app, as_user):
    client = as_user(SUPERVISOR)
    with admin_app.app_context():
        level = db.session.execute(db.select(Case.severity).order_by(Case.id)).scalars().first()
        at_level = db.session.execute(db.select(Case.number).where(Case.severity == level)).scalars().all()
    page = client.get("/admin/cases", query_string={"level": str(level)}).get_data(as_text=True)
    assert _numbers(page) and set(_numbers(page)) <= set(at_level)
    assert f'value="{level}" selected' in page  # the form keeps its values
    by_level = _numbers(client.get("/admin/cases", query_string={"sort": "-level"}).get_data(as_text=True))
    with admin_app.app_context():
        levels = [db.session.execute(db.select(Case.severity).where(Case.number == n)).scalar_one() for n in by_level]
    assert levels == sorted(levels, reverse=True)
    second = client.get("/admin/cases", query_string={"page": 2, "sort": "-level"}).get_data(as_text=True)
    assert set(_numbers(second)).isdisjoint(by_level)
    assert "sort=-level" in second and "page=1" in second  # the pager keeps the search


def test_department_sees_only_its_cases(admin_app, as_user):
    client = as_user(DEPT)
    with admin_app.app_context():
        gas = db.session.execute(db.select(Department.id).where(Department.code == "GAS")).scalar_one()
        mine = set(db.session.execute(db.select(Case.number).join(CaseDepartment, CaseDepartment.case_id == Case.id)
                                      .where(CaseDepartment.department_id == gas)).scalars())
        other = db.session.execute(db.select(Case.number).where(Case.number.not_in(mine))).scalars().first()
    page = client.get("/admin/cases", query_string={"q": other}).get_data(as_text=True)
    assert _numbers(page) == []
    assert set(_numbers(client.get("/admin/cases").get_data(as_text=True))) <= mine


def test_a_photo_thumbnail_and_category_in_words(admin_app, as_user):
    with admin_app.app_context():
        media = db.session.execute(db.select(Media).where(Media.kind == "photo", Media.thumb_key.is_not(None))).scalars().first()
        case = db.session.get(Case, db.session.get(Report, media.report_id).case_id)
        number, category = case.number, case.category.name if case.category else None
    page = as_user(SUPERVISOR).get("/admin/cases", query_string={"q": number}).get_data(as_text=True)
    assert f"/admin/media/{media.id}/thumb" in page
    if category:
        assert category in page


def test_bad_input_is_explained_not_an_error(admin_app, as_user):
    response = as_user(SUPERVISOR).get("/admin/cases", query_string={"level": "9", "since": "soon"})
    assert response.status_code == 200
    assert "部分查询条件无法识别" in response.get_data(as_text=True)
