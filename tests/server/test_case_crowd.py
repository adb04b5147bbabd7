"""A case that many people report stays quick to open (issue 14: the crowd's worst hour).

Every report of a crowd joins one case. Opening the case (API and admin page), listing its reports and following
one report as its reporter cost the same statements with 4 reports as with 16; the timeline shows each run of joined
reports as one entry, the case shows its first and newest reports with the count of all, and the rest are read a
page at a time. Both backends.
"""
import json
import re
import uuid
from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.models import Case, Report, User, utcnow, verify_chain
from server.pipeline import stages

from ..helpers import PASSWORDS, login

TEXT = "桂花园小区7栋楼道里煤气味很重，像是漏气了{}"
PEOPLE = 16


class _Statements:
    """Counts what the engine runs."""

    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1

    def of(self, call):
        """(statements run by call(), its result)."""
        before = self.count
        result = call()
        return self.count - before, result


def _resident(client, i: int) -> dict:
    """The Authorization header of crowd resident i."""
    answer = client.post("/api/v1/auth/login", json={"username": f"crowd{i}", "password": f"Crowd-{i}-pass-2026"})
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": "Bearer " + answer.get_json()["access_token"]}


def _crowd(app, count: int, start: int) -> list[int]:
    """``count`` residents report the same gas smell at one spot, one after another, through the pipeline."""
    from server.accounts.service import create_user
    with app.app_context():
        ids = []
        for i in range(start, start + count):
            person = db.session.execute(db.select(User.id).where(User.username == f"crowd{i}")).scalar() \
                or create_user(username=f"crowd{i}", role="resident", password=f"Crowd-{i}-pass-2026").id
            report = Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64, text=TEXT.format("！" * (i % 3)),
                            lat=28.2345 + i * 1e-5, lon=112.9067, reporter_id=person,
                            created_at=utcnow() - timedelta(minutes=30 - i))
            db.session.add(report)
            db.session.commit()
            ids.append(report.id)
            stages.text_only(report.id)
        return ids


def _case_of(app, report_id: int) -> int:
    with app.app_context():
        return db.session.get(Report, report_id).case_id


def test_a_crowded_case_opens_with_the_same_statements_its_newest_reports_and_joins_in_one_entry(app, city, client):
    app.config["CASE_REPORTS_SHOWN"] = 3
    supervisor = login(client, "command01")
    first = _crowd(app, 4, 0)
    case_id = _case_of(app, first[0])
    with app.app_context():
        meter = _Statements(db.engine)
    few, small = meter.of(lambda: client.get(f"/api/v1/cases/{case_id}", headers=supervisor))
    more = _crowd(app, 12, 4)
    assert {_case_of(app, i) for i in more} == {case_id}, "the crowd joins one case"
    many, big = meter.of(lambda: client.get(f"/api/v1/cases/{case_id}", headers=supervisor))
    assert small.status_code == big.status_code == 200
    assert many == few, "opening the case reads no more with 16 reports than with 4"
    case = big.get_json()
    ids = first + more
    assert case["reports_total"] == 16 and small.get_json()["reports_total"] == 4
    assert [r["id"] for r in case["reports"]] == [ids[0], *ids[-3:]], "the first report and the 3 newest"
    joined = [e for e in case["events"] if e["action"] == "report_joined"]
    assert sum(e["count"] for e in joined) == 15, "every joined report is counted once"
    assert max(e["count"] for e in joined) > 1
    actions = [e["action"] for e in case["events"]]
    assert not any(a == b == "report_joined" for a, b in zip(actions, actions[1:])), "runs are collapsed"
    run = max(joined, key=lambda e: e["count"])
    assert run["first_at"] <= run["at"] and run["first_seq"] == run["seq"] - run["count"] + 1
    assert set(run["data"]["report_ids"]) <= set(ids[1:]) and run["data"]["last_report_id"] in ids
    assert f"{run['count']} 份同一隐患的上报" in run["note_text"], run["note_text"]
    english = client.get(f"/api/v1/cases/{case_id}", headers={**supervisor, "Accept-Language": "en"}).get_json()
    assert any(f"{run['count']} reports of the same hazard joined" in (e["note_text"] or "")
               for e in english["events"])
    assert case["audit_ok"] and "audit_problems" not in case
    with app.app_context():
        assert verify_chain(db.session.get(Case, case_id).events)


def test_every_report_of_a_crowded_case_is_read_a_page_at_a_time_by_those_who_see_the_case(app, city, client):
    ids = _crowd(app, 7, 0)
    case_id = _case_of(app, ids[0])
    supervisor = login(client, "command01")
    seen, pages = [], None
    for page in (1, 2, 3):
        answer = client.get(f"/api/v1/cases/{case_id}/reports?page={page}&per_page=3", headers=supervisor)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        seen += [r["id"] for r in body["items"]]
        pages = body["meta"]
    assert seen == ids and pages == {"page": 3, "per_page": 3, "total": 7, "pages": 3}
    bad = client.get(f"/api/v1/cases/{case_id}/reports?per_page=1000", headers=supervisor)
    assert bad.status_code == 422 and "per_page" in str(bad.get_json())
    resident = _resident(client, 0)
    assert client.get(f"/api/v1/cases/{case_id}/reports", headers=resident).status_code == 404
    assert client.get(f"/api/v1/cases/{case_id}/reports").status_code == 401


