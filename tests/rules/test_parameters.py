"""The parameters are the policy's own words and numbers, and none is left out."""

from __future__ import annotations

import re

import pytest

from rules.items import REGISTRY
from rules.params import load_items, load_provisions
from tests.rules.policy_text import articles, cn_number, policy_text

ITEMS = load_items()
ALL_PARAMS = [(item.item, p) for item in ITEMS.values()
              for p in [*item.parameters.values(), *item.notes.values()]]


def test_every_article_is_parsed():
    assert sorted(articles()) == list(range(1, 21))


def test_every_registered_item_has_a_parameter_file_and_back():
    assert set(REGISTRY) == set(ITEMS)
    assert len(ITEMS) == 32


@pytest.mark.parametrize(("item", "param"), ALL_PARAMS, ids=[f"{i}:{p.path}" for i, p in ALL_PARAMS])
def test_reference_is_verbatim_in_its_article(item, param):
    assert param.reference in policy_text()
    assert param.clause == ITEMS[item].clause
    assert param.reference in articles()[param.clause][1], f"{item}.{param.path} cites another article"
    assert param.description and param.reference.endswith(("。", "；"))


@pytest.mark.parametrize("item", ITEMS.values(), ids=list(ITEMS))
def test_item_file_metadata(item):
    assert item.title == articles()[item.clause][0]
    assert item.keywords and all(isinstance(k, str) and k for k in item.keywords)
    for param in item.parameters.values():
        if param.unit == "元" and not param.unspecified and not param.brackets:
            assert type(param.value) is int and param.value >= 0
        if param.unspecified:
            assert param.value is None and param.text in param.reference
    assert (item.max_years is not None) == item.yearly


def test_unspecified_values_recorded_with_the_policy_words():
    words = {p.text for _, p in ALL_PARAMS if p.unspecified}
    assert {"一定比例", "按增速分档", "一事一议", "按其上年度数据服务营业收入情况",
            "一定标准", "一定条件"} <= words


def test_milestones_are_brackets():
    brackets = ITEMS["revenue_milestone"]["milestones"].brackets
    assert [(b.threshold, b.amount) for b in brackets] == [
        (50_000_000, 1_500_000), (100_000_000, 3_000_000), (500_000_000, 5_000_000),
        (1_000_000_000, 10_000_000), (2_000_000_000, 20_000_000)]


def test_provisions_quote_the_articles():
    provisions = load_provisions()
    assert sorted(provisions) == [8, 18, 19, 20]
    for clause, provision in provisions.items():
        title, body = articles()[clause]
        assert provision.title == title and provision.text == body
        assert all(point["quote"] in body for point in provision.points)
    assert "深圳市光明区工业和信息化局" in provisions[20].text
    assert any("****年*月*日" in note for note in provisions[20].unspecified)


# -- coverage: every amount, percentage, area and duration of the policy is data --
_MONEY = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?元")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_AREA = re.compile(r"(\d+(?:\.\d+)?)(万)?平方米")
_YEARS = re.compile(r"(?<![\d*\-])(\d+|[一二三四五六七八九十]+)年")
_COUNT = re.compile(r"(\d+)个")
_SCALE = {"万": 10**4, "亿": 10**8, "": 1}


def numbers_in(text: str) -> set[tuple[str, float]]:
    """(kind, value) of every amount, percentage, area, duration and count in ``text``."""
    found = {("money", float(n) * _SCALE[s]) for n, s in _MONEY.findall(text)}
    found |= {("area", float(n) * _SCALE[s]) for n, s in _AREA.findall(text)}
    found |= {("percent", float(n)) for n in _PERCENT.findall(text)}
    found |= {("years", float(n) if n.isdigit() else float(cn_number(n))) for n in _YEARS.findall(text)}
    found |= {("count", float(n)) for n in _COUNT.findall(text)}
    return found


def data_values(clause: int) -> set[float]:
    values = set()
    for item in ITEMS.values():
        for param in item.parameters.values():
            if param.clause != clause:
                continue
            if isinstance(param.value, int) and not isinstance(param.value, bool):
                values.add(float(param.value))
            for bracket in param.brackets:
                values |= {float(bracket.threshold), float(bracket.amount)}
    return values


def test_numbers_in_text_helper():
    assert numbers_in("最高1000万元，每年1亿元，2万平方米以上，30%，连续三年，5个以上") == {
        ("money", 1e7), ("money", 1e8), ("area", 2e4), ("percent", 30.0), ("years", 3.0), ("count", 5.0)}


@pytest.mark.parametrize("clause", range(1, 21))
def test_every_number_of_the_article_is_in_the_data(clause):
    body = articles()[clause][1]
    lacking = sorted(f"{kind}={value:g}" for kind, value in numbers_in(body)
                     if value not in data_values(clause))
    assert not lacking, f"第{clause}条 numbers not in rules/parameters: {lacking}"


def test_coverage_finds_the_numbers_it_should():
    all_numbers = set().union(*(numbers_in(body) for _, body in articles().values()))
    assert ("money", 2e9) in all_numbers and ("area", 500.0) in all_numbers
    assert ("years", 3.0) in all_numbers and ("percent", 5.0) in all_numbers
