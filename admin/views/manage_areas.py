"""Administration: areas and grids, with GeoJSON upload."""
from flask import flash, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Area, AreaLevel

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, login_required
from ..geojson_areas import AreaFileError, import_areas, parse
from ..i18n import gettext

MAX_UPLOAD = 20 * 1024 * 1024


@bp.get("/manage/areas")
@login_required(ADMIN)
def manage_areas():
    """Counts by level and the list of areas with their parents."""
    counts = dict(db.session.execute(db.select(Area.level, db.func.count(Area.id)).group_by(Area.level)).all())
    areas = db.session.execute(db.select(Area).order_by(Area.code).limit(1000)).scalars().all()
    return render_template("admin/manage_areas.html", counts=counts, areas=areas,
                           levels=[lvl.value for lvl in AreaLevel])


@bp.post("/manage/areas")
@login_required(ADMIN)
def manage_areas_upload():
    """Import a FeatureCollection (properties: code, name, level, parent, name_en); all or nothing."""
    upload = request.files.get("file")
    raw = upload.read(MAX_UPLOAD + 1) if upload and upload.filename else b""
    try:
        if not raw or len(raw) > MAX_UPLOAD:
            raise AreaFileError("choose a GeoJSON file of at most 20 MB")
        created, updated = import_areas(parse(raw))
    except AreaFileError as exc:
        db.session.rollback()
        flash(gettext("The file was not imported: {error}", error=str(exc)), "error")
        return redirect(url_for("admin.manage_areas"))
    record("areas.import", upload.filename[:64], created=created, updated=updated, commit=False)
    db.session.commit()
    flash(gettext("Imported: {created} new, {updated} updated.", created=created, updated=updated), "success")
    return redirect(url_for("admin.manage_areas"))
