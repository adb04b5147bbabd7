"""A small city with one of everything, built once per test session into an SQLite file and copied for each test.

Roles (the columns of the access matrix):
- ``anonymous``: no token
- ``owner``: the resident who filed the reports; ``other_resident``: another resident
- ``grid_same``: the grid worker of the reports' grid; ``grid_other``: a grid worker of another grid
- ``dept_routed``: staff of the lead department (GAS); ``dept_other``: staff of a department not on any case (WATER)
- ``supervisor``, ``admin``
"""
import io
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from server import create_app
from server.extensions import db
from server.tasks.queue import init_queue

from .. import media_fixtures as mf
from ..conftest import app_config, fresh_database
from ..helpers import PASSWORDS, new_uuid
from ..server.sharing_support import sharing_ids

ROLES = ("anonymous", "owner", "other_resident", "grid_same", "grid_other", "dept_routed", "dept_other",
         "supervisor", "admin")
GRID, OTHER_GRID = "D01-S01-C01-G01", "D01-S01-C01-G02"
ACCOUNTS = {"owner": "13800000001", "other_resident": "13800000002", "grid_same": "grid01", "grid_other": "gridx02",
            "dept_routed": "gas01", "dept_other": "waterx01", "supervisor": "command01", "admin": "admin"}
EXTRA_PASSWORD = "world-pass-2026"
TEXT = "桂花园小区7栋楼道里有很重的煤气味，我的电话13912345678"
# Webhooks of the world point at a closed loopback port (nothing is ever sent anywhere else).
WEBHOOK_CIDRS = "127.0.0.0/8"


