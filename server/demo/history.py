"""Replaying the demo city's past (stories.py) through the real intake, pipeline and case service, each step at
the time it happened (``clock_at``): every event is hash-chained as it would have been, and the escalation sweep
runs as the scheduler would have run it."""
import heapq
import io
import itertools
import logging
import random
import uuid
from datetime import datetime, timedelta

from PIL import Image

from server.accounts.service import find_user
from server.cases.escalation import escalate_overdue
from server.cases.log import lock_case
from server.cases.service import Context, apply_action, rate_report
from server.demo.data import load
from server.demo.media import demo_photo
from server.demo.stories import HISTORY_DAYS, SEND_BACK_REASONS, Story, plan
from server.extensions import db
from server.models import Area, Case, Notification, Report, User
from server.models.types import clock_at, utcnow
from server.pipeline.jobs import process_report
from server.media.uploads import Upload
from server.reports.intake import accept_report
from triage.taxonomy import load_default

log = logging.getLogger(__name__)
HISTORY_NAMESPACE = uuid.UUID("0b7c3f5e-9a51-4d2c-8e61-7d2f4a9c1e90")
SWEEP_EVERY = timedelta(hours=4)
READ_AFTER = timedelta(days=2)  # notices older than this were read by the time the demo starts
LATE = {"resolve_late": (3, 30), "stalled": (5 * 24, 20 * 24)}  # hours after the resolve-by deadline
MEASURES = ["到场排查，设置警示围挡，组织专业人员处置", "联系产权单位现场整改，拍照留存", "依法责令整改并复查到位",
            "组织抢修，恢复正常", "清理现场并加强巡查"]
RESULTS = ["隐患已消除", "已整改到位，复查无异常", "已处置完毕，纳入日常巡查"]
COMMENTS = {"satisfied": "处理很及时，谢谢！", "basically_satisfied": "处理了，就是慢了点。",
            "dissatisfied": "问题没有彻底解决。"}


def _small(jpeg: bytes) -> bytes:
    """A verification photo at phone-thumbnail size (stored like any other)."""
    image = Image.open(io.BytesIO(jpeg))
    image.thumbnail((320, 240))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()


def client_uuid(story: Story) -> str:
    """The report's phone-made id: the same story has the same id on every run (idempotent)."""
    return str(uuid.uuid5(HISTORY_NAMESPACE, f"demo-history-{story.index}"))


