"""Tests for triage.learn and triage.features: one representation for raw, segmented and traditional text."""
import pickle

import pytest
import sklearn

from nlp.segment import default_segmenter
from triage import learn
from triage.evaluation import scores
from triage.features import Tokens, join_segmented


def raw_texts(rows):
    """Title and body of raw rows, as the CLI joins them."""
    return [f"{r['title']}\n{r['text']}" for r in rows]


def traditional(texts):
    """The texts in traditional script."""
    from opencc import OpenCC

    converter = OpenCC("s2t")
    return [converter.convert(t) for t in texts]


def labels_of(model, texts):
    """The predicted labels only."""
    return [label for label, _ in model.predict(texts)]


def test_predictions_are_labels_with_probabilities(sample_model, routing_sample):
    texts = raw_texts(routing_sample["raw"])
    predicted = sample_model.predict(texts)
    assert len(predicted) == len(texts)
    assert len(sample_model.labels) == 7
    for label, confidence in predicted:
        assert label in sample_model.labels
        assert isinstance(confidence, float) and 0.0 <= confidence <= 1.0
    assert sample_model.predict([]) == []
    with pytest.raises(TypeError):
        sample_model.predict("一条留言")


def test_top_k_is_ranked(sample_model, routing_sample):
    texts = raw_texts(routing_sample["raw"][:5])
    for ranked, (best, conf) in zip(sample_model.top_k(texts, k=3), sample_model.predict(texts)):
        assert len(ranked) == 3 and len({lab for lab, _ in ranked}) == 3
        assert ranked[0] == (best, conf)
        assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)
        assert sum(p for _, p in ranked) <= 1.0 + 1e-9
    assert len(sample_model.top_k(texts[:1], k=20)[0]) == 7


def test_raw_segmented_and_traditional_text_agree(sample_model, routing_sample):
    raw = raw_texts(routing_sample["raw"])
    segmented = [" ".join(default_segmenter().cut(t)) for t in raw]
    expected = labels_of(sample_model, raw)
    assert labels_of(sample_model, segmented) == expected
    assert labels_of(sample_model, traditional(raw)) == expected
    training_form = [r["text"] for r in routing_sample["segmented"][::10]]
    expected = labels_of(sample_model, training_form)
    assert labels_of(sample_model, [t.replace(" ", "") for t in training_form]) == expected
    assert labels_of(sample_model, traditional(training_form)) == expected


def test_raw_messages_are_mostly_right(sample_model, routing_sample):
    rows = routing_sample["raw"]
    result = scores([r["label"] for r in rows], labels_of(sample_model, raw_texts(rows)))
    assert result["macro_f1"] >= 0.75, result


def test_stop_words_the_training_text_lacks_are_learned(routing_sample):
    tokens = Tokens()
    tokens.fit([r["text"] for r in routing_sample["segmented"]])
    assert {"作为", "同时", "任何"} <= tokens.stopwords_
    assert "小区" not in tokens.stopwords_
    doc = tokens.transform(["作为小区居民，同时反映电梯故障"])[0].split()
    assert "作为" not in doc and "同时" not in doc and "小区" in doc
    assert join_segmented("A1 区 蔡锷 南路 www baidu com") == "A1区蔡锷南路www baidu com"


def test_save_and_load_round_trip(sample_model, routing_sample, tmp_path):
    path = tmp_path / "models" / "city.joblib"
    sample_model.save(path)
    loaded = learn.load(path)
    texts = raw_texts(routing_sample["raw"][:10])
    assert loaded.top_k(texts) == sample_model.top_k(texts)
    assert loaded.labels == sample_model.labels
    assert loaded.meta["n_train"] == 700
    header = learn.read_header(path)
    assert header["sklearn_version"] == sklearn.__version__
    assert header["format_version"] == learn.FORMAT_VERSION


