"""Administration: departments, and users with their roles."""
import re

from flask import abort, flash, redirect, render_template, request, url_for

from server.accounts.service import AccountError, create_user
from server.extensions import db
from server.models import Area, AreaLevel, Department, DepartmentType, Role, User
from server.accounts.auth import revoke_user_tokens
from server.accounts.security import hash_password, password_problem

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, current, login_required
from ..i18n import gettext

CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")


@bp.get("/manage/departments")
@login_required(ADMIN)
def manage_departments():
    """Every department."""
    rows = db.session.execute(db.select(Department).order_by(Department.code)).scalars().all()
    return render_template("admin/manage_departments.html", departments=rows, types=[t.value for t in DepartmentType])


@bp.post("/manage/departments")
@login_required(ADMIN)
def manage_departments_save():
    """Add a department, or change one (matched by code)."""
    form = request.form
    code = (form.get("code") or "").strip().upper()
    if not CODE.match(code) or not (form.get("name") or "").strip() or form.get("type") not in \
            {t.value for t in DepartmentType}:
        flash(gettext("A department needs a code (capital letters, digits, _), a name and a type."), "error")
        return redirect(url_for("admin.manage_departments"))
    row = db.session.execute(db.select(Department).where(Department.code == code)).scalar_one_or_none()
    created = row is None
    row = row or Department(code=code)
    row.name, row.name_en = form["name"].strip()[:80], (form.get("name_en") or "").strip()[:120] or None
    row.type, row.phone = form["type"], (form.get("phone") or "").strip()[:32] or None
    row.active = form.get("active", "1") == "1"
    db.session.add(row)
    record("department.create" if created else "department.update", code, active=row.active, commit=False)
    db.session.commit()
    flash(gettext("Saved {code}.", code=code), "success")
    return redirect(url_for("admin.manage_departments"))


@bp.get("/manage/users")
@login_required(ADMIN)
def manage_users():
    """Staff accounts first (residents are many; filter by role)."""
    role = request.args.get("role") or ""
    query = db.select(User).order_by(User.role, User.username)
    query = query.where(User.role == role) if role else query.where(User.role != Role.RESIDENT.value)
    users = db.session.execute(query.limit(300)).scalars().all()
    departments = db.session.execute(db.select(Department).order_by(Department.code)).scalars().all()
    grids = db.session.execute(db.select(Area).where(Area.level == AreaLevel.GRID.value)
                               .order_by(Area.code)).scalars().all()
    return render_template("admin/manage_users.html", users=users, roles=[r.value for r in Role], role=role,
                           departments=departments, grids=grids)


@bp.post("/manage/users")
@login_required(ADMIN)
def manage_users_create():
    """Create an account (the same rules as the command line)."""
    form = request.form
    try:
        user = create_user(username=(form.get("username") or "").strip(), role=form.get("role", ""),
                           password=form.get("password", ""), department=form.get("department") or None,
                           grid=form.get("grid") or None, display_name=(form.get("display_name") or None))
    except AccountError as exc:
        db.session.rollback()
        flash(gettext("Could not create the account: {error}", error=str(exc)), "error")
    else:
        record("user.create", user.username, role=user.role)
        flash(gettext("Account {name} created.", name=user.username), "success")
    return redirect(url_for("admin.manage_users"))


@bp.post("/manage/users/<int:user_id>")
@login_required(ADMIN)
def manage_users_update(user_id: int):
    """Change a user's role, department, grid or whether they may sign in; optionally set a new password."""
    user, form = db.session.get(User, user_id), request.form
    if user is None:
        abort(404)
    role = form.get("role", user.role)
    if role not in {r.value for r in Role} or (user.id == current().id and (role != user.role or
                                                                            form.get("active") != "1")):
        flash(gettext("You cannot change your own role or lock yourself out."), "error")
        return redirect(url_for("admin.manage_users"))
    department = db.session.execute(db.select(Department).where(Department.code == form.get("department"))
                                    ).scalar_one_or_none() if form.get("department") else None
    grid = db.session.execute(db.select(Area).where(Area.code == form.get("grid"))).scalar_one_or_none() \
        if form.get("grid") else None
    if (role == Role.DEPT_STAFF.value and department is None) or (role == Role.GRID_WORKER.value and grid is None):
        flash(gettext("Department staff need a department; grid workers need a grid."), "error")
        return redirect(url_for("admin.manage_users"))
    password = form.get("password") or ""
    problem = password_problem(password, username=user.username) if password else None
    if problem:
        flash(problem, "error")
        return redirect(url_for("admin.manage_users"))
    access_changed = (role, department, grid) != (user.role, user.department, user.grid)
    user.role, user.department, user.grid = role, department, grid
    user.active = form.get("active") == "1"
    if password:
        user.password_hash = hash_password(password)
    if password or access_changed or not user.active:  # sessions of the old access end here
        revoke_user_tokens(user.id)
    record("user.update", user.username, role=role, active=user.active, password_changed=bool(password) or None,
           commit=False)
    db.session.commit()
    flash(gettext("Saved {code}.", code=user.username), "success")
    return redirect(url_for("admin.manage_users"))
