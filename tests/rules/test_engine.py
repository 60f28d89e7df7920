"""Engine contract: specs, results, numbers(), errors, provisions."""

from __future__ import annotations

import json
import math

import pytest

from rules import engine
from rules.errors import InvalidFact, UnknownItem, UnknownProvision
from rules.facts import FACTS

DESIGN_IDS = [
    "tech_matching", "compute_platform", "compute_purchase", "model_company_landing",
    "vertical_model", "dataset_provider", "dataset_purchase", "demo_project", "top100_landing",
    "key_software_landing", "internet_platform", "unicorn_landing", "little_giant_landing",
    "revenue_milestone", "harmony_base", "park_revenue", "software_park", "rent_subsidy",
    "scale_up", "growth_award", "key_software_recognition", "little_giant_recognition",
    "unicorn_list", "listing_database", "listed_relocation", "ipo_stages", "vc_investment",
    "loan_interest", "guarantee_fee", "core_team", "executive_team", "event"]
DESIGN_FACTS = [
    "area_m2", "park_type", "above_scale", "newly_settled", "actual_rent_yuan", "funding_yuan",
    "funding_level", "received_matching_yuan", "investment_yuan", "district_approved",
    "key_project", "compute_fee_yuan", "in_district", "case_count", "dataset_fee_yuan",
    "recognition_level", "revenue_yuan", "previous_award_yuan", "park_area_m2",
    "park_revenue_yuan", "growth_percent", "first_in_survey", "listing_stage",
    "vc_investment_yuan", "vc_registered", "interest_yuan", "guarantee_fee_yuan",
    "city_funding_yuan", "event_cost_yuan", "pre_registered"]


def test_item_ids_are_the_design_ids_in_policy_order():
    assert [spec.id for spec in engine.list_items()] == DESIGN_IDS


def test_design_fact_vocabulary_is_kept():
    assert set(DESIGN_FACTS) <= set(FACTS)


@pytest.mark.parametrize("spec", engine.list_items(), ids=DESIGN_IDS)
def test_item_spec_is_usable_by_the_assistant(spec):
    assert spec.name and spec.title and len(spec.keywords) >= 4
    for item_input in spec.inputs:
        assert item_input.name in FACTS
        assert any("\u4e00" <= ch <= "\u9fff" for ch in item_input.description)
        assert item_input.type in {"money", "area", "percent", "count", "years", "bool", "choice"}
        assert bool(item_input.choices) == (item_input.type == "choice")
    json.dumps(spec.to_dict(), ensure_ascii=False)


def test_routing_keywords_from_the_brief():
    keywords = {spec.id: set(spec.keywords) for spec in engine.list_items()}
    assert {"房租", "租金", "租了", "平米"} <= keywords["rent_subsidy"]
    assert {"利息", "贷款", "贴息"} <= keywords["loan_interest"]
    assert "算力" in keywords["compute_purchase"]


@pytest.mark.parametrize("item_id", DESIGN_IDS)
def test_every_item_computes_with_nothing_given_without_guessing(item_id):
    result = engine.compute(item_id, {})
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["citation"]["quote"] and data["citation"]["clause"] == result.clause
    if result.missing:
        assert result.eligible is None and result.amount_yuan is None
    assert result.amount_kind in {"exact", "upper_bound", "bound_only", "unspecified", "none"}


def test_get_item_and_unknown_item():
    assert engine.get_item("rent_subsidy").max_years == 3
    with pytest.raises(UnknownItem) as info:
        engine.get_item("rent")
    assert "rent_subsidy" in str(info.value) and "未知的补贴项目" in str(info.value)


def test_numbers_holds_every_number_of_the_trace():
    result = engine.compute("rent_subsidy", {"area_m2": 850.5, "park_type": "recognized"})
    numbers = result.numbers()
    assert {850.5, 30, 12, 306180, 3600000, 500, 3} <= numbers
    assert result.amount_yuan == 306180


def test_result_numbers_include_amount_and_bound():
    result = engine.compute("loan_interest", {"interest_yuan": 100000})
    assert {100000, 30, 30000, 2000000, 3} <= result.numbers()


def test_trace_steps_name_their_sources():
    result = engine.compute("loan_interest", {"interest_yuan": 100000})
    sources = {step.source for step in result.trace}
    assert {"用户提供", "第（十五）条", "计算"} <= sources


@pytest.mark.parametrize(("facts", "words"), [
    ({"area_m2": -1}, ["不能为负数"]),
    ({"area_m2": float("nan")}, ["有限"]),
    ({"area_m2": math.inf}, ["有限"]),
    ({"area_m2": [800]}, ["类型错误"]),
    ({"area_m2": 800, "actual_rent_yuan": 10**13 + 1}, ["超出合理范围"]),
    ({"area_m2": 800, "above_scale": "maybe"}, ["是/否"]),
])
def test_invalid_facts_raise_a_clear_chinese_error(facts, words):
    with pytest.raises(InvalidFact) as info:
        engine.compute("rent_subsidy", facts)
    message = str(info.value)
    assert all(word in message for word in words) and "可接受的值" in message


def test_text_values_are_read_like_typed_ones():
    typed = engine.compute("rent_subsidy", {"area_m2": 800, "above_scale": True, "park_type": "other"})
    text = engine.compute("rent_subsidy", {"area_m2": "800平方米", "above_scale": "是", "park_type": "其他"})
    assert typed.amount_yuan == text.amount_yuan == 144000


def test_provisions_are_quotable():
    provisions = engine.list_provisions()
    assert [p.clause for p in provisions] == [8, 18, 19, 20]
    effect = engine.get_provision(20).to_dict()
    assert effect["label"] == "第（二十）条" and effect["unspecified"]
    assert any(point["quote"] == "本措施由深圳市光明区工业和信息化局负责解释。" for point in effect["points"])
    with pytest.raises(UnknownProvision):
        engine.get_provision(11)
