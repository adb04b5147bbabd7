"""Follow-ups ("味道比刚才还大", "井盖还没补") join the incident under way that they ask about, though they name no place."""

import numpy as np

from nlp.hotspots import followups
from tests.nlp.test_hotspot_crowded import gas, groups, main_hotspot, reports

MANHOLE = ["青松路口井盖没了，一个大洞", "青松路那个井盖丢了，晚上很危险", "青松路公交站旁边井盖缺失",
           "青松路井盖被偷了，有人差点踩空", "青松路下水道盖不见了", "青松路口窨井没有盖子"]


def test_short_questions_about_something_known_read_as_follow_ups():
    for text in ["抢修车来了没有啊", "味道比刚才还大", "井盖还没补！", "今晚又开始了", "狗还在？", "水到现在还没退"]:
        assert followups.is_follow_up(text), text
    for text in ["红枫苑3栋燃气味很重", "青松路口井盖没了", "", None,
                 "红枫苑小区3栋楼道里燃气味很重，已经持续半个小时了，物业还没有人来处理，请燃气公司赶快派人来看看"]:
        assert not followups.is_follow_up(text), text


def test_a_follow_up_naming_no_place_joins_the_incident_it_asks_about():
    docs = reports("a", gas("红枫苑"), None) + reports("f", ["味道比刚才还大", "燃气公司的人还没到"], None, start=130)
    found = groups(docs)
    a, na, _ = main_hotspot(found, "a", docs)
    assert a and na >= 5
    assert found.get("f0") == a and found.get("f1") == a


def test_of_two_incidents_under_way_a_follow_up_joins_the_one_it_shares_words_with():
    docs = (reports("a", gas("红枫苑"), None) + reports("m", MANHOLE, None, start=10)
            + reports("f", ["井盖还没补", "味道越来越重了"], None, start=140))
    found = groups(docs)
    a, _, _ = main_hotspot(found, "a", docs)
    m, _, _ = main_hotspot(found, "m", docs)
    assert a and m and a != m
    assert found.get("f0") == m and found.get("f1") == a


def test_a_follow_up_long_after_the_incident_or_with_a_position_is_left_to_the_clustering():
    late = reports("a", gas("红枫苑"), None) + reports("f", ["味道比刚才还大"], None, start=60 * 24 * 3)
    assert groups(late).get("f0") is None
    placed = reports("a", gas("红枫苑"), None) + reports("f", ["味道比刚才还大"], (30.70, 114.10), start=130)
    assert groups(placed).get("f0") is None


def test_attach_needs_the_incident_under_way_and_something_in_common():
    labels = np.array([0, 0, 0, 1, 1, 1, -1, -1, -1])
    hours = np.array([0.0, 1, 2, 0, 1, 2, 3, 3, 100])
    prob = np.full((9, 9), 0.1)
    prob[6, 3:6] = 0.2  # the first follow-up matches cluster 1 better, but shares nothing with it
    words = [{"燃气"}] * 3 + [{"井盖"}] * 3 + [{"燃气"}, {"物业费"}, {"燃气"}]
    out = followups.attach(prob, labels, np.ones(9, dtype=bool), hours, words, np.zeros(9, dtype=np.int64))
    assert out.tolist() == [0, 0, 0, 1, 1, 1, 0, -1, -1]
    assert followups.attach(prob, labels, np.zeros(9, dtype=bool), hours, words,
                            np.zeros(9, dtype=np.int64)).tolist() == labels.tolist()
