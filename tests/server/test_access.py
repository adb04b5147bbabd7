"""Who may read which reports and media."""
import io

from .. import media_fixtures as mf
from ..helpers import LOGIN, login, new_uuid


def _report(client, headers, **extra):
    data = {"client_uuid": new_uuid(), "text": "楼道里堆满杂物，手机13912345678联系我", **extra}
    data["photos"] = [(io.BytesIO(mf.png_bytes()), "a.png")]
    response = client.post("/api/v1/reports", data=data, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_resident_cannot_read_another_residents_report_or_media(client, city):
    owner = login(client, LOGIN["resident"])
    other = login(client, "13800000002")
    report = _report(client, owner)
    assert client.get(f"/api/v1/reports/{report['id']}", headers=owner).status_code == 200
    assert client.get(f"/api/v1/reports/{report['id']}", headers=other).status_code == 404
    assert client.get(report["media"][0]["url"], headers=other).status_code == 404
    assert client.get(report["media"][0]["thumb_url"], headers=other).status_code == 404
    assert client.get(report["media"][0]["url"]).status_code == 401
    listed = client.get("/api/v1/reports", headers=other).get_json()
    assert listed["meta"]["total"] == 0 and listed["items"] == []


def test_supervisor_sees_everything_unmasked(client, city):
    report = _report(client, login(client, LOGIN["resident"]))
    supervisor = login(client, LOGIN["supervisor"])
    seen = client.get(f"/api/v1/reports/{report['id']}", headers=supervisor).get_json()
    assert "13912345678" in seen["text"] and seen["reporter"] == "张女士"
    assert client.get(report["media"][0]["url"], headers=supervisor).status_code == 200


def test_grid_worker_sees_reports_in_own_grid_only_after_placing(client, app, city):
    from server.extensions import db
    from server.models import Area, Report
    resident = login(client, LOGIN["resident"])
    report = _report(client, resident, anonymous="true")
    grid_worker = login(client, LOGIN["grid_worker"])
    assert client.get(f"/api/v1/reports/{report['id']}", headers=grid_worker).status_code == 404
    with app.app_context():
        grid = db.session.execute(db.select(Area).where(Area.code == "D01-S01-C01-G01")).scalar_one()
        db.session.get(Report, report["id"]).grid_id = grid.id
        db.session.commit()
    seen = client.get(f"/api/v1/reports/{report['id']}", headers=grid_worker)
    assert seen.status_code == 200
    body = seen.get_json()
    assert body["reporter"] is None, "anonymous reporters stay hidden"
    assert "13912345678" not in body["text"] and "139****5678" in body["text"]


def test_list_filters_and_pagination(client, city):
    resident = login(client, LOGIN["resident"])
    for _ in range(3):
        _report(client, resident)
    page = client.get("/api/v1/reports?per_page=2&page=2", headers=resident).get_json()
    assert page["meta"] == {"page": 2, "per_page": 2, "total": 3, "pages": 2} and len(page["items"]) == 1
    assert client.get("/api/v1/reports?stage=routed", headers=resident).get_json()["meta"]["total"] == 0
    assert client.get("/api/v1/reports?stage=received", headers=resident).get_json()["meta"]["total"] == 3
    bad = client.get("/api/v1/reports?bbox=1,2,3", headers=resident)
    assert bad.status_code == 422 and "bbox" in bad.get_json()["errors"]
    assert client.get("/api/v1/reports?per_page=1000", headers=resident).status_code == 422
