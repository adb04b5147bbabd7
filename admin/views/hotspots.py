"""Hotspot review: the queue by heat, one hotspot's reports, trend and map, and the supervisor's decisions."""
from collections import Counter

from flask import abort, flash, redirect, render_template, request, url_for

from server.hotspots import review
from server.errors import DomainError
from server.extensions import db
from server.cases.crowd import presentable
from server.models import Hotspot, HotspotReview, Report
from server.reports.presenters import present_report
from server.web.localtime import to_city
from server.web.pagination import paginate

from admin.blueprint import bp
from ..actions import error_text
from ..audit_log import record
from ..auth import SUPERVISOR, current, login_required
from ..i18n import gettext

TABS = {"review": ("To review", ("suggested", "reviewed")), "confirmed": ("Confirmed", ("confirmed",)),
        "dismissed": ("Dismissed", ("dismissed", "merged"))}
MEMBERS_PER_PAGE = 50  # a hotspot's reports presented per page
MAP_POINTS = 1000  # the newest members' positions on its map (a crowd's thousands would stall the browser)


def _hotspot(hotspot_id: int) -> Hotspot:
    row = db.session.get(Hotspot, hotspot_id)
    if row is None:
        abort(404)
    return row


@bp.get("/hotspots")
@login_required(SUPERVISOR)
def hotspot_list():
    """Hotspots waiting for review, hottest first."""
    tab = request.args.get("tab", "review")
    tab = tab if tab in TABS else "review"
    counts = {t: db.session.execute(db.select(db.func.count(Hotspot.id)).where(Hotspot.status.in_(s))).scalar_one()
              for t, (_, s) in TABS.items()}
    rows = db.session.execute(db.select(Hotspot).where(Hotspot.status.in_(TABS[tab][1]))
                              .order_by(Hotspot.heat.desc(), Hotspot.id).limit(100)).scalars().all()
    return render_template("admin/hotspots.html", tab=tab, tabs=TABS, counts=counts, hotspots=rows)


@bp.get("/hotspots/<int:hotspot_id>")
@login_required(SUPERVISOR)
def hotspot_detail(hotspot_id: int):
    """Keywords, member reports (text, transcript and audio, photos), trend, mini map, reviews, actions."""
    hotspot = _hotspot(hotspot_id)
    user = current()
    # A crowd's hotspot gathers thousands of reports: they are presented a page at a time; the trend and the map read
    # only each member's time and position.
    page = max(request.args.get("page", 1, type=int), 1)
    found = paginate(presentable(review.members_query(hotspot)), page, MEMBERS_PER_PAGE)
    steps: dict = {}  # each case's reporter steps, read once for the page
    reports = [present_report(r, user, steps) for r in found.items]
    rows = db.session.execute(db.select(Report.id, Report.created_at, Report.lat, Report.lon)
                              .where(Report.hotspot_id == hotspot.id).order_by(Report.id)).all()
    days = Counter(to_city(r.created_at).strftime("%m-%d") for r in rows)
    labels = sorted(days)
    chart = {"type": "bar", "labels": labels, "datasets": [{"label": gettext("Reports"),
                                                            "data": [days[d] for d in labels]}]}
    placed = [{"lat": r.lat, "lon": r.lon, "id": r.id} for r in rows if r.lat is not None]
    points = {"points": placed[-MAP_POINTS:], "total": len(placed),
              "bbox": [hotspot.min_lat, hotspot.min_lon, hotspot.max_lat, hotspot.max_lon]}
    reviews = db.session.execute(db.select(HotspotReview).where(HotspotReview.hotspot_id == hotspot.id)
                                 .order_by(HotspotReview.id.desc())).scalars().all()
    others = db.session.execute(db.select(Hotspot).where(Hotspot.id != hotspot.id, Hotspot.status.in_(
        ("suggested", "reviewed", "confirmed"))).order_by(Hotspot.heat.desc()).limit(50)).scalars().all()
    return render_template("admin/hotspot.html", hotspot=hotspot, reports=reports, chart=chart, points=points,
                           reviews=reviews, others=others, page=found.page, pages=found.pages, total=found.total)


@bp.post("/hotspots/<int:hotspot_id>/<action>")
@login_required(SUPERVISOR)
def hotspot_action(hotspot_id: int, action: str):
    """confirm | dismiss | merge | move_out | relabel (each recorded as a review)."""
    hotspot, user, form = _hotspot(hotspot_id), current(), request.form
    note = form.get("note") or None
    try:
        if action == "confirm":
            case = review.confirm(hotspot, user, case_id=form.get("case_id", type=int),
                                  merge_members=form.get("merge_members") == "1", note=note)
            message = gettext("Hotspot confirmed; case {number}.", number=case.number)
        elif action == "dismiss":
            review.dismiss(hotspot, user, note)
            message = gettext("Hotspot dismissed.")
        elif action == "merge":
            moved = review.merge(hotspot, [int(v) for v in form.getlist("other") if v.isdigit()], user, note)
            message = gettext("{count} reports merged into this hotspot.", count=moved)
        elif action == "move_out":
            moved = review.move_out(hotspot, [int(v) for v in form.getlist("reports") if v.isdigit()], user, note)
            message = gettext("{count} reports moved out.", count=moved)
        elif action == "relabel":
            review.relabel(hotspot, form.get("label", ""), user, note)
            message = gettext("Hotspot renamed.")
        else:
            abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        record(f"hotspot.{action}", str(hotspot.id), label=hotspot.label)
        flash(message, "success")
    return redirect(url_for("admin.hotspot_detail", hotspot_id=hotspot_id))
