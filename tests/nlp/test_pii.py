"""Tests for nlp.pii.mask."""

import pytest

from nlp.pii import mask


@pytest.mark.parametrize("raw, expected", [
    ("电话13812341234", "电话138****1234"),
    ("联系我 138-1234-5678 谢谢", "联系我 138****5678 谢谢"),
    ("手机+86 13912345678", "手机+86 139****5678"),
    ("身份证430102199001011234，", "身份证430102********1234，"),
    ("身份证号43010219900101123x", "身份证号430102********123x"),
    ("车牌湘A12345停在消防通道", "车牌湘A***45停在消防通道"),
    ("湘a12345", "湘A***45"),
    ("新能源车湘AD12345在飞线充电", "新能源车湘A****45在飞线充电"),
    ("湘A·12345", "湘A***45"),
    ("卡号6222021234567890123", "卡号***************0123"),
    ("卡号 6222 0212 3456 7890", "卡号 ************7890"),
])
def test_masks_personal_numbers(raw, expected):
    assert mask(raw) == expected


@pytest.mark.parametrize("text", [
    "2024年3月5日下午3点",
    "3栋2单元1201室",
    "12号楼有积水，深约30厘米",
    "损失大约12345678元",
    "订单号12345678901234567890",  # 20 digits: not a card number
    "1381234",  # too short for a phone
    "编号A12345",  # no province character
])
def test_leaves_ordinary_numbers_alone(text):
    assert mask(text) == text


def test_masks_everything_in_one_report():
    text = "我是张三，电话13812341234，身份证430102199001011234，湘A12345堵了消防通道"
    masked = mask(text)
    assert "13812341234" not in masked and "199001011234" not in masked and "A12345" not in masked
    assert "138****1234" in masked and "430102********1234" in masked and "湘A***45" in masked
    assert masked.endswith("堵了消防通道")


def test_fullwidth_digits_and_letters_are_folded_and_masked():
    assert mask("电话１３８１２３４１２３４，湘Ａ１２３４５") == "电话138****1234，湘A***45"
