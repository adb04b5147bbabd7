"""Menus by role: who sees which pages."""
from .auth import ADMIN, DEPT, SUPERVISOR

# (endpoint, label, roles)
MENU = [
    ("admin.overview", "Overview", (SUPERVISOR, DEPT, ADMIN)),
    ("admin.city_map", "City map", (SUPERVISOR, ADMIN)),
    ("admin.hotspot_list", "Hotspot review", (SUPERVISOR,)),
    ("admin.queues", "Supervisor queues", (SUPERVISOR,)),
    ("admin.inbox", "Department inbox", (DEPT,)),
    ("admin.case_list", "Cases", (SUPERVISOR, DEPT, ADMIN)),
    ("admin.library_page", "Case library", (SUPERVISOR, DEPT, ADMIN)),
    ("admin.transcript_list", "Transcripts", (SUPERVISOR, ADMIN)),
    ("admin.metrics", "Department metrics", (SUPERVISOR, DEPT, ADMIN)),
    ("admin.jobs", "Jobs", (SUPERVISOR, ADMIN)),
    ("admin.exports", "Exports", (SUPERVISOR, ADMIN)),
    ("admin.sharing_list", "Data sharing", (SUPERVISOR, DEPT, ADMIN)),
    ("admin.sharing_audit", "Sharing audit", (SUPERVISOR, ADMIN)),
    ("admin.manage_taxonomy", "Administration", (ADMIN,)),
    ("admin.audit_log", "Audit log", (ADMIN,)),
]
# The administration pages' own tabs.
MANAGE_TABS = [
    ("admin.manage_taxonomy", "Taxonomy & routing"),
    ("admin.manage_departments", "Departments"),
    ("admin.manage_areas", "Areas & grids"),
    ("admin.manage_users", "Users & roles"),
    ("admin.manage_keys", "API keys"),
]


def menu_for(role: str) -> list[tuple[str, str]]:
    """The menu entries a role sees, in order."""
    return [(endpoint, label) for endpoint, label, roles in MENU if role in roles]
