"""The data-sharing pages: a department requests, the command centre narrows and approves, the department issues a
link (shown once) and downloads, the audit shows the access; refusal and revocation need reasons; roles and English."""
import re

from server.extensions import db
from server.models import DataShareRequest, ShareAccess

from .conftest import ADMIN, DEPT, SUPERVISOR, post


def _form(**changes) -> dict:
    data = {"kind": "reports", "categories": ["accident.gas_leak"], "areas": ["D01-S01"],
            "period_from": "2026-01-01", "period_to": "2026-12-31", "use_until": "", "purpose": "燃气管网隐患排查"}
    data.update(changes)
    return data


def _request(admin_app, client, **changes) -> int:
    from datetime import timedelta
    from server.models import utcnow
    data = _form(use_until=(utcnow() + timedelta(days=30)).date().isoformat(), **changes)
    answer = post(client, "/admin/sharing", data)
    assert answer.status_code == 302 and "/admin/sharing/" in answer.headers["Location"], answer.get_data(True)
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_request_narrow_approve_issue_a_link_download_and_audit(admin_app, as_user):
    dept, supervisor = as_user(DEPT), as_user(SUPERVISOR)
    page = dept.get("/admin/sharing").get_data(as_text=True)
    assert "申请数据" in page and 'data-menu="sharing_list"' in page and 'data-menu="sharing_audit"' not in page
    request_id = _request(admin_app, dept, personal_data="1")
    assert "待审核" in supervisor.get("/admin/sharing").get_data(as_text=True)

    silent = post(supervisor, f"/admin/sharing/{request_id}/approve", {"areas": ["D01-S01-C01"]},
                  follow_redirects=True).get_data(as_text=True)
    assert "缩小范围时须说明理由" in silent
    done = post(supervisor, f"/admin/sharing/{request_id}/approve",
                {"areas": ["D01-S01-C01"], "note": "本社区即可"}, follow_redirects=True).get_data(as_text=True)
    assert "已缩小范围后批准" in done and "已批准" in done
    with admin_app.app_context():
        found = db.session.get(DataShareRequest, request_id)
        assert found.granted_areas == ["D01-S01-C01"] and found.granted_personal is False

    issued = post(dept, f"/admin/sharing/{request_id}/credentials", {"kind": "link"}).get_data(as_text=True)
    link = re.search(r"(http://[^<\s]+/api/v1/sharing/links/[\w-]+)", issued).group(1)
    assert "之后不再显示" in issued
    again = dept.get(f"/admin/sharing/{request_id}").get_data(as_text=True)
    assert link.rsplit("/", 1)[1] not in again  # shown once
    download = admin_app.test_client().get(link.split("localhost", 1)[1], query_string={"format": "csv"})
    assert download.status_code == 200 and download.mimetype == "text/csv"
    with admin_app.app_context():
        access = db.session.execute(db.select(ShareAccess)).scalar_one()
        assert access.outcome == "ok" and access.format == "csv"
    audit = supervisor.get("/admin/sharing/audit").get_data(as_text=True)
    assert "共享审计" in audit and "已提供" in audit and f">{request_id}<" in audit
    assert dept.get("/admin/sharing/audit").status_code == 403


def test_refusing_and_revoking_need_reasons(admin_app, as_user):
    dept, admin = as_user(DEPT), as_user(ADMIN)
    refused_id, revoked_id = _request(admin_app, dept), _request(admin_app, dept)
    empty = post(admin, f"/admin/sharing/{refused_id}/refuse", {"reason": ""}, follow_redirects=True)
    assert "请检查表单" in empty.get_data(as_text=True)
    assert "已拒绝" in post(admin, f"/admin/sharing/{refused_id}/refuse", {"reason": "目的不明确"},
                           follow_redirects=True).get_data(as_text=True)
    post(admin, f"/admin/sharing/{revoked_id}/approve", {})
    assert "已撤销" in post(admin, f"/admin/sharing/{revoked_id}/revoke", {"reason": "用途已结束"},
                           follow_redirects=True).get_data(as_text=True)
    with admin_app.app_context():
        statuses = {r: db.session.get(DataShareRequest, r).status for r in (refused_id, revoked_id)}
    assert statuses == {refused_id: "refused", revoked_id: "revoked"}
    assert post(dept, f"/admin/sharing/{revoked_id}/revoke", {"reason": "x"}).status_code == 403
    assert post(as_user(SUPERVISOR), "/admin/sharing", _form()).status_code == 403  # only departments request


def test_the_demo_requests_and_the_pages_in_english(as_user):
    client = as_user(SUPERVISOR)
    listed = client.get("/admin/sharing").get_data(as_text=True)
    assert listed.count("【示范】") == 2 and "待审核" in listed and "已批准" in listed  # the demo seed's two requests
    post(client, "/admin/lang", {"lang": "en", "next": "/admin/sharing"})
    page = client.get("/admin/sharing").get_data(as_text=True)
    assert "Data sharing" in page and "Sharing audit" in page and "Pending" in page and "数据共享" not in page
