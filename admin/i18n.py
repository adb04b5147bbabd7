"""Simplified Chinese first, English on request: a small catalogue keyed by the English text."""
from flask import session

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