@dataclass
class World:
    """Where the built world lives, the ids its rows refer to, and one bearer token per role."""

    db_file: Path
    media_root: Path
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def headers(self, role: str) -> dict:
        """The Authorization header of a role (none for anonymous)."""
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def app(self, tmp_path: Path, **overrides):
        """An app on a private copy of the world's database (files are shared, read-only in practice)."""
        copy = tmp_path / "world.db"
        shutil.copyfile(self.db_file, copy)
        settings = {"MEDIA_ROOT": str(self.media_root), "SIGNIN_RATE_LIMIT": "10000 per minute",
                    "SIGNIN_FAILURE_LIMIT": "10000 per minute", "REGISTER_RATE_LIMIT": "10000 per minute",
                    "SIGNIN_ADDRESS_FAILURE_LIMIT": "10000 per minute", "SIGNIN_ACCOUNT_FAILURE_LIMIT": "10000 per minute",
                    "WEBHOOK_ALLOWED_CIDRS": WEBHOOK_CIDRS, **overrides}
        app = create_app(app_config(f"sqlite:///{copy}", tmp_path, **settings))
        app.world_extensions = frozenset(app.extensions)  # what a new app holds (reset drops what came later)
        return app

    def reset(self, app) -> None:
        """Make an app from app() as good as new: the world's database copied in again, rate-limit counters and
        queue empty, no state kept by earlier requests (one app serves many tests that change the world)."""
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        copy = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        for journal in (copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
            journal.unlink(missing_ok=True)
        shutil.copyfile(self.db_file, copy)
        for key in set(app.extensions) - app.world_extensions:
            del app.extensions[key]
        app.extensions["gridwatch_limiter"].reset()
        init_queue(app)


def _login(client, username: str, password: str) -> str:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def _report(client, token: str, **extra) -> dict:
    data = {"client_uuid": new_uuid(), "text": TEXT, "lat": "28.2345", "lon": "112.9067", **extra,
            "photos": [(io.BytesIO(mf.png_bytes()), "p.png")]}
    response = client.post("/api/v1/reports", data=data, headers={"Authorization": f"Bearer {token}"},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _case_for(report_id: int, status: str, category: str | None = None) -> int:
    """A case opened from the report (placed in GRID), driven to the status by the lifecycle service."""
    from server.cases.log import append_event
    from server.models import Area, Case, Category, Report

    from ..server.test_cases_support import PATHS, act
    area = db.session.execute(db.select(Area).where(Area.code == GRID)).scalar_one()
    report = db.session.get(Report, report_id)
    report.grid_id, report.stage = area.id, "routed"
    case = Case(origin_report_id=report.id, severity=3, status="received", needs_manual_dispatch=True)
    if category:
        case.category = db.session.execute(db.select(Category).where(Category.code == category)).scalar_one()
    db.session.add(case)
    db.session.flush()
    case.number = f"GWS{case.id:06d}"
    report.case_id = case.id
    append_event(case, "create", "received", data={"report_id": report.id})
    db.session.commit()
    for action, who, fields, *uploads in PATHS[status]:
        act(case.id, action, who, fields, uploads[0] if uploads else ())
    return case.id


def _interop_and_patrols(ids: dict) -> None:
    """An API key, a GAS webhook, and today's patrol tasks of both grid workers."""
    from server.open311 import keys
    from server.webhooks import service as webhooks
    from server.models import User
    from server.patrols.seed import seed_patrols
    from server.patrols.service import ensure_tasks, today
    admin = db.session.execute(db.select(User).where(User.username == "admin")).scalar_one()
    ids["apikey"] = keys.create_key("world-key", created_by=admin)[0].id
    ids["webhook"] = webhooks.register_webhook("GAS", "https://127.0.0.1:9/gas-hook", created_by=admin)[0].id
    seed_patrols()
    db.session.commit()
    for key, name in (("patrol_task", "grid01"), ("patrol_task_other", "gridx02")):
        worker = db.session.execute(db.select(User).where(User.username == name)).scalar_one()
        tasks = ensure_tasks(worker, today())
        db.session.commit()
        assert tasks, f"no patrol places in {name}'s grid"
        ids[key] = tasks[0].id
        ids[key + "_item"] = tasks[0].items[0]["code"]


def build(root: Path) -> World:
    """Seed the city, file reports, open cases in several states, and sign everyone in."""
    from server.accounts.service import create_user
    from server.plans.service import activate_plan
    from server.demo.seed import seed_reference
    from server.models import Case, CaseAttachment, PlanTask, User

    root.mkdir(parents=True, exist_ok=True)
    world = World(db_file=root / "world.db", media_root=root / "media")
    app = create_app(app_config(f"sqlite:///{world.db_file}", root, MEDIA_ROOT=str(world.media_root),
                                SIGNIN_RATE_LIMIT="10000 per minute", WEBHOOK_ALLOWED_CIDRS=WEBHOOK_CIDRS))
    fresh_database(app)
    client = app.test_client()
    with app.app_context():
        seed_reference()
        create_user(username="gridx02", role="grid_worker", password=EXTRA_PASSWORD, grid=OTHER_GRID,
                    display_name="赵网格员")
        create_user(username="waterx01", role="dept_staff", password=EXTRA_PASSWORD, department="WATER",
                    display_name="孙工")
    passwords = {**PASSWORDS, "gridx02": EXTRA_PASSWORD, "waterx01": EXTRA_PASSWORD}
    world.tokens = {role: _login(client, name, passwords[name]) for role, name in ACCOUNTS.items()}
    owner = world.tokens["owner"]
    reports = {key: _report(client, owner, **extra) for key, extra in (
        ("report", {}), ("report_anon", {"anonymous": "true"}), ("report_fb", {}), ("report_closed", {}),
        ("report_plan", {}), ("report_plan_ready", {}), ("report_returned", {}), ("report_ext", {}),
        ("report_free", {}))}
    with app.app_context():
        ids = {key: r["id"] for key, r in reports.items()}
        ids["media"] = reports["report"]["media"][0]["id"]
        ids["media_anon"] = reports["report_anon"]["media"][0]["id"]
        ids["media_free"] = reports["report_free"]["media"][0]["id"]
        ids["case"] = _case_for(ids["report"], "dispatched")
        ids["case_anon"] = _case_for(ids["report_anon"], "dispatched")
        ids["case_fb"] = _case_for(ids["report_fb"], "feedback_submitted")
        ids["case_closed"] = _case_for(ids["report_closed"], "closed")
        ids["case_returned"] = _case_for(ids["report_returned"], "returned")
        ids["case_ext"] = _case_for(ids["report_ext"], "extension_requested")
        ids["case_plan"] = _case_for(ids["report_plan"], "dispatched", category="accident.gas_leak")
        ids["case_plan_ready"] = _case_for(ids["report_plan_ready"], "dispatched", category="accident.gas_leak")
        supervisor = db.session.execute(db.select(User).where(User.username == "command01")).scalar_one()
        activate_plan(db.session.get(Case, ids["case_plan"]), supervisor)
        gas_task = db.session.execute(db.select(PlanTask).where(PlanTask.case_id == ids["case_plan"])
                                      .order_by(PlanTask.id)).scalars().first()
        assert gas_task.department.code == "GAS"
        ids["plan_task"] = gas_task.id
        att = db.session.execute(db.select(CaseAttachment).where(CaseAttachment.case_id == ids["case_closed"])
                                 .order_by(CaseAttachment.id)).scalars().first()
        ids["attachment"] = att.id
        ids["attachment_case"] = ids["case_closed"]
        ids["missing_case"] = 999999
        _interop_and_patrols(ids)
        ids.update(sharing_ids())
        # The resident rates the anonymous report's case later in the anonymity test; nothing to do here.
        db.session.remove()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    world.ids = ids
    with sqlite3.connect(world.db_file) as conn:  # one self-contained file to copy
        conn.execute("PRAGMA journal_mode=DELETE")
    return world
