"""人工派单 as a paged, sortable table with the suggestions in words, and the dispatch form for one case."""
import re

from server.extensions import db
from server.models import Case

from .conftest import SUPERVISOR, post


def _waiting(app) -> list[tuple[int, int]]:
    """(id, level) of the cases waiting for manual dispatch."""
    with app.app_context():
        return db.session.execute(db.select(Case.id, Case.severity).where(Case.status == "received")).all()


def _rows(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-case="(\d+)">', page)]


def test_a_paged_table_sorted_by_level(admin_app, as_user):
    waiting = dict(_waiting(admin_app))
    assert len(waiting) > 20, "the demo city has more waiting cases than a page"
    client = as_user(SUPERVISOR)
    first = client.get("/admin/queues/manual_dispatch", query_string={"sort": "level"}).get_data(as_text=True)
    rows = _rows(first)
    assert len(rows) == 20 and set(rows) <= set(waiting)
    assert [waiting[i] for i in rows] == sorted(waiting[i] for i in rows)
    assert "<form" not in first.split('<table class="queue">', 1)[1].split("</table>")[0]  # no form in the table
    second = _rows(client.get("/admin/queues/manual_dispatch", query_string={"sort": "level", "page": 2})
                   .get_data(as_text=True))
    assert second and set(second).isdisjoint(rows)


def test_suggestions_in_words_not_codes(admin_app, as_user):
    page = as_user(SUPERVISOR).get("/admin/queues/manual_dispatch").get_data(as_text=True)
    table = page.split('<table class="queue">', 1)[1].split("</table>")[0]
    assert "→" in table and "派单依据" in table
    assert not re.search(r"→ [A-Z_]{2,}\b", table), "a department code instead of its name"


def test_the_dispatch_form_for_one_case(admin_app, as_user):
    client = as_user(SUPERVISOR)
    table = client.get("/admin/queues/manual_dispatch").get_data(as_text=True)
    case_id = _rows(table)[0]
    assert f"/admin/queues/manual_dispatch/{case_id}?next=" in table
    page = client.get(f"/admin/queues/manual_dispatch/{case_id}").get_data(as_text=True)
    assert page.count("data-case=") == 1 and f"/admin/cases/{case_id}/act/dispatch" in page
    post(client, f"/admin/cases/{case_id}/act/dispatch", {"lead": "GAS"})
    with admin_app.app_context():
        assert db.session.get(Case, case_id).status == "dispatched"
    assert case_id not in _rows(client.get("/admin/queues/manual_dispatch").get_data(as_text=True))
