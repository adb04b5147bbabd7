"""Load the demo city into the configured database; safe to run again."""
import uuid
from datetime import timedelta

from shapely.geometry import shape

from server.accounts.service import create_user, find_user
from server.demo.accounts import demo_accounts, login_table
from server.demo.data import load
from server.demo.history import replay_history
from server.demo.media import demo_photo, demo_voice
from server.demo.sharing import seed_sharing
from server.extensions import db
from server.hotspots.service import recluster
from server.models import PENDING_STAGES, Area, Category, Department, Report, User, utcnow
from server.patrols.seed import seed_patrols
from server.pipeline.grading import regrade_hotspot_cases
from server.pipeline.jobs import process_report
from server.media.uploads import Upload
from server.reports.intake import accept_report
from triage.taxonomy import load_default

DEMO_NAMESPACE = uuid.UUID("6f1c1d2e-5d0b-4c53-9a53-3d1f1c0de5a1")


def seed(with_reports: bool = True, history_days: int = 0) -> list[str]:
    """Seed reference data, then (optionally) the demo reports and the past days; returns lines to print."""
    seed_reference()
    lines = []
    if with_reports:
        created = seed_reports()
        processed = process_pending()
        lines.append(f"demo reports: {created} new, {processed} processed")
    if history_days:
        past = replay_history(demo_accounts(), days=history_days)
        lines.append(f"demo history: {past['stories']} new case(s) over the last {history_days} days"
                     + (f", {len(past['failed'])} step(s) left out" if past["failed"] else ""))
    if with_reports or history_days:
        hotspots = recluster()
        raised = regrade_hotspot_cases()
        lines.append(f"hotspots: {hotspots}" + (f", {raised} case(s) raised by how many people report them"
                                                 if raised else ""))
    shared = seed_sharing()
    if shared:
        lines.append(f"data sharing: {shared} demo request(s), one approved and one pending")
    names = {d["code"]: f"{d['code']} {d['name']}" for d in load("departments")}
    lines.append("demo logins (for the demo only; role, department or grid, username, password):")
    lines.extend(login_table(demo_accounts(), names))
    return lines


def seed_reference() -> None:
    """Departments, areas, categories and accounts (upserted by code / username)."""
    _seed_departments()
    _seed_areas()
    seed_categories()
    _seed_users()
    db.session.commit()
    seed_patrols()  # checklists and patrol places for the grid workers


def _seed_departments() -> None:
    existing = {d.code: d for d in db.session.execute(db.select(Department)).scalars()}
    for item in load("departments"):
        dept = existing.get(item["code"]) or Department(code=item["code"])
        dept.name, dept.name_en, dept.type, dept.phone = item["name"], item["name_en"], item["type"], item["phone"]
        db.session.add(dept)
    db.session.flush()


def _seed_areas() -> None:
    existing = {a.code: a for a in db.session.execute(db.select(Area)).scalars()}
    for item in load("areas"):  # parents come before children in the file
        area = existing.get(item["code"]) or Area(code=item["code"])
        min_lon, min_lat, max_lon, max_lat = shape(item["polygon"]).bounds
        area.name, area.name_en, area.level = item["name"], item.get("name_en"), item["level"]
        area.parent = existing.get(item["parent"]) if item["parent"] else None
        area.polygon, area.aliases, area.landmarks = item["polygon"], item.get("aliases", []), item.get("landmarks", [])
        area.min_lat, area.min_lon, area.max_lat, area.max_lon = min_lat, min_lon, max_lat, max_lon
        existing[area.code] = area
        db.session.add(area)
    db.session.flush()


def seed_categories() -> None:
    """The taxonomy from triage's shipped file into the categories table."""
    taxonomy = load_default()
    departments = {d.code: d for d in db.session.execute(db.select(Department)).scalars()}
    existing = {c.code: c for c in db.session.execute(db.select(Category)).scalars()}
    for risk_class in taxonomy.classes:
        row = existing.get(risk_class.code) or Category(code=risk_class.code)
        row.name, row.name_en = risk_class.name_zh, risk_class.name_en
        existing[row.code] = row
        db.session.add(row)
    for sub in taxonomy.subcategories:
        row = existing.get(sub.code) or Category(code=sub.code)
        row.parent = existing[sub.code.split(".")[0]]
        row.name, row.name_en, row.keywords, row.examples = sub.name_zh, sub.name_en, sub.keywords, sub.examples
        row.default_severity = sub.default_severity
        row.lead_department = departments.get(sub.lead)
        row.assist_department_codes = list(sub.assist)
        db.session.add(row)
    db.session.flush()


def _seed_users() -> None:
    for item in demo_accounts():  # residents sign in by phone: their usernames are generated, never the number
        if find_user(item["username"]) is None:
            create_user(username=item["username"], role=item["role"], password=item["password"],
                        department=item.get("department"), grid=item.get("grid"), phone=item.get("phone"),
                        display_name=item.get("display_name"), commit=False)


def seed_reports() -> int:
    """The demo reports, through the same intake as the API; returns how many were new."""
    users: dict[str, User] = {}
    now, created = utcnow(), 0
    for i, item in enumerate(load("reports")):
        client_uuid = str(uuid.uuid5(DEMO_NAMESPACE, f"demo-report-{i}"))
        if db.session.execute(db.select(Report.id).where(Report.client_uuid == client_uuid)).first():
            continue
        at = now - timedelta(hours=item["hours_ago"])
        fields = {"client_uuid": client_uuid, "text": item["text"], "category_hint": item["category_hint"],
                  "lat": item["lat"], "lon": item["lon"], "address": item["address"], "occurred_at": at,
                  "anonymous": item["anonymous"], "channel": item["channel"]}
        photos = [Upload("photos", demo_photo(item["photo"], i))] if item.get("photo") else []
        audio = Upload("audio", demo_voice(item["text"])) if item.get("voice") else None
        if item["reporter"] not in users:  # a username or a resident's phone number
            users[item["reporter"]] = find_user(item["reporter"])
        report, new = accept_report(users[item["reporter"]], fields, photos, audio, check_channel=False)
        if new:
            db.session.add(report)  # the intake leaves a new report out of the session
            report.created_at = at
            db.session.commit()
            created += 1
    return created


def process_pending() -> int:
    """Run the pipeline on every pending report, here and now."""
    ids = list(db.session.execute(db.select(Report.id).where(Report.stage.in_(PENDING_STAGES))).scalars())
    for report_id in ids:
        try:
            process_report(report_id)
        except Exception:  # recorded on the report; the sweeper retries it later
            pass
    return len(ids)
