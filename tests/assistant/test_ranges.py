"""One table of value ranges: the reading checks a figure against the rule engine's ranges."""

from __future__ import annotations

import pytest

from assistant import facts
from assistant.quantities import extract_quantities
from rules.facts import RANGES


def test_the_reading_uses_the_engines_ranges():
    assert {kind: facts.RANGES[kind] for kind in RANGES} == RANGES
    assert set(facts.LIMIT_WORDS) == set(facts.RANGES)


@pytest.mark.parametrize("kind", sorted(facts.LIMIT_WORDS))
def test_the_written_highest_reads_as_the_highest(kind):
    written, _ = facts.LIMIT_WORDS[kind]
    assert extract_quantities(written)[0].value == facts.RANGES[kind][1]


@pytest.mark.parametrize("kind, value, message", [
    ("area", 0, "面积“0”不合理：面积必须大于零，请提供实际数值。"),
    ("money", -1, "金额“-1”不合理：金额不能为负数，请提供实际数值。"),
    ("percent", -101, "比例“-101”不合理：比例不能低于-100%，请提供实际数值。"),
    ("price", 100_001, "单价“100001”超出合理范围（上限10万元/平方米），请核对后重新告诉我。"),
    ("count", 1_000_001, "数量“1000001”超出合理范围（上限100万），请核对后重新告诉我。"),
])
def test_out_of_range_messages(kind, value, message):
    word = facts.LIMIT_WORDS[kind][1]
    assert facts._check_range(kind, value, str(value), word) == message


@pytest.mark.parametrize("kind, value", [("money", 0), ("percent", -100), ("years", 100), ("area", 10_000_000)])
def test_the_edges_of_a_range_pass(kind, value):
    assert facts._check_range(kind, value, str(value), "x") is None
