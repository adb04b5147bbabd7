"""Checklist logic on the phone: answers, progress, what is sent, the pre-filled hazard report."""
import pytest

from mobile.gridwatch_mobile.core.checklist import HAZARD, OK, Checklist, hazard_draft

TASK = {
    "id": 7, "place": {"name": "桂花园小区", "lat": 28.23475, "lon": 112.906528, "address": "桂花园社区第一网格 桂花园小区"},
    "items": [
        {"code": "fire_exit", "text": "消防通道、安全出口畅通", "category": "accident.fire_hazard",
         "result": {"result": "ok", "note": None, "checked_at": "2026-11-20T08:00:00+00:00"}},
        {"code": "gas_smell", "text": "楼道及地下室无燃气异味", "category": "accident.gas_leak", "result": None},
        {"code": "manholes", "text": "井盖齐全完好", "category": "accident.road_facility", "result": None},
    ],
}


def test_progress_merges_the_servers_answers_with_the_phones():
    checklist = Checklist(TASK)
    assert checklist.progress() == (1, 3, 0) and not checklist.complete
    checklist.answer("gas_smell", HAZARD, report_client_uuid="2f0c8a8e-0000-4000-8000-000000000001")
    checklist.answer("manholes", OK)
    assert checklist.progress() == (3, 3, 1) and checklist.complete
    checklist.answer("fire_exit", HAZARD, note="堆放杂物")  # the phone's newer answer wins
    assert checklist.answer_of("fire_exit")["result"] == HAZARD and checklist.progress() == (3, 3, 2)


def test_unsent_answers_in_the_apis_shape():
    checklist = Checklist(TASK)
    checklist.answer("manholes", OK, checked_at="2026-11-21T09:00:00+00:00")
    assert checklist.unsent() == [{"item_code": "manholes", "result": "ok", "checked_at": "2026-11-21T09:00:00+00:00"}]


def test_bad_answers_are_refused():
    checklist = Checklist(TASK)
    with pytest.raises(ValueError):
        checklist.answer("manholes", "maybe")
    with pytest.raises(KeyError):
        checklist.answer("nope", OK)
    with pytest.raises(ValueError):
        checklist.answer("manholes", HAZARD)  # a hazard says what, or links its report


def test_a_hazard_opens_a_pre_filled_patrol_report():
    draft = hazard_draft(TASK, TASK["items"][1])
    assert draft["channel"] == "patrol" and draft["category_hint"] == "accident.gas_leak"
    assert "桂花园小区" in draft["text"] and "燃气异味" in draft["text"]
    assert (draft["lat"], draft["lon"]) == (28.23475, 112.906528)
    assert draft["patrol"] == {"task_id": 7, "item_code": "gas_smell"}