class Replay:
    """Steps of every story in time order (a queue of (when, step)); nothing later than now happens."""

    def __init__(self, now: datetime, accounts: list[dict]):
        """Know who acts: staff by department, supervisors, grid workers by grid."""
        self.now = now
        self.ids = {u["username"]: find_user(u["username"]).id for u in accounts if u["role"] != "admin"}
        self.staff: dict[str, str] = {}
        for u in accounts:
            if u["role"] == "dept_staff":
                self.staff.setdefault(u["department"], u["username"])
        self.supervisors = [u["username"] for u in accounts if u["role"] == "supervisor"]
        codes = {a.id: a.code for a in db.session.execute(db.select(Area)).scalars()}
        workers = {u["grid"]: u["username"] for u in accounts if u["role"] == "grid_worker"}
        self.worker_of_grid = {area_id: workers[code] for area_id, code in codes.items() if code in workers}
        self.leads = {s.code: s.lead for s in load_default().subcategories}
        self.photos = [_small(demo_photo("generic", i)) for i in range(4)]
        self.queue: list = []
        self.order = itertools.count()
        self.state: dict[int, dict] = {}
        self.failed: list[tuple[int, str, str]] = []
        self.last_sweep: datetime | None = None

    # --- the machinery --------------------------------------------------------------------------------------

    def at(self, when: datetime, step, story: Story, *args) -> None:
        """Do step for story at when, unless that is after now (the story stops there: the case stays open)."""
        if when <= self.now:
            heapq.heappush(self.queue, (when, next(self.order), step.__name__, story, args))

    def run(self, stories: list[Story]) -> None:
        """Every step in time order, the escalation sweep between them (every 4 hours at most), one last now."""
        for story in stories:
            self.at(story.reported_at, self.report, story)
        while self.queue:
            when, _, name, story, args = heapq.heappop(self.queue)
            if self.last_sweep is None or when - self.last_sweep >= SWEEP_EVERY:
                with clock_at(when):
                    escalate_overdue()
                self.last_sweep = when
            try:
                with clock_at(when):
                    getattr(self, name)(when, story, *args)
            except Exception as exc:  # a step the case's state no longer allows: that story stops here
                db.session.rollback()
                log.warning("demo history: story %s, %s failed: %s", story.index, name, exc)
                self.failed.append((story.index, name, str(exc)))
        with clock_at(self.now):
            escalate_overdue()

    def _rng(self, story: Story, step: str) -> random.Random:
        return random.Random(f"{story.index}-{step}-{self.state.get(story.index, {}).get('round', 0)}")

    def _later(self, story: Story, step: str, when: datetime, low_h: float, high_h: float) -> datetime:
        return when + timedelta(hours=self._rng(story, step).uniform(low_h, high_h))

    def _case(self, story: Story) -> Case:
        """The story's case, locked as the API's actions lock it (without loading its history)."""
        return lock_case(self.state[story.index]["case"])

    def _act(self, story: Story, action: str, username: str | None, fields: dict, uploads=(),
             case: Case | None = None) -> Case:
        """The user takes the action on the story's case through the case service (which commits)."""
        case = case or self._case(story)
        user = db.session.get(User, self.ids[username]) if username else None
        apply_action(case, action, Context(user, dict(fields), list(uploads)))
        return case

    def _lead_acts(self, story: Story, action: str, fields: dict) -> Case:
        """The lead department's staff take the action."""
        case = self._case(story)
        return self._act(story, action, self.staff[self._lead(case)], fields, case=case)

    def _lead(self, case: Case) -> str:
        return next(r.department.code for r in case.departments if r.role == "lead")

    # --- the steps, in the order a case meets them ------------------------------------------------------------

    def report(self, when: datetime, story: Story) -> None:
        """The resident (or the grid worker on patrol) reports the hazard."""
        user = db.session.get(User, self.ids[story.reporter])
        fields = {"client_uuid": client_uuid(story), "text": story.text, "lat": story.lat, "lon": story.lon,
                  "address": None, "occurred_at": when - timedelta(minutes=30), "anonymous": False,
                  "channel": story.channel, "category_hint": story.category if story.index % 2 else None}
        report, _ = accept_report(user, fields, [], None, check_channel=False)
        db.session.commit()
        self.state[story.index] = {"report": report.id, "round": 0}
        self.at(self._later(story, "process", when, 0.02, 0.05), self.process, story)

    def process(self, when: datetime, story: Story) -> None:
        """The pipeline classifies, grades and routes it (or leaves it to a supervisor)."""
        report_id = self.state[story.index]["report"]
        process_report(report_id)
        report = db.session.get(Report, report_id)
        case = db.session.get(Case, report.case_id) if report.case_id else None
        if case is None or case.origin_report_id != report.id:
            return  # it joined an open case of the same hazard: that case's story goes on
        self.state[story.index]["case"] = case.id
        if case.needs_manual_dispatch:
            self.at(self._later(story, "dispatch", when, 0.2, 0.7), self.dispatch, story)
        else:
            self._dispatched(story, case)

    def dispatch(self, when: datetime, story: Story) -> None:
        """A supervisor dispatches by hand what the machine was unsure of."""
        lead = self.leads[story.category] if story.kind == "send_back" else story.department
        case = self._act(story, "dispatch", self._supervisor(story),
                         {"lead": lead, "assist": [], "category": story.category, "note": "人工派单"})
        self._dispatched(story, case)

    def _dispatched(self, story: Story, case: Case) -> None:
        start, sign_by = case.dispatched_at, case.sign_by
        state = self.state[story.index]
        if story.kind in ("send_back", "send_back_upheld") and not state.get("sent_back"):
            self.at(start + (sign_by - start) * story.fraction(0), self.send_back, story)
        elif story.kind == "sign_late":
            self.at(self._later(story, "sign", sign_by, 1, 5), self.sign, story)
        else:
            self.at(start + (sign_by - start) * story.fraction(1), self.sign, story)

    def send_back(self, when: datetime, story: Story) -> None:
        """The lead department sends the case back (退单) with a reason."""
        reason = SEND_BACK_REASONS.get(story.department, "该事项不属于本单位职责范围，请核实后改派。")
        self._lead_acts(story, "send_back", {"reason": reason})
        self.state[story.index]["sent_back"] = True
        self.at(self._later(story, "rule", when, 0.5, 2), self.rule_send_back, story)

    def rule_send_back(self, when: datetime, story: Story) -> None:
        """A supervisor re-dispatches it to the right department, or upholds the dispatch."""
        case = self._case(story)
        if story.kind == "send_back":
            fields = {"decision": "redispatch", "lead": story.department, "assist": [self._lead(case)],
                      "note": "改派至职责单位"}
        else:
            fields = {"decision": "uphold", "note": "职责清单明确，由原单位办理"}
        self._dispatched(story, self._act(story, "rule_send_back", self._supervisor(story), fields, case=case))

    def sign(self, when: datetime, story: Story) -> None:
        """The lead department signs for the case (签收); the assisting units sign after it."""
        case = self._lead_acts(story, "sign", {"note": "已签收"})
        for row in case.departments:
            if row.role == "assist" and row.signed_at is None and row.department.code in self.staff:
                code = row.department.code
                self.at(self._later(story, f"assist-{code}", when, 0.1, 2.5), self.assist, story, code)
        self.at(self._later(story, "start", when, 0.2, 2), self.start, story)

    def start(self, when: datetime, story: Story) -> None:
        """The lead department starts handling it."""
        case = self._lead_acts(story, "start", {})
        if story.kind == "extension" and not self.state[story.index].get("extended"):
            self.at(when + (case.resolve_by - when) * story.fraction(2) * 0.5, self.extend_request, story)
        else:
            self._feedback_later(story, case, when)

    def _feedback_later(self, story: Story, case: Case, when: datetime) -> None:
        if story.fast:
            self.at(self._later(story, "feedback", when, 2, 6), self.feedback, story)
        elif story.kind in LATE and not self.state[story.index].get("late"):
            self.state[story.index]["late"] = True
            self.at(self._later(story, "feedback", case.resolve_by, *LATE[story.kind]), self.feedback, story)
        else:
            self.at(when + (case.resolve_by - when) * story.fraction(3), self.feedback, story)

    def extend_request(self, when: datetime, story: Story) -> None:
        """The lead department asks for more days before the deadline (延期)."""
        self._lead_acts(story, "extend_request", {"days": 3, "reason": "需协调产权单位并采购材料，申请延期3个工作日"})
        self.state[story.index]["extended"] = True
        self.at(self._later(story, "decide", when, 1, 4), self.extend_decide, story)

    def extend_decide(self, when: datetime, story: Story) -> None:
        """A supervisor approves the extension."""
        case = self._act(story, "extend_decide", self._supervisor(story), {"approve": True, "note": "同意延期"})
        self._feedback_later(story, case, when)

    def feedback(self, when: datetime, story: Story) -> None:
        """The lead department files what it did (处置反馈); a supervisor or the grid worker checks it next."""
        rng = self._rng(story, "measures")
        case = self._lead_acts(story, "feedback", {
            "measures": rng.choice(MEASURES), "result": rng.choice(RESULTS), "personnel": f"{rng.randint(2, 6)}人",
            "public_reply": "您反映的问题已处置，感谢您的监督。"})
        state = self.state[story.index]
        if story.kind == "review_reopen" and not state.get("reviewed"):
            state["reviewed"] = True
            self.at(self._later(story, "review", when, 1, 4), self.reopen, story)
        elif self._worker(case):
            self.at(self._later(story, "verify", when, *((0.3, 1.5) if story.fast else (1, 8))), self.verify, story)
        else:
            self.at(self._later(story, "close", when, 0.5, 4), self.close, story)

    def reopen(self, when: datetime, story: Story) -> None:
        """A supervisor rejects the feedback: the case is handled again."""
        case = self._act(story, "reopen", self._supervisor(story), {"reason": "现场复核仍有隐患，处置不彻底"})
        self.state[story.index]["round"] += 1
        self.at(self._later(story, "feedback", when, 6, min(48.0, (case.resolve_by - when).total_seconds() / 7200)),
                self.feedback, story)

    def verify(self, when: datetime, story: Story) -> None:
        """The grid worker checks the fix on site, with a photo (核查)."""
        case = self._case(story)
        photo = self.photos[story.index % len(self.photos)]
        self._act(story, "verify", self._worker(case), {"passed": True, "note": "现场核查，已处置到位"},
                  [Upload("photos", photo)], case=case)
        self.at(self._later(story, "close", when, 0.2, 3), self.close, story)

    def close(self, when: datetime, story: Story) -> None:
        """A supervisor closes the case (办结); the reporter rates it later."""
        self._act(story, "close", self._supervisor(story), {"note": "办结"})
        state = self.state[story.index]
        if story.rating and story.channel == "app" and not state.get("rated"):
            self.at(self._later(story, "rate", when, *((0.5, 3) if story.fast else (2, 48))), self.rate, story)

    def rate(self, when: datetime, story: Story) -> None:
        """The reporter rates the handling (回访)."""
        report = db.session.get(Report, self.state[story.index]["report"])
        user = db.session.get(User, self.ids[story.reporter])
        rate_report(report, user, story.rating, COMMENTS[story.rating])
        self.state[story.index]["rated"] = True
        if story.rating == "dissatisfied":
            self.at(self._later(story, "ruling", when, 2, 24), self.rule_rating, story)

    def rule_rating(self, when: datetime, story: Story) -> None:
        """A supervisor rules on a dissatisfied rating: reopen the case, or uphold the closing."""
        fields = {"decision": story.ruling, "note": "回访不满意，复核后裁定"}
        if story.ruling == "reopen":
            fields["reason"] = "报告人不满意，复核确认仍有问题"
        case = self._act(story, "rule_rating", self._supervisor(story), fields)
        if story.ruling == "reopen":
            self.state[story.index]["round"] += 1
            self.at(self._later(story, "feedback", when, 6, min(48.0, (case.resolve_by - when).total_seconds() /
                                                               7200)), self.feedback, story)

    def assist(self, when: datetime, story: Story, department: str) -> None:
        """An assisting unit signs for its part (协办签收)."""
        self._act(story, "sign", self.staff[department], {"note": "协办单位已签收"})

    # --- who --------------------------------------------------------------------------------------------------

    def _supervisor(self, story: Story) -> str:
        return self.supervisors[story.index % len(self.supervisors)]

    def _worker(self, case: Case) -> str | None:
        report = db.session.get(Report, case.origin_report_id)
        return self.worker_of_grid.get(report.grid_id) if report is not None and report.grid_id else None


def replay_history(accounts: list[dict], now: datetime | None = None, days: int = HISTORY_DAYS) -> dict:
    """Write the demo city's past days (the stories not written yet); returns what was done."""
    now = now or utcnow()
    workers = {u["grid"]: u["username"] for u in accounts if u["role"] == "grid_worker"}
    grids = [a for a in load("areas") if a["code"] in workers]
    residents = [u["username"] for u in accounts if u["role"] == "resident"]
    departments = [d["code"] for d in load("departments")]
    stories = plan(now, grids, residents, workers, departments, days)
    ids = [client_uuid(s) for s in stories]
    done = set(db.session.execute(db.select(Report.client_uuid).where(Report.client_uuid.in_(ids))).scalars())
    todo = [s for s in stories if client_uuid(s) not in done]
    replay = Replay(now, accounts)
    replay.run(todo)
    if todo:  # people have read their notices of past days, an hour after each came
        for notice in db.session.execute(db.select(Notification).where(
                Notification.read_at.is_(None), Notification.created_at < now - READ_AFTER)).scalars():
            notice.read_at = notice.created_at + timedelta(hours=1)
        db.session.commit()
    return {"stories": len(todo), "failed": replay.failed}
