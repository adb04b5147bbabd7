"""The API's case events carry the system's notes in the reader's language (note_text); the recorded note stays."""
from server.tasks.queue import backend

from ..helpers import LOGIN, login
from .test_pipeline import _post


def _events(client, case_id, headers, lang=None):
    extra = {"Accept-Language": lang} if lang else {}
    response = client.get(f"/api/v1/cases/{case_id}", headers={**headers, **extra})
    assert response.status_code == 200, response.get_json()
    return {e["action"]: e for e in response.get_json()["events"]}


def test_system_notes_are_chinese_by_default_and_english_on_request(client, app, city):
    report = _post(client, login(client, LOGIN["resident"]))
    assert backend(app).drain(timeout=120)
    staff = login(client, LOGIN["dept_staff"])
    case_id = client.get(f"/api/v1/reports/{report['id']}", headers=staff).get_json()["case_id"]
    zh = _events(client, case_id, staff)
    assert zh["create"]["note"] == f"from report {report['id']}", "the record keeps what was written"
    assert zh["create"]["note_text"] == f"由上报 #{report['id']} 立案"
    assert zh["dispatch"]["note_text"] == "自动派发"
    en = _events(client, case_id, staff, "en-GB,en;q=0.9")
    assert en["create"]["note_text"] == f"from report {report['id']}" and en["dispatch"]["note_text"] == "automatic dispatch"


def test_a_persons_note_is_shown_as_written(client, app, city):
    report = _post(client, login(client, LOGIN["resident"]))
    assert backend(app).drain(timeout=120)
    staff = login(client, LOGIN["dept_staff"])
    case_id = client.get(f"/api/v1/reports/{report['id']}", headers=staff).get_json()["case_id"]
    signed = client.post(f"/api/v1/cases/{case_id}/actions/sign", json={"note": "已安排人员前往现场 sign"},
                         headers=staff)
    assert signed.status_code == 200, signed.get_json()
    for lang in (None, "en"):
        assert _events(client, case_id, staff, lang)["sign"]["note_text"] == "已安排人员前往现场 sign"
