"""Shared set-up for the public page's tests: a report's case driven to closure through the case service."""
from server.cases.service import Context, apply_action
from server.extensions import db
from server.media.uploads import Upload
from server.models import Case, Report
from server.accounts.service import find_user
from server.tasks.queue import backend

from .. import media_fixtures as mf

# In 桂花园社区第一网格 (grid01's grid) and about gas: the pipeline routes it to GAS and dispatches it.
GAS_TEXT = "桂花园社区第一网格这边7栋楼道里好大一股煤气味，像是哪家漏气了"
GRID_POINT = (28.2340, 112.9080)
PUBLIC_REPLY = "已关闭阀门并更换老化软管，感谢您的反映"


def processed_case(app, report_id: int) -> int:
    """Run the pipeline on the queued report; its case's id."""
    assert backend(app).drain(timeout=120)
    with app.app_context():
        case_id = db.session.get(Report, report_id).case_id
    assert case_id is not None
    return case_id


def close_case(app, case_id: int) -> None:
    """Sign, handle with feedback (a photo and a public reply), verify and close, as the demo's staff."""
    photo = [Upload("photos", mf.jpeg_bytes())]
    steps = [("sign", "gas01", {}, []), ("start", "gas01", {}, []),
             ("feedback", "gas01", {"personnel": "王工等3人", "equipment": "检漏仪", "measures": "关阀、更换软管",
                                    "result": "漏点已修复", "public_reply": PUBLIC_REPLY}, photo),
             ("verify", "grid01", {}, photo), ("close", "command01", {}, [])]
    with app.app_context():
        for action, who, fields, uploads in steps:
            case = db.session.get(Case, case_id)
            if action == "sign" and case.status != "dispatched":
                apply_action(case, "dispatch", Context(find_user("command01"), {"lead": "GAS"}, []))
            apply_action(case, action, Context(find_user(who), dict(fields), list(uploads)))
        assert db.session.get(Case, case_id).status == "closed"
