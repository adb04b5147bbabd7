"""The reasons for a case's level on the case page and in the queues, and a supervisor's correction (调整等级) from the
case page: recorded in the timeline and the audit chain; department staff may not."""
import re

from server.extensions import db
from server.models import Case, CaseDepartment, Department, verify_chain

from .conftest import DEPT, SUPERVISOR, post


def _open_gas_case(app) -> Case:
    with app.app_context():
        case = db.session.execute(db.select(Case).join(CaseDepartment).join(Department).where(
            Department.code == "GAS", Case.status == "dispatched", Case.severity > 1,
            Case.severity_reasons.is_not(None)).order_by(Case.id)).scalars().first()
        db.session.expunge(case)
        return case


def test_the_case_page_shows_the_reasons_and_a_supervisor_corrects_the_level(admin_app, as_user):
    case = _open_gas_case(admin_app)
    assert case.severity_reasons, "the grader's reasons are stored with the case"
    client = as_user(SUPERVISOR)
    page = client.get(f"/admin/cases/{case.id}").get_data(as_text=True)
    card = page.split('id="severity"', 1)[1].split("</section>", 1)[0]
    assert "等级及依据" in card and all(line in card for line in case.severity_reasons)
    assert 'data-action="regrade"' in page and "调整等级" in page
    new = case.severity - 1
    response = post(client, f"/admin/cases/{case.id}/act/regrade", {"severity": str(new), "reason": "现场确认已有人员头晕送医"})
    assert response.status_code == 302
    page = client.get(f"/admin/cases/{case.id}").get_data(as_text=True)
    assert "调整等级成功" in page or "调整等级" in page
    card = page.split('id="severity"', 1)[1].split("</section>", 1)[0]
    assert 'data-corrected="1"' in card and "现场确认已有人员头晕送医" in card and "不再因多人反映而自动提高" in card
    assert f'data-regrade="{case.severity}-{new}"' in page  # the timeline says from which level to which
    timeline = page.split('id="timeline"', 1)[1]
    assert re.search(r'data-event="regrade"><b>调整等级</b>', timeline)
    assert "留痕链校验通过" in page
    with admin_app.app_context():
        stored = db.session.get(Case, case.id)
        assert stored.severity == new and verify_chain(stored.events)
        assert stored.events[-1].data["reason"] == "现场确认已有人员头晕送医"
    overview = client.get("/admin/").get_data(as_text=True)  # corrections by direction
    assert 'id="kpi-regrades" data-raised="1" data-lowered="0"' in overview and "人工调整等级" in overview


def test_department_staff_see_the_reasons_but_may_not_correct(admin_app, as_user):
    case = _open_gas_case(admin_app)
    client = as_user(DEPT)
    page = client.get(f"/admin/cases/{case.id}").get_data(as_text=True)
    assert "等级及依据" in page and 'data-action="regrade"' not in page
    assert post(client, f"/admin/cases/{case.id}/act/regrade", {"severity": "1", "reason": "我们认为很严重"}
                ).status_code == 302
    assert "仅限" in client.get("/admin/inbox").get_data(as_text=True)  # the service's refusal, flashed
    with admin_app.app_context():
        assert db.session.get(Case, case.id).severity == case.severity


def test_the_queues_show_why_each_case_has_its_level(admin_app, as_user):
    client = as_user(SUPERVISOR)
    table = client.get("/admin/queues/manual_dispatch").get_data(as_text=True)
    table = table.split('<table class="queue">', 1)[1].split("</table>")[0]
    with admin_app.app_context():
        first = db.session.get(Case, int(re.search(r'<tr data-case="(\d+)"', table).group(1)))
        reasons = first.severity_reasons
    assert "等级依据" in table and all(line in table for line in reasons)
    overdue = client.get("/admin/queues/send_back").get_data(as_text=True)
    assert "<h1>" in overdue  # the card queues render with the same level block
