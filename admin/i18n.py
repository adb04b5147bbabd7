"""Simplified Chinese first, English on request: a small catalogue keyed by the English text."""
import re

from flask import g, session

from server.extensions import db
from server.models import Department
from server.reports.timeline_words import channel_name as _channel_name

from triage.lifecycle import STATUS_ZH, CaseStatus

from .catalogue_zh import ZH

LANGS = ("zh", "en")
SEVERITY = {1: ("Ⅰ级 特别重大", "I Extremely serious"), 2: ("Ⅱ级 重大", "II Serious"),
            3: ("Ⅲ级 较大", "III Relatively serious"), 4: ("Ⅳ级 一般", "IV General")}
ROLE_NAMES = {"resident": "居民", "grid_worker": "网格员", "dept_staff": "部门人员", "supervisor": "指挥中心",
              "admin": "管理员"}


def lang() -> str:
    """The visitor's language: Chinese unless they switched."""
    value = session.get("lang")
    return value if value in LANGS else "zh"


def gettext(text: str, **values) -> str:
    """The text in the visitor's language, with ``{name}`` placeholders filled in."""
    if lang() == "zh":
        text = ZH.get(text, text)
    return text.format(**values) if values else text


def status_name(status: str | None) -> str:
    """A case status in the visitor's language."""
    if not status:
        return "—"
    if lang() == "zh":
        try:
            return STATUS_ZH[CaseStatus(status)]
        except ValueError:
            return status
    return status.replace("_", " ")


def severity_name(level: int | None) -> str:
    """A severity level (1 most serious)."""
    if level not in SEVERITY:
        return "—"
    return SEVERITY[level][0 if lang() == "zh" else 1]


def role_name(role: str) -> str:
    """A role in the visitor's language."""
    return ROLE_NAMES.get(role, role) if lang() == "zh" else role.replace("_", " ")


def local_name(row) -> str:
    """A category, department or area name: ``name`` in Chinese, ``name_en`` (when set) in English."""
    if row is None:
        return "—"
    if lang() == "en" and getattr(row, "name_en", None):
        return row.name_en
    return row.name


# Notes the system writes on case events (the English is the catalogue key); people's notes are shown as written.
_SYSTEM_NOTES = ((re.compile(r"from report (?P<report>\d+)"), "from report {report}"),
                 (re.compile(r"report (?P<report>\d+) reports the same hazard"), "report {report} reports the same hazard"),
                 (re.compile(r"(?P<count>\d+) reports of the same hazard joined, report (?P<first>\d+) to report "
                             r"(?P<last>\d+)"), "{count} reports of the same hazard joined, report {first} to report {last}"),
                 (re.compile(r"(?P<people>\d+) people report it: level (?P<old>\d) -> (?P<new>\d)"),
                  "{people} people report it: level {old} → {new}"))
AUDIT_PREFIX = "audit:"


def event_note(note: str | None) -> str | None:
    """A case event's note: a system note in the visitor's language, a person's note as written."""
    if not note:
        return note
    for pattern, key in _SYSTEM_NOTES:
        found = pattern.fullmatch(note)
        if found:
            values = found.groupdict()
            if "old" in values:
                values = {**values, "old": severity_name(int(values["old"])), "new": severity_name(int(values["new"]))}
            return gettext(key, **values)
    return ZH.get(note, note) if lang() == "zh" else note


def word(value):
    """A recorded value (a decision, a reason code) in words; numbers and people's text as they are."""
    return gettext(value) if isinstance(value, str) and value in ZH else value


def department_name(code: str | None) -> str:
    """A department's name from its code."""
    if not code:
        return "—"
    names = g.get("admin_department_names")
    if names is None:
        names = g.admin_department_names = {d.code: d for d in db.session.execute(db.select(Department)).scalars()}
    return local_name(names[code]) if code in names else code


def channel_name(channel: str | None) -> str:
    """Where a report came from, in words."""
    return _channel_name(channel, lang())


def audit_action(action: str) -> str:
    """An audit log action code in words."""
    key = AUDIT_PREFIX + action
    return ZH.get(key, action) if lang() == "zh" else action.replace("_", " ").replace(".", ": ")
