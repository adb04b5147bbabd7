"""A patrol task's checklist on the phone: answers kept locally, merged with the server's, sent in one go."""
from datetime import datetime, timezone

OK, HAZARD = "ok", "hazard"


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


class Checklist:
    """One task's items with the server's answers overlaid by the phone's newer ones."""

    def __init__(self, task: dict, local: dict | None = None):
        self.task = task
        self.local = dict(local or {})  # item code -> {result, note, report_client_uuid, checked_at}

    @property
    def items(self) -> list[dict]:
        return self.task["items"]

    def answer_of(self, code: str) -> dict | None:
        """The phone's answer, else the server's."""
        if code in self.local:
            return self.local[code]
        for item in self.items:
            if item["code"] == code:
                return item.get("result")
        raise KeyError(code)

    def answer(self, code: str, result: str, note: str | None = None, report_client_uuid: str | None = None,
               checked_at: str | None = None) -> dict:
        """Record an answer on site."""
        if result not in (OK, HAZARD):
            raise ValueError(result)
        if code not in {i["code"] for i in self.items}:
            raise KeyError(code)
        if result == HAZARD and not (note or report_client_uuid):
            raise ValueError("a hazard needs a note or a report")
        self.local[code] = {"result": result, "note": note, "report_client_uuid": report_client_uuid,
                            "checked_at": checked_at or _now_iso()}
        return self.local[code]

    def progress(self) -> tuple[int, int, int]:
        """(answered, total, hazards)."""
        answers = [self.answer_of(i["code"]) for i in self.items]
        answered = [a for a in answers if a]
        return len(answered), len(self.items), sum(1 for a in answered if a["result"] == HAZARD)

    @property
    def complete(self) -> bool:
        answered, total, _ = self.progress()
        return answered == total

    def unsent(self) -> list[dict]:
        """The phone's answers in the API's shape (re-sending all of them is safe)."""
        return [{"item_code": code, **{k: v for k, v in a.items() if v is not None}}
                for code, a in self.local.items()]


def hazard_draft(task: dict, item: dict, note: str = "") -> dict:
    """A new report pre-filled from a checklist item found hazardous: text, category, place, channel."""
    place = task["place"]
    text = f"【巡查】{place['name']}：{item['text']}——存在隐患。"
    if note:
        text += note
    return {"text": text, "category_hint": item.get("category"), "lat": place.get("lat"), "lon": place.get("lon"),
            "address": place.get("address") or place["name"], "channel": "patrol",
            "patrol": {"task_id": task["id"], "item_code": item["code"]}}
