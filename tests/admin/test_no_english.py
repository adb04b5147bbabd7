"""No English for a Chinese-speaking user: every admin page (as supervisor, department staff and admin, on the demo
city with cases in every status) shows only Chinese, numbers and an allowed list of names and codes."""
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from server.errors import DomainError
from server.extensions import db
from server.models import Case

from .browser import demo_copy
from .conftest import ADMIN, DEPT, SUPERVISOR, XSS_TEXT, sign_in

# Product and standard names, units and formats a Chinese page may show as they are.
ALLOWED = {"english", "excel", "ip", "gridwatch", "api", "csv", "xlsx", "geojson", "json", "open311", "whisper", "hdbscan", "url", "id",
           "gw", "km", "m", "h", "kb", "mb", "min", "s", "xml", "https", "http", "webhook", "tf", "idf", "ari",
           "jpeg", "png", "webp", "sms", "app", "iso", "utc", "gps", "osm", "rq", "redis", "sqlite", "postgresql",
           # the keywords of the areas import's file format (GeoJSON), which an admin must write as they are
           "featurecollection", "polygon", "multipolygon", "wgs", "code", "name", "en", "level", "parent", "district",
           "street", "community", "grid"}
SKIPPED_TAGS = {"script", "style", "code", "kbd", "samp", "svg", "template"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]+")
CODE = re.compile(r"GW\d+|[A-Za-z]+\d+")  # case numbers (GW2026...), products with numbers (Open311)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # {address} in a reply template's text
TYPED = set(WORD.findall(XSS_TEXT))  # what the fixture's resident typed (shown as typed, escaped)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a person reads: element text, button labels, placeholders and titles; not scripts, not elements
    marked ``translate="no"`` (identifiers: usernames, codes, addresses as typed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in SKIPPED_TAGS or attrs.get("translate") == "no" or "hidden" in attrs
        if not hidden and not self._hidden():
            self.parts += [attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data.strip())


def english_words(html: str) -> set[str]:
    """English words of the visible text outside the allowed list."""
    parser = VisibleText()
    parser.feed(html)
    words = {w for part in parser.parts for w in WORD.findall(PLACEHOLDER.sub(" ", part))}
    return {w for w in words - TYPED if w.lower().strip("'’") not in ALLOWED and not CODE.fullmatch(w)}


FEEDBACK = {"measures": "到场排查并设置围挡", "result": "隐患已消除", "public_reply": "您反映的问题已处置。"}
# The steps (who acts, the action, its fields) that bring a dispatched case to each status.
PATHS = {
    "accepted": [("lead", "sign", {})],
    "returned": [("lead", "send_back", {"reason": "不属于本单位职责"})],
    "in_progress": [("lead", "sign", {}), ("lead", "start", {})],
    "extension_requested": [("lead", "sign", {}), ("lead", "start", {}),
                            ("lead", "extend_request", {"days": 3, "reason": "需采购材料"})],
    "feedback_submitted": [("lead", "sign", {}), ("lead", "start", {}), ("lead", "feedback", FEEDBACK)],
    "closed": [("lead", "sign", {}), ("lead", "start", {}), ("lead", "feedback", FEEDBACK),
               ("verifier", "verify", {"passed": True, "note": "现场核查，已处置到位"}),
               ("command01", "close", {"note": "办结"})],
    "reopened": [("lead", "sign", {}), ("lead", "start", {}), ("lead", "feedback", FEEDBACK),
                 ("command01", "reopen", {"reason": "现场仍有隐患"})],
    "escalated": [("command01", "escalate", {"note": "督办"})],
    "merged": [("command01", "merge", {"into": None})],
}


def bring_cases_to_every_status(app) -> None:
    """Take dispatched demo cases through the case service until every status has one (one rated when closed)."""
    from server.cases.service import rate_report
    from server.models import Report
    with app.app_context():
        pool = list(db.session.execute(db.select(Case).where(Case.status == "dispatched").order_by(Case.id.desc()))
                    .scalars())
        target = pool.pop()
        for status, steps in PATHS.items():
            while True:  # a case whose grid has a worker cannot have its verification waived: take the next
                case = pool.pop()
                try:
                    _take(case, steps, target.id)
                    break
                except (DomainError, IndexError):  # IndexError: nobody to verify (a supervisor then would)
                    db.session.rollback()
            assert case.status == status
            if status == "closed":
                report = db.session.get(Report, case.origin_report_id)
                rate_report(report, report.reporter, "dissatisfied", "问题没有彻底解决。")
        db.session.remove()


def _take(case, steps, other_case_id: int) -> None:
    from server.accounts.service import find_user
    from server.cases.service import Context, apply_action
    from server.cases.verification import case_grid, verifiers
    from server.media.uploads import Upload
    from .. import media_fixtures as mf
    for who, action, fields in steps:
        uploads = []
        if who == "lead":
            user = find_user(next(r.department.code for r in case.departments if r.role == "lead").lower() + "01")
        elif who == "verifier":  # the grid worker verification falls to, with a photo taken on site
            user, uploads = verifiers(case_grid(case))[1][0], [Upload("photos", mf.jpeg_bytes())]
        else:
            user = find_user(who)
        fields = {**fields, "into": other_case_id} if action == "merge" else dict(fields)
        apply_action(case, action, Context(user, fields, uploads))


@pytest.fixture(scope="module")
def city_app(demo_city, tmp_path_factory):
    """The demo city with a case in every status."""
    with demo_copy(demo_city, tmp_path_factory.mktemp("no-english")) as app:
        bring_cases_to_every_status(app)
        yield app


SKIP = re.compile(r"/admin/(media|cases/\d+/files|exports/|metrics/export|map/.*\.json|logout)")


def _key(url: str) -> str:
    """Pages that differ only in an id or the page number are the same page for this test."""
    parts = urlsplit(url)
    query = "&".join(sorted(p for p in parts.query.split("&") if p and not p.startswith(("page=", "sort="))))
    return re.sub(r"/[^/]*\d[^/]*", "/N", parts.path) + ("?" + query if query else "")


def walk(client, start: list[str]) -> dict[str, set[str]]:
    """Every admin page reachable by links from ``start`` (one per kind), with its English words."""
    todo, seen, found = list(start), set(), {}
    while todo:
        url = todo.pop(0)
        key = url if url in start else _key(url)
        if key in seen or SKIP.search(url):
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        page = response.get_data(as_text=True)
        words = english_words(page)
        if words:
            found[url] = words
        todo += [href for href in re.findall(r'href="(/admin[^"#]*)"', page.replace("&amp;", "&"))]
    return found


def _case_per_status(app) -> list[str]:
    with app.app_context():
        rows = db.session.execute(db.select(Case.status, db.func.min(Case.id)).group_by(Case.status)).all()
    return [f"/admin/cases/{case_id}" for _, case_id in rows]


def test_the_city_has_cases_in_every_status(city_app):
    with city_app.app_context():
        statuses = set(db.session.execute(db.select(Case.status).distinct()).scalars())
    assert statuses == {"received", "dispatched", *PATHS}


@pytest.mark.parametrize("username", [SUPERVISOR, DEPT, ADMIN])
def test_no_admin_page_shows_english_to_a_chinese_reader(city_app, username):
    client = city_app.test_client()
    assert sign_in(client, username).status_code == 302
    found = walk(client, ["/admin/", *_case_per_status(city_app)])
    assert not found, "\n".join(f"{url}: {sorted(words)}" for url, words in found.items())


def test_the_english_switch_still_shows_english(city_app):
    client = city_app.test_client()
    sign_in(client, SUPERVISOR)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/admin/").get_data(as_text=True)
    assert {"Overview", "Cases"} <= english_words(page)


@pytest.mark.parametrize("what", ["cases", "reports"])
def test_exports_are_headed_in_chinese_and_in_english_when_asked(city_app, what):
    client = city_app.test_client()
    sign_in(client, SUPERVISOR)
    header = client.get(f"/admin/exports/{what}.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert not english_words(header.replace(",", " ")), header
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get(f"/admin/exports/{what}.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert "Address" in english and "地址" not in english