def _rewrite_header(src, dst, **changes):
    """Copy a model file with some header fields changed."""
    with open(src, "rb") as f:
        header = pickle.load(f)
        payload = f.read()
    header.update(changes)
    with open(dst, "wb") as f:
        pickle.dump(header, f)
        f.write(payload)


def test_load_explains_what_is_wrong(sample_model, tmp_path):
    good = tmp_path / "good.joblib"
    sample_model.save(good)
    with pytest.raises(learn.ModelError, match="not found"):
        learn.load(tmp_path / "absent.joblib")
    (tmp_path / "junk.joblib").write_bytes(b"not a model at all")
    with pytest.raises(learn.ModelError, match="not a GridWatch triage model"):
        learn.load(tmp_path / "junk.joblib")
    _rewrite_header(good, tmp_path / "old.joblib", sklearn_version="0.24.2")
    with pytest.raises(learn.ModelError, match=r"scikit-learn 0\.24\.2.*retrain"):
        learn.load(tmp_path / "old.joblib")
    _rewrite_header(good, tmp_path / "future.joblib", format_version=learn.FORMAT_VERSION + 1)
    with pytest.raises(learn.ModelError, match="model format"):
        learn.load(tmp_path / "future.joblib")
    (tmp_path / "cut.joblib").write_bytes(good.read_bytes()[:5000])
    with pytest.raises(learn.ModelError, match="cannot read"):
        learn.load(tmp_path / "cut.joblib")


def test_train_checks_its_labels():
    texts = ["楼道 堆放 杂物", "路灯 不亮", "噪音 扰民"]
    with pytest.raises(ValueError, match="two different labels"):
        learn.train(texts, ["a", "a", "a"])
    with pytest.raises(ValueError, match="only one for: b"):
        learn.train(texts, ["a", "a", "b"])
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        learn.train(texts, ["a", "b"])


def test_rare_labels_lower_the_calibration_folds():
    texts = ["小区 电梯 故障 困人", "电梯 停运 维修", "电梯 异响", "学校 收费 不合理", "学生 补课 收费"]
    model = learn.train(texts, ["城建", "城建", "城建", "教育", "教育"])
    assert model.meta["params"]["calibration_folds"] == 2
    assert model.predict(["學校亂收費"])[0][0] == "教育"


def test_explain_names_words_of_the_text_that_drove_the_label(sample_model, routing_sample):
    for row in routing_sample["raw"][:8]:
        text = f"{row['title']}\n{row['text']}"
        label = sample_model.predict([text])[0][0]
        terms = sample_model.explain(text)
        assert terms and len(terms) <= 6
        assert all(term in text and len(term) > 1 and weight > 0 for term, weight in terms)
        assert [w for _, w in terms] == sorted((w for _, w in terms), reverse=True)
        assert sample_model.explain(text, label) == terms
        other = next(lab for lab in sample_model.labels if lab != label)
        assert all(term in text for term, _ in sample_model.explain(text, other))
    terms = dict(sample_model.explain("小区门口的出租车司机拒载，出租车乱收费"))
    assert "出租车" in terms
    assert sample_model.explain("") == []
    with pytest.raises(ValueError, match="unknown label"):
        sample_model.explain("出租车拒载", "no such label")


def test_the_default_configuration_is_recorded_with_the_model(sample_model):
    assert sample_model.meta["params"]["classifier"] == learn.DEFAULTS["classifier"]
    assert tuple(sample_model.meta["params"]["features"]) == tuple(learn.DEFAULTS["features"])


def test_cross_validation_groups_near_copies(routing_sample):
    from bench.triage.folds import near_copy_groups

    texts = [r["text"] for r in routing_sample["segmented"][:40]]
    retitled = ["新 标题 " + texts[3], texts[7]]  # the same complaint sent again, once under another title
    groups = near_copy_groups(texts + retitled)
    assert groups[40] == groups[3] and groups[41] == groups[7]
    assert len(set(groups)) == len(set(groups[:40])) == 40