def test_a_reporter_follows_a_crowded_case_without_reading_its_joins(app, city, client):
    ids = _crowd(app, 3, 0)
    resident = _resident(client, 0)
    with app.app_context():
        meter = _Statements(db.engine)
    few, small = meter.of(lambda: client.get(f"/api/v1/reports/{ids[0]}", headers=resident))
    _crowd(app, 10, 3)
    many, big = meter.of(lambda: client.get(f"/api/v1/reports/{ids[0]}", headers=resident))
    assert small.status_code == big.status_code == 200
    assert many == few
    stages_seen = [t["stage"] for t in big.get_json()["timeline"]]
    assert stages_seen[0] == "received" and any(s.startswith("case.") for s in stages_seen)
    assert big.get_json()["timeline"] == small.get_json()["timeline"], "joins are not the reporter's steps"


def _admin_client(app, username: str):
    web = app.test_client()
    page = web.get("/admin/login", follow_redirects=True).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    signed = web.post("/admin/login", data={"username": username, "password": PASSWORDS[username],
                                            "csrf_token": token})
    assert signed.status_code == 302
    return web


def _reports_on_every_page(web, page: str) -> list[int]:
    """The reports an admin page lists, following its pager ("下一页") to the last page."""
    listed = []
    while page:
        body = web.get(page).get_data(as_text=True)
        listed += [int(i) for i in re.findall(r'class="report" data-report="(\d+)"', body)]
        more = re.search(r'<a href="([^"]+)">下一页', body)
        page = more.group(1).replace("&amp;", "&") if more else None
    return listed


def test_the_admin_page_of_a_crowded_case_collapses_joins_and_pages_its_reports(app, city, monkeypatch):
    from admin.views import cases
    monkeypatch.setattr(cases, "PER_PAGE", 4)
    app.config["CASE_REPORTS_SHOWN"] = 2
    ids = _crowd(app, 6, 0)
    case_id = _case_of(app, ids[0])
    web = _admin_client(app, "command01")
    html = web.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    counts = [int(n) for n in re.findall(r'data-event="report_joined" data-count="(\d+)"', html)]
    singles = len(re.findall(r'data-event="report_joined">', html))
    assert counts and sum(counts) + singles == 5, html[:2000]
    assert "份同一隐患的上报先后并入本案件" in html
    shown = re.findall(r'class="report" data-report="(\d+)"', html)
    assert [int(i) for i in shown] == [ids[0], *ids[-2:]]
    assert "共 6 份" in html and f"/admin/cases/{case_id}/reports" in html
    assert _reports_on_every_page(web, f"/admin/cases/{case_id}/reports") == ids


def _hotspot_of(app, report_id: int) -> tuple[int | None, list[int]]:
    """After a re-clustering: the report's hotspot and its members in the page's order."""
    from server.hotspots.service import recluster
    with app.app_context():
        recluster()
        hotspot_id = db.session.get(Report, report_id).hotspot_id
        members = db.session.execute(db.select(Report.id).where(Report.hotspot_id == hotspot_id)
                                     .order_by(Report.created_at, Report.id)).scalars().all()
        return hotspot_id, list(members)


def test_a_crowded_hotspot_page_shows_its_reports_a_page_at_a_time_and_its_newest_positions(app, city, monkeypatch):
    from admin.views import hotspots
    monkeypatch.setattr(hotspots, "MEMBERS_PER_PAGE", 4)
    monkeypatch.setattr(hotspots, "MAP_POINTS", 3)
    ids = _crowd(app, 5, 0)
    hotspot_id, members = _hotspot_of(app, ids[0])
    assert hotspot_id is not None and members == ids, "the crowd forms one hotspot"
    with app.app_context():
        meter = _Statements(db.engine)
    web = _admin_client(app, "command01")
    few, small = meter.of(lambda: web.get(f"/admin/hotspots/{hotspot_id}"))
    ids += _crowd(app, 6, 5)
    hotspot_id, members = _hotspot_of(app, ids[0])
    assert members == ids
    many, big = meter.of(lambda: web.get(f"/admin/hotspots/{hotspot_id}"))
    assert small.status_code == big.status_code == 200
    assert many == few, "the page reads no more with 11 members than with 5"
    html = big.get_data(as_text=True)
    assert 'data-total="11"' in html and "第 1 / 3 页" in html
    points = json.loads(re.search(r'<script type="application/json" id="minimap-data">(.*?)</script>', html,
                                  re.S).group(1))
    assert [p["id"] for p in points["points"]] == sorted(members)[-3:] and points["total"] == 11
    assert "显示最新 3 个位置，共 11 个。" in html
    trend = json.loads(re.search(r'<script type="application/json" id="hotspot-trend">(.*?)</script>', html,
                                 re.S).group(1))
    assert sum(trend["datasets"][0]["data"]) == 11, "the trend counts every member"
    assert _reports_on_every_page(web, f"/admin/hotspots/{hotspot_id}") == members
