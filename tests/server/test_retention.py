"""Personal data over its lifetime: residents deleting their account, and anonymising what was kept long enough."""
import io
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from server.extensions import db
from server.models import AdminAuditLog, ApiToken, Case, Media, Report, Transcript, User, utcnow

from .. import media_fixtures as mf
from ..helpers import LOGIN, login, new_uuid

PHONE_IN_TEXT = "13912345678"
TEXT = f"桂花园小区7栋楼道煤气味很重，我是张女士，电话{PHONE_IN_TEXT}"


def _report_with_voice(client, headers, app) -> int:
    """A report with a voice recording and a transcript naming the reporter's number."""
    data = {"client_uuid": new_uuid(), "text": TEXT, "lat": "28.2345", "lon": "112.9067",
            "audio": (io.BytesIO(mf.audio_bytes("m4a")), "voice.m4a")}
    response = client.post("/api/v1/reports", data=data, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    report_id = response.get_json()["id"]
    with app.app_context():
        media = db.session.execute(db.select(Media).where(Media.report_id == report_id)).scalar_one()
        db.session.add(Transcript(report_id=report_id, media_id=media.id, status="ok", text=f"电话{PHONE_IN_TEXT}",
                                  segments=[{"start": 0.0, "end": 1.0, "text": f"电话{PHONE_IN_TEXT}"}]))
        db.session.commit()
    return report_id


def _stored_file(app, report_id: int) -> Path:
    with app.app_context():
        key = db.session.execute(db.select(Media.storage_key).where(Media.report_id == report_id)).scalar_one()
    path = Path(app.config["MEDIA_ROOT"], key[0:2], key[2:4], key)
    assert path.exists()
    return path


def _assert_anonymised(app, report_id: int, audio: Path) -> None:
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report is not None, "reports stay"
        assert report.reporter_id is None and report.anonymous and "anonymised" in report.flags
        assert PHONE_IN_TEXT not in report.text and "139****5678" in report.text
        assert db.session.execute(db.select(Media).where(Media.report_id == report_id)).first() is None
        transcript = db.session.execute(db.select(Transcript).where(Transcript.report_id == report_id)).scalar_one()
        assert transcript.media_id is None and PHONE_IN_TEXT not in transcript.text + str(transcript.segments)
        from server.models import CaseReporter
        assert db.session.execute(db.select(CaseReporter).where(CaseReporter.report_id == report_id,
                                                                CaseReporter.reporter_id.is_not(None))).first() is None
    assert not audio.exists(), "the voice recording is removed"


def test_a_resident_deletes_their_account_and_their_reports_stay_anonymised(client, app, city):
    headers = login(client, LOGIN["resident"])
    report_id = _report_with_voice(client, headers, app)
    audio = _stored_file(app, report_id)
    wrong = client.post("/api/v1/auth/delete", json={"password": "wrong-pass-1", "confirm": True}, headers=headers)
    assert wrong.status_code == 401 and client.get("/api/v1/auth/me", headers=headers).status_code == 200
    unconfirmed = client.post("/api/v1/auth/delete", json={"password": "demo-resident-2026", "confirm": False},
                              headers=headers)
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.get_json()["errors"]
    deleted = client.post("/api/v1/auth/delete", json={"password": "demo-resident-2026", "confirm": True},
                          headers=headers)
    assert deleted.status_code == 200 and deleted.get_json() == {"deleted": True, "reports_anonymised": 1}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401, "tokens are revoked"
    again = client.post("/api/v1/auth/login", json={"username": LOGIN["resident"], "password": "demo-resident-2026"})
    assert again.status_code == 401
    _assert_anonymised(app, report_id, audio)
    with app.app_context():
        assert db.session.execute(db.select(ApiToken).where(ApiToken.revoked_at.is_(None))).first() is None
        entry = db.session.execute(db.select(AdminAuditLog).where(AdminAuditLog.action == "account.delete")
                                   ).scalar_one()
        assert entry.data["reports"] == 1
        gone = db.session.get(User, entry.user_id)
        assert gone.deleted_at and not gone.active and gone.phone_index is None and gone.display_name is None
        for column in ("username", "display_name", "phone_enc", "phone_index"):  # nothing of theirs is left
            assert db.session.execute(sa.text(f"SELECT COUNT(*) FROM users WHERE CAST({column} AS TEXT) LIKE '%张女士%'")
                                      ).scalar() == 0
    registered = client.post("/api/v1/auth/register", json={"phone": LOGIN["resident"], "password": "fresh-pass-77"})
    assert registered.status_code == 201, "the number is free again"


def test_staff_cannot_delete_their_account_themselves(client, app, city):
    response = client.post("/api/v1/auth/delete", json={"password": "demo-gas-2026", "confirm": True},
                           headers=login(client, "gas01"))
    assert response.status_code == 403


def _close(app, report_id: int, days_ago: int) -> None:
    with app.app_context():
        report = db.session.get(Report, report_id)
        case = Case(origin_report_id=report.id, severity=3, status="closed",
                    closed_at=utcnow() - timedelta(days=days_ago))
        db.session.add(case)
        db.session.flush()
        report.case_id = case.id
        from server.models import CaseReporter
        db.session.add(CaseReporter(case_id=case.id, reporter_id=report.reporter_id, report_id=report.id))
        db.session.commit()


def test_retention_anonymises_reports_of_cases_closed_long_ago_and_removes_their_audio(client, app, city):
    from server.cli import cli
    headers = login(client, LOGIN["resident"])
    old_id, recent_id = _report_with_voice(client, headers, app), _report_with_voice(client, headers, app)
    old_audio, recent_audio = _stored_file(app, old_id), _stored_file(app, recent_id)
    _close(app, old_id, days_ago=app.config["RETENTION_DAYS"] + 5)
    _close(app, recent_id, days_ago=10)
    with app.app_context():
        from server.models import CaseReporter
        assert db.session.execute(db.select(db.func.count()).select_from(CaseReporter).where(
            CaseReporter.reporter_id.is_not(None))).scalar_one() == 2
    assert old_audio == recent_audio, "the same recording twice: one content-addressed file"
    result = app.test_cli_runner().invoke(cli, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "anonymised 1 reports" in result.output
    with app.app_context():
        old, recent = db.session.get(Report, old_id), db.session.get(Report, recent_id)
        assert old.reporter_id is None and PHONE_IN_TEXT not in old.text
        assert recent.reporter_id is not None and PHONE_IN_TEXT in recent.text, "recent cases are kept whole"
        assert db.session.execute(db.select(Media).where(Media.report_id == old_id)).first() is None
    assert recent_audio.exists(), "a file another report still uses stays"
    result = app.test_cli_runner().invoke(cli, ["retention", "run", "--days", "5"])
    assert result.exit_code == 0 and "anonymised 1 reports" in result.output
    _assert_anonymised(app, old_id, old_audio)
    _assert_anonymised(app, recent_id, recent_audio)
    with app.app_context():
        runs = db.session.execute(db.select(AdminAuditLog).where(AdminAuditLog.action == "retention.run")
                                  .order_by(AdminAuditLog.id)).scalars().all()
        assert [r.data["reports"] for r in runs] == [1, 1] and runs[0].data["via"] == "cli"
    mine = client.get("/api/v1/reports", headers=headers).get_json()["items"]
    assert {old_id, recent_id}.isdisjoint({r["id"] for r in mine}), "no longer linked to the reporter"


def test_the_retention_job_is_scheduled_on_the_maintenance_queue(app):
    from server.tasks.schedule import PERIODIC
    job = next(p for p in PERIODIC if p.func == "server.accounts.retention.retention_job")
    assert job.every == "RETENTION_INTERVAL_SECONDS" and callable(job.load())
    with app.app_context():
        assert job.load()()["reports"] == 0
