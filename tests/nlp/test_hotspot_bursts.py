"""A bad half hour: unrelated reports that arrive within minutes of an incident's do not join it for their time."""

import datetime as dt
import pickle

import numpy as np

from nlp.hotspots import assign, build_state, cluster, pairs
from tests.nlp.test_hotspot_crowded import T0, gas, groups, main_hotspot, reports

QUIET = ["小区门口乱停车没人管", "菜市场有人缺斤短两", "学校门口小摊卖三无零食", "小区绿化带被人种了菜", "路灯晚上不亮",
         "楼上半夜装修吵得睡不着", "共享单车堆在人行道上", "垃圾桶满了没人清", "宠物狗不拴绳乱跑", "小区健身器材坏了",
         "公园厕所没有水", "夜市摊位占道经营", "空调外机滴水到楼下", "物业不给开停车发票", "电梯广告声音太大",
         "楼道灯坏了好久", "公交车到站不停", "小区门禁卡办不了", "水费突然变高", "自来水有点黄"]
GRUMBLES = ["快递柜坏了取不了件", "楼下烧烤店油烟大", "公交站牌歪了", "广场舞音响太大声", "物业费又乱涨了"]


def quiet_day() -> list[dict]:
    """Return twenty unrelated complaints, one every two hours over two days before the burst."""
    return reports("q", QUIET, None, minutes=120, start=-120 * len(QUIET))


def bad_half_hour() -> list[dict]:
    """Return a gas leak's six reports a minute apart and five unrelated grumbles among them, all without a position."""
    return reports("a", gas("红枫苑"), None, minutes=1) + reports("x", GRUMBLES, None, minutes=1, start=0)


def test_a_busy_half_hour_has_shorter_time_units_than_the_quiet_hours():
    docs = quiet_day() + bad_half_hour()
    hours = np.array([(dt.datetime.fromisoformat(d["created_at"]) - T0).total_seconds() / 3600 for d in docs])
    base = pairs.time_scale(hours)
    units = pairs.local_scales(hours, base)
    quiet, busy = units[:len(QUIET)], units[len(QUIET):]
    alone = min(base, pairs.RATE_REF * 2 * pairs.LOCAL_HOURS)  # no other report within LOCAL_HOURS
    assert np.all(quiet[:-1] == alone)
    assert np.all(busy < alone / 5) and np.all(busy >= pairs.MIN_LOCAL_SCALE)
    assert pairs.pair_scale(quiet[:1], busy[:1])[0] == alone  # a pair takes the longer unit
    assert np.isnan(pairs.local_scales(np.array([np.nan, 0.0]), 2.0)).sum() == 0
    assert pairs.local_scales(np.array([np.nan, 0.0]), 2.0)[0] == 2.0


def test_unrelated_reports_within_minutes_of_a_gas_leak_stay_out_of_it():
    docs = quiet_day() + bad_half_hour()
    found = groups(docs)
    a, na, _ = main_hotspot(found, "a", docs)
    assert a and na >= 5
    assert [d["text"] for d in docs if d["id"].startswith("x") and found.get(d["id"]) == a] == []


def test_a_new_unrelated_report_in_the_half_hour_does_not_join_the_leak():
    docs = quiet_day() + reports("a", gas("红枫苑"), None, minutes=1) + reports("x", GRUMBLES[:4], None, minutes=1)
    clusters = cluster(docs)
    state = pickle.loads(pickle.dumps(build_state(docs, clusters)))
    leak = main_hotspot(groups(docs), "a", docs)[0]
    assert leak
    late = {"id": "late", "text": GRUMBLES[4], "created_at": (T0 + dt.timedelta(minutes=3)).isoformat()}
    smell = {"id": "smell", "text": "红枫苑5栋燃气味很重", "created_at": (T0 + dt.timedelta(minutes=3)).isoformat()}
    assert assign(late, state) != leak
    assert assign(smell, state) == leak
    old = pickle.loads(pickle.dumps(state))
    old.units = old.window_hours = None  # a state made before local units: the stream's unit, still usable
    assert assign(smell, old) == leak


def _half_hour_one_offs_in_hotspots(seeds) -> int:
    """Return how many of the bad half hour's one-off reports end in a hotspot, over generated burst sets."""
    from bench.nlp.scenes import make_set

    count = 0
    for seed in seeds:
        reports = make_set("burst", seed, "train")
        docs = [{k: r[k] for k in ("id", "text", "lat", "lon", "created_at") if k in r} for r in reports]
        found = groups(docs)
        count += sum(1 for r in reports if r.get("burst") and r["incident"] is None and r["id"] in found)
    return count


def test_local_units_keep_a_third_more_of_a_crowded_half_hours_one_offs_out(monkeypatch):
    local = _half_hour_one_offs_in_hotspots(range(1, 9))  # 28 of 240 when written
    monkeypatch.setattr(pairs, "local_scales", lambda hours, base, around=None: np.full(len(hours), float(base)))
    stream = _half_hour_one_offs_in_hotspots(range(1, 9))  # 45: every pair in the stream's unit
    assert local * 3 <= stream * 2, (local, stream)


def test_unseen_words_count_in_a_new_reports_length():
    from nlp.hotspots import textvec

    texts = gas("红枫苑")
    model, _, chars = textvec.fit([[t] for t in texts], texts)
    _, new = model.transform([["快递柜坏了取不了件"], ["红枫苑燃气味越来越浓了"]], ["快递柜坏了取不了件", "红枫苑燃气味越来越浓了"])
    norms = np.sqrt(np.asarray(new.multiply(new).sum(axis=1)).ravel())
    assert abs(norms[1] - 1.0) < 1e-5  # every term known: unit length
    assert norms[0] < 0.2  # only 了 is known, and it is one term of many
    assert float((new[0] @ chars.T).max()) < 0.05  # a row of 了 alone would read 0.1+ like every report with 了


def test_the_state_measures_time_on_the_whole_window_not_only_on_hotspot_members():
    docs = quiet_day() + reports("a", gas("红枫苑"), None, minutes=1)
    clusters = cluster(docs)
    members = [d for d in docs if any(d["id"] in c["members"] for c in clusters)]
    busy = [(T0 + dt.timedelta(minutes=m)).timestamp() / 3600 for m in range(-15, 15)]  # thirty one-offs around
    window = [dt.datetime.fromisoformat(d["created_at"]).timestamp() / 3600 for d in docs] + busy
    alone, whole = build_state(members, clusters), build_state(members, clusters, window_hours=window)
    assert whole.time_scale == pairs.time_scale(np.array(window)) != alone.time_scale  # two quiet days count
    assert np.all(whole.units < alone.units / 4)  # and so do the thirty reports around the leak
    assert len(whole.window_hours) == len(window)
