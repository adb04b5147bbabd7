"""Reporters' view of the handling, and how their own steps on the case are shown to others."""
import pytest

from server.extensions import db
from server.models import Report

from ..helpers import login
from .test_cases_support import USERS, case_in, user


@pytest.mark.parametrize("reporter", ["grid_worker", "lead", "resident"])
def test_whoever_rates_their_anonymous_report_is_not_named_to_departments(client, app, city, reporter):
    """A grid worker (or staff member) who reported anonymously and rates the handling stays as nameless as a
    resident: departments and grid workers see 居民, supervisors see the person."""
    with app.app_context():
        case_id = case_in("closed")
        report = db.session.execute(db.select(Report).where(Report.case_id == case_id)).scalar_one()
        rater = user(USERS[reporter])
        report.reporter_id, report.anonymous = rater.id, True
        names = {rater.username, rater.display_name} - {None}
        db.session.commit()
        report_id = report.id
    headers = {role: login(client, USERS[role]) for role in {"lead", "supervisor", "grid_worker", reporter}}
    rated = client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "satisfied"}, headers=headers[reporter])
    assert rated.status_code == 201, rated.get_json()
    for role in ("lead", "grid_worker"):
        if role == reporter:
            continue
        case = client.get(f"/api/v1/cases/{case_id}", headers=headers[role]).get_json()
        rates = [e["actor"] for e in case["events"] if e["action"] == "rate"]
        assert rates == [{"id": None, "name": "居民", "role": "resident"}], (role, rates)
    supervisor = client.get(f"/api/v1/cases/{case_id}", headers=headers["supervisor"]).get_json()
    assert [e["actor"]["name"] in names for e in supervisor["events"] if e["action"] == "rate"] == [True]
    own = client.get(f"/api/v1/cases/{case_id}", headers=headers[reporter])
    if own.status_code == 200:  # the rater sees their own name where they may see the case
        assert [e["actor"]["id"] for e in own.get_json()["events"] if e["action"] == "rate"] != [None]


def test_a_named_report_rated_by_a_grid_worker_shows_the_grid_worker(client, app, city):
    with app.app_context():
        case_id = case_in("closed")
        report = db.session.execute(db.select(Report).where(Report.case_id == case_id)).scalar_one()
        report.reporter_id, report.anonymous = user(USERS["grid_worker"]).id, False
        db.session.commit()
        report_id = report.id
    worker, lead = login(client, USERS["grid_worker"]), login(client, USERS["lead"])
    assert client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "satisfied"},
                       headers=worker).status_code == 201
    case = client.get(f"/api/v1/cases/{case_id}", headers=lead).get_json()
    assert [e["actor"]["role"] for e in case["events"] if e["action"] == "rate"] == ["grid_worker"]
