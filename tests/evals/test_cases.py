"""The evaluation cases follow the schema and cover the whole policy."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from evals.schema import CATEGORIES, CaseError, load_cases, parse_case

REPO = Path(__file__).resolve().parents[2]


def _design_item_ids() -> set[str]:
    """The rule item ids listed in docs/DESIGN.md ("### Item ids")."""
    text = (REPO / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    section = text.split("### Item ids", 1)[1].split("###", 1)[0]
    section = section.split("Articles 8,", 1)[0]
    return set(re.findall(r"`([a-z0-9_]+)`", section))


@pytest.fixture(scope="module")
def cases():
    return load_cases()


def test_enough_cases_with_unique_ids(cases):
    assert len(cases) >= 150
    ids = Counter(c.id for c in cases)
    assert not [i for i, n in ids.items() if n > 1]


def test_categories_valid_and_all_present(cases):
    assert {c.category for c in cases} == set(CATEGORIES)


def test_every_article_and_the_preamble_is_expected_somewhere(cases):
    expected = {n for c in cases for n in c.expect.get("clauses", [])}
    assert set(range(21)) <= expected


def test_every_rule_item_is_exercised(cases):
    items = _design_item_ids()
    assert len(items) >= 30
    assert items <= {c.item for c in cases}
    assert {c.item for c in cases if c.item} <= items


def test_expected_amounts_are_int_or_null(cases):
    with_amount = [c for c in cases if "amount_yuan" in c.expect]
    assert len(with_amount) >= 100
    for case in with_amount:
        value = case.expect["amount_yuan"]
        assert value is None or (isinstance(value, int) and not isinstance(value, bool)), case.id


def test_clarify_cases_name_the_missing_fact(cases):
    for case in (c for c in cases if c.category == "clarify"):
        assert case.expect.get("missing") and case.expect.get("amount_yuan", 0) is None, case.id


def test_unspecified_cases_use_the_canonical_phrase(cases):
    for case in (c for c in cases if c.category == "unspecified"):
        assert "未明确" in case.expect.get("must_include", []), case.id


def test_huge_turn_is_expanded(cases):
    huge = [t for c in cases if c.category == "hostile" for t in c.turns if len(t) >= 10_000]
    assert huge


@pytest.mark.parametrize("raw, message", [
    ({"id": "x", "category": "nope", "turns": ["a"]}, "category"),
    ({"id": "x", "category": "rules", "turns": []}, "turns"),
    ({"id": "x", "category": "rules", "turns": ["a"], "expect": {"amount_yuan": 1.5}}, "amount_yuan"),
    ({"id": "x", "category": "rules", "turns": ["a"], "expect": {"clauses": [21]}}, "clauses"),
    ({"id": "x", "category": "rules", "turns": ["a"], "expect": {"route": "chat"}}, "route"),
    ({"id": "x", "category": "rules", "turns": ["a"], "expect": {"amount": 1}}, "unknown"),
    ({"id": "x", "category": "rules", "turns": [{"repeat": "a", "times": 10**9}]}, "repeat"),
])
def test_schema_errors_name_the_problem(raw, message):
    with pytest.raises(CaseError, match=message):
        parse_case(raw)
