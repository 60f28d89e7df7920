"""The one reader and the one writer of Chinese numerals, and the one article label."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge.lookup import parse_article_ref
from knowledge.numerals import (
    article_label,
    chinese_to_int,
    int_to_chinese,
    read_numeral,
)
from knowledge.policy import load_policy


@pytest.mark.parametrize("text, value", [
    ("十一", 11), ("二十", 20), ("一百零五", 105), ("两百", 200), ("〇", 0), ("11", 11),
    ("三千五百万", 35_000_000), ("一点五", Decimal("1.5")), ("一点五亿", 150_000_000),
    ("五千万亿", 5 * 10**15), ("十万", 100_000), ("两千两百", 2200),
])
def test_read_numeral(text, value):
    assert read_numeral(text) == value


@pytest.mark.parametrize("text", ["", "两两", "一二三", "点", "一点", "百十", "十百千", "万", "五" * 21, "abc"])
def test_what_is_no_numeral_reads_as_none(text):
    assert read_numeral(text) is None


def test_a_year_digit_by_digit_only_when_asked():
    assert read_numeral("二〇二三", by_digit=True) == 2023 and read_numeral("两零两四", by_digit=True) == 2024
    assert read_numeral("二〇二三") is None and read_numeral("二十三", by_digit=True) is None


def test_the_reader_is_the_inverse_of_the_writer_and_agrees_with_cn2an():
    import cn2an

    for n in range(1000):
        written = int_to_chinese(n)
        assert read_numeral(written) == n == chinese_to_int(written)
        assert Decimal(str(cn2an.cn2an(written, "normal"))) == n


def test_the_writer_writes_article_numbers():
    assert [int_to_chinese(n) for n in (1, 10, 11, 19, 20, 100, 105, 110)] == \
        ["一", "十", "十一", "十九", "二十", "一百", "一百零五", "一百一十"]
    with pytest.raises(ValueError):
        int_to_chinese(1000)


def test_chinese_to_int_refuses_what_is_no_whole_number():
    for text in ("百十", "四七", "一点五", "", "条"):
        with pytest.raises(ValueError):
            chinese_to_int(text)


def test_one_article_label():
    assert article_label(11) == "第（十一）条" and article_label(0) == "序言" and article_label(20) == "第（二十）条"
    policy = load_policy()
    assert all(a.label == article_label(n) for n, a in policy.articles.items())
    assert policy.preamble.label == article_label(0)


def test_article_references_read_through_the_one_reader():
    assert parse_article_ref("第（十一）条怎么申请") == 11 == parse_article_ref("第十一条")
    assert parse_article_ref("四七条") is None  # characters of numerals, but no number
