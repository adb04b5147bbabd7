"""The learned severity detectors: plain-weight scoring, when they may raise a level, their reasons, the held-aside set."""
import dataclasses
import json
import math

import numpy as np
import pytest

from triage import severity, severity_detector, severity_learn
from triage.severity import grade, judge

SERIOUS = ["三楼着火了，有人困在里面出不来", "工人掉进井里没上来，叫不应", "车撞倒了两个孩子，满头是血",
           "塌方埋了两个人，正在挖", "煤气中毒，一家三口叫不醒", "有人被电倒在地上不动了", "井下有工人被困",
           "工人被电倒了"]
ORDINARY = ["楼上装修太吵了", "物业费又涨了", "路灯坏了好几天", "垃圾没人清理，很臭", "停车位被占了",
            "广场舞音乐太响", "小区门禁坏了", "网购的东西不给退"]


def _detectors(threshold: float) -> severity_detector.Detectors:
    texts = SERIOUS + ORDINARY
    y = np.array([1] * len(SERIOUS) + [0] * len(ORDINARY))
    det = severity_learn.fit("serious", texts, y, threshold, c=10.0)
    return severity_detector.Detectors(det, severity_learn.fit("notable", texts, y, threshold, c=10.0), {})


def test_plain_scoring_matches_the_fitted_model():
    from sklearn.feature_extraction.text import TfidfVectorizer  # lazy: only this test refits the reference model
    from sklearn.linear_model import LogisticRegression  # lazy: as above

    texts = SERIOUS + ORDINARY
    y = np.array([1] * len(SERIOUS) + [0] * len(ORDINARY))
    det = severity_learn.fit("serious", texts, y, c=10.0)
    tfidf = TfidfVectorizer(analyzer=severity_learn._analyzer(3), sublinear_tf=True, min_df=2)
    model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000).fit(tfidf.fit_transform(texts), y)
    for text in ("隔壁厨房着火了，有人没出来", "楼下太吵了", "一个孩子被车撞倒"):
        want = model.predict_proba(tfidf.transform([text]))[0, 1]
        assert math.isclose(det.score(text)[0], want, rel_tol=1e-6)
    # Saved and read back, the detectors score the same.
    pair = _detectors(0.5)
    again = severity_detector.Detectors.from_json(json.loads(json.dumps(pair.to_json())))
    assert again.serious.score("有人被困") == pair.serious.score("有人被困")


def test_a_sure_detector_raises_the_level_and_names_its_words():
    rules_level, _ = grade("下水道里两个工人下去以后就没上来", None, detectors=None)
    level, reasons = grade("下水道里两个工人下去以后就没上来", None, detectors=_detectors(0.5))
    assert rules_level >= 3 and level == 2
    assert reasons[0].startswith("模型研判：") and "依据“" in reasons[0]
    assert "未见险情或伤亡证据" not in reasons


def test_the_rules_keep_drills_negations_and_history_out_of_its_reach():
    always = _detectors(0.0)  # a detector that would raise anything
    for text in ("小区明天上午消防演练，会有烟雾，有人扮演被困人员", "电动车起火，无人员伤亡，火已经灭了",
                 "楼下警示牌写着“小心触电，当心有人被电倒”", "没有闻到煤气味，也没人头晕"):
        assert grade(text, None, detectors=always) == grade(text, None, detectors=None), text


def test_detectors_never_make_level_one_nor_lower_a_level():
    always = _detectors(0.0)
    assert grade("楼上装修太吵了", None, detectors=always)[0] == 2  # the most it can give
    assert grade("化工厂爆炸，死了五个人", None, detectors=always)[0] == 1  # the rules' level I stands
    never = _detectors(1.01)
    for text in SERIOUS:
        assert grade(text, None, detectors=never) == grade(text, None, detectors=None)


def test_judge_by_default_reads_the_shipped_detectors():
    shipped = severity_detector.default()
    assert shipped is not None and "holdout4" not in shipped.meta["parts"]
    text = "早上发现隔壁邻居倒在厨房不动了"
    assert judge(text).level == severity.learned(severity.assess(text), text, shipped).level


def test_the_held_aside_set_is_never_trained_on():
    with pytest.raises(SystemExit):
        severity_learn.main(["--parts", "dev,holdout4"])
    held = {r["text"] for r in severity_learn.read(("holdout4",))}
    trained = {r["text"] for r in severity_learn.read(severity_learn.TRAIN_PARTS)}
    assert len(held) >= 150 and not held & trained


