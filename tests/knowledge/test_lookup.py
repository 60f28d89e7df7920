"""Direct article references, and numbers that are not references."""

from __future__ import annotations

import pytest

from knowledge.lookup import ArticleOutOfRange, parse_article_ref


@pytest.mark.parametrize("text", [
    "第十一条", "第（十一）条", "（十一）", "第11条", "措施十一", "第11项", "第十一项", "11条",
    "第(11)条", "(十一)", "第１１条", "第 11 条", "措施11", "十一条怎么说", "请问第十一条的原文",
    "第（十一）条租金补贴怎么算",
])
def test_forms_of_eleven(text):
    assert parse_article_ref(text) == 11


@pytest.mark.parametrize(("text", "number"), [
    ("第一条", 1), ("第二十条", 20), ("第（二十）条", 20), ("第20项", 20), ("措施二", 2), ("（九）", 9),
])
def test_other_numbers(text, number):
    assert parse_article_ref(text) == number


@pytest.mark.parametrize("text", [
    "11万元", "十一个月", "我们租了800平米，房租能补多少？", "一条龙服务", "这20条措施都适用吗",
    "有三条规定", "补贴3年", "2023-2024年", "（征求意见稿）", "第二年还能领吗", "营收增长5%",
    "第一条件是什么", "措施里有几条", "每条都看", "我们有11名员工", "(2023)", "措施2023年出台",
])
def test_amounts_and_counts_are_not_references(text):
    assert parse_article_ref(text) is None


@pytest.mark.parametrize(("text", "number"), [
    ("第25条", 25), ("第0条", 0), ("第二十一条", 21), ("措施二十五", 25), ("第100项", 100),
])
def test_out_of_range(text, number):
    with pytest.raises(ArticleOutOfRange) as info:
        parse_article_ref(text)
    assert info.value.number == number and info.value.max == 20
    message = str(info.value)
    assert f"没有第{number}条" in message and "1到20" in message


def test_custom_maximum():
    assert parse_article_ref("第3条", max_article=3) == 3
    with pytest.raises(ArticleOutOfRange, match="共3条"):
        parse_article_ref("第4条", max_article=3)
