"""Tests for nlp.segment.Segmenter."""

from nlp.segment import KEEP_SINGLE, Segmenter, default_segmenter, stopwords


def test_domain_terms_stay_whole():
    seg = default_segmenter()
    tokens = seg.cut("楼道里有人飞线充电，电动车把消防通道堵了，还有燃气泄漏")
    assert {"飞线充电", "电动车", "消防通道", "燃气泄漏"} <= set(tokens)
    assert "电梯困人" in seg.cut("电梯困人已经半小时了")
    assert "高空坠物" in seg.cut("外墙脱落，高空坠物砸到车")


def test_removes_stopwords_punctuation_numbers_and_most_single_chars():
    tokens = default_segmenter().cut("请尽快处理！！3栋2单元的井盖，我们发现了积水。")
    assert "井盖" in tokens and "积水" in tokens
    assert not set(tokens) & {"请", "尽快", "处理", "我们", "的", "了", "！", "，", "。", "3", "2"}
    assert all(len(t) > 1 or t in KEEP_SINGLE for t in tokens)


def test_keeps_meaningful_single_characters():
    assert "烟" in default_segmenter().cut("楼道里全是烟")
    assert default_segmenter().cut("火！") == ["火"]
    assert "楼" not in default_segmenter().cut("楼道里全是烟")


def test_normalises_before_cutting():
    assert default_segmenter().cut("煤氣洩漏") == default_segmenter().cut("煤气泄漏")
    assert default_segmenter().cut("") == []


def test_place_names_are_private_to_each_segmenter():
    text = "桃子湖北门有井盖缺失"  # no place suffix: only a dictionary entry keeps the name whole
    plain = default_segmenter()
    with_places = Segmenter(["桃子湖"])
    assert "桃子湖" in with_places.cut(text)
    assert "桃子湖" not in plain.cut(text)
    late = Segmenter()
    late.cut("初始化")
    late.add_words(["桃子湖"])
    assert "桃子湖" in late.cut(text)
    # The global jieba dictionary is untouched.
    import jieba
    assert "桃子湖" not in jieba.lcut(text)


def test_default_segmenter_is_cached():
    assert default_segmenter() is default_segmenter()


def test_shipped_data_files():
    from importlib import resources
    lines = resources.files("nlp").joinpath("data", "domain_dict.txt").read_text("utf-8").splitlines()
    entries = [line.split() for line in lines if line.strip()]
    assert len(entries) >= 150
    assert all(len(e) == 3 and e[1].isdigit() for e in entries)
    assert len({e[0] for e in entries}) == len(entries)
    assert {"燃气泄漏", "消防通道", "飞线充电", "井盖", "危化品", "山体滑坡"} <= {e[0] for e in entries}
    assert {"的", "了", "请"} <= stopwords()


def test_cut_normalised_matches_cut_on_normalised_text():
    from nlp.segment import default_segmenter
    from nlp.text import normalise
    seg = default_segmenter()
    for raw in ["小區門口燃氣洩漏了！！", "楼道里飞线充电　很危险", "井盖丢了😡 138 0000 1234"]:
        assert seg.cut_normalised(normalise(raw)) == seg.cut(raw)