def test_the_evidence_shown_is_whole_words_not_pieces_that_straddle_two():
    """A detector's reason names words a reader knows ("汽油", "打火机"), never a piece such as "着一" that ends one
    word and starts the next, nor a bare count or a filler ("十二个", "一个")."""
    from triage.severity_text import word_edges

    shown = dataclasses.replace(severity_detector.default().serious, threshold=0.0)  # its evidence always shown
    text = severity_detector.prepare("银行门口一个男的手里拎着一桶汽油，身上已经浇湿了，拿着打火机说要点自己，旁边人都不敢动")
    prob, words = shown.score(text)
    starts, ends = word_edges(text)
    assert words, prob
    for w in words:
        at = [i for i in range(len(text)) if text.startswith(w, i)]
        assert any(i in starts and i + len(w) in ends for i in at), (w, words)
        assert w not in severity_detector.FILLERS and not w.endswith("个")


def test_below_its_threshold_a_detector_shows_no_evidence():
    shipped = severity_detector.default()
    prob, words = shipped.serious.score("楼上装修太吵了")
    assert prob < shipped.serious.threshold and words == []
    assert shipped.serious.probability("楼上装修太吵了") == prob


def test_every_labelled_report_has_its_own_id_across_all_parts():
    """Cross-validation keeps each report's detectors and judgement by id: two parts that reused ids (sev-ta-001 in
    train8a and train9a) would score one report by another's judgement and by detectors that were trained on it."""
    parts = severity_learn.TRAIN_PARTS + severity_learn.HELD_ASIDE
    ids = [r["id"] for r in severity_learn.read(parts)]
    assert len(set(ids)) == len(ids)
    from bench.triage.severity_cv import out_of_fold

    twice = severity_learn.read(("train9a",))[:10] * 2
    with pytest.raises(ValueError, match="repeat"):
        out_of_fold(twice)


def test_the_writer_folds_hold_each_blind_writer_apart_and_the_in_house_parts_together():
    from bench.triage.severity_cv import writer_groups

    pool = severity_learn.read(severity_learn.TRAIN_PARTS)
    groups = writer_groups()
    assert set(groups) == {*severity_learn.BLIND_PARTS, "in-house"}
    assert sorted(r["id"] for g in groups.values() for r in g) == sorted(r["id"] for r in pool)
    for name in severity_learn.BLIND_PARTS:
        assert [r["id"] for r in groups[name]] == [r["id"] for r in severity_learn.read((name,))]
    assert not set(severity_learn.BLIND_PARTS) & set(severity_learn.HELD_ASIDE)
    assert set(severity_learn.BLIND_PARTS) <= set(severity_learn.TRAIN_PARTS)


def test_ordinary_complaints_cap_how_many_the_notable_detector_raises():
    rows = severity_learn.read(("dev",))
    complaints = ["楼道里一股很浓的煤气味，好几户都闻到了", "燃气管道老化，楼道里一股煤气味", "家里孩子吃了学校的饭上吐下泻",
                  "工地晚上施工太吵", "物业费太贵了"] * 8
    plain = severity_learn.train(rows, folds=3)
    assert np.mean([plain.notable.probability(t) >= plain.notable.threshold for t in complaints]) > 0.5
    capped = severity_learn.train(rows, folds=3, complaints=complaints, complaint_rate=0.25)
    share = np.mean([capped.notable.probability(t) >= capped.notable.threshold for t in complaints])
    assert capped.notable.threshold > plain.notable.threshold
    assert 0 < share <= 0.25  # the most alarming fifth (the strong gas smell) is still raised
    assert capped.serious.threshold == plain.serious.threshold
    assert capped.meta["complaints"] == len(complaints)


def test_complaint_files_are_read_whole_and_segmented_text_is_joined(tmp_path):
    segmented = tmp_path / "train.csv"
    segmented.write_text("text,label\n小区 门口 井盖 没 了 A1 区,城乡建设\n", encoding="utf-8")
    board = tmp_path / "board.csv"
    board.write_text("留言主题,留言详情\n消防通道被堵,楼下 消防通道 堆满杂物\n", encoding="utf-8")
    texts = severity_learn.read_complaints([segmented, board])
    assert texts[0].startswith("小区门口井盖没了") and "a1 区" in texts[0].lower()
    assert texts[1].startswith("消防通道被堵") and texts[1].endswith("楼下消防通道堆满杂物")


def test_the_serious_detector_raises_no_report_that_names_no_one():
    eager = _detectors(0.0)  # sure of everything
    assert grade("电动车起火", None, detectors=eager)[0] == 3
    assert grade("电动车在楼道里起火", None, detectors=eager)[0] == 2
