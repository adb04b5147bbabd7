"""The demo city's accounts: the written ones (data/users.json), a login for every department, a grid worker for
every community and a second supervisor. Demo passwords are deterministic and for the demo only."""
from server.demo.data import load

ROLE_ORDER = ["resident", "grid_worker", "dept_staff", "supervisor", "admin"]
ROLE_ZH = {"resident": "居民", "grid_worker": "网格员", "dept_staff": "部门人员", "supervisor": "指挥中心",
           "admin": "管理员"}
# Departments whose staff login is not named <code>01 (command01 is a supervisor): (username, password word).
# A password must not contain its username, so passwords are demo-<word>-2026.
STAFF_NAMES = {"COMMAND": ("command-staff", "command-duty")}
SECOND_SUPERVISOR = {"username": "command02", "password": "demo-supervisor-2026", "role": "supervisor",
                     "display_name": "李副主任", "phone": None, "department": "COMMAND", "grid": None}


def _department_logins(existing: dict[str, dict]) -> list[dict]:
    """One dept_staff login for every department without one."""
    staffed = {u["department"] for u in existing.values() if u["role"] == "dept_staff"}
    made = []
    for dept in load("departments"):
        if dept["code"] in staffed:
            continue
        name, word = STAFF_NAMES.get(dept["code"], (f"{dept['code'].lower()}01", dept["code"].lower()))
        made.append({"username": name, "password": f"demo-{word}-2026", "role": "dept_staff",
                     "display_name": f"{dept['name']}值班员", "phone": None, "department": dept["code"], "grid": None})
    return made


def _grid_workers(existing: dict[str, dict]) -> list[dict]:
    """A grid worker in the first grid of every community without one (numbered grid02, grid03, …)."""
    areas = load("areas")
    community_of = {a["code"]: a["parent"] for a in areas if a["level"] == "grid"}
    covered = {community_of.get(u["grid"]) for u in existing.values() if u["role"] == "grid_worker"}
    made, number = [], 1
    for community in (a for a in areas if a["level"] == "community"):
        if community["code"] in covered:
            continue
        number += 1
        name = f"grid{number:02d}"
        made.append({"username": name, "password": f"demo-grid-{number:02d}-2026", "role": "grid_worker",
                     "display_name": f"{community['name']}网格员", "phone": f"139000001{number:02d}",
                     "department": None, "grid": f"{community['code']}-G01"})
    return made


def demo_accounts() -> list[dict]:
    """Every demo account: {username, password, role, display_name, phone, department, grid}."""
    written = {u["username"]: u for u in load("users")}
    extra = [SECOND_SUPERVISOR] if SECOND_SUPERVISOR["username"] not in written else []
    return [*written.values(), *_department_logins(written), *_grid_workers(written), *extra]


def staff_by_department(accounts: list[dict]) -> dict[str, str]:
    """The username of a department's staff login, by department code (the first of each)."""
    found: dict[str, str] = {}
    for u in accounts:
        if u["role"] == "dept_staff":
            found.setdefault(u["department"], u["username"])
    return found


def login_table(accounts: list[dict], names: dict[str, str] | None = None) -> list[str]:
    """The demo logins as table lines (role, department or grid, username, password): one resident, every other."""
    names = names or {}
    rows = [("role", "department / grid", "username", "password")]
    residents = [u for u in accounts if u["role"] == "resident"]
    for role in ROLE_ORDER:
        for u in (residents[:1] if role == "resident" else [u for u in accounts if u["role"] == role]):
            where = names.get(u["department"] or "", u["department"]) or u["grid"] or "—"
            rows.append((f"{role} {ROLE_ZH[role]}", where, u["username"], u["password"]))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    return ["  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
