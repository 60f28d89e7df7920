"""match(): every item a profile may claim, with (十九) overlaps flagged."""

from __future__ import annotations

import pytest

from rules.engine import match
from rules.errors import InvalidFact


def by_item(results):
    return {result.item: result for result in results}


def test_profile_gets_the_items_it_states_facts_for():
    results = by_item(match({"area_m2": 800, "park_type": "recognized", "above_scale": True,
                             "newly_settled": True, "interest_yuan": 100000,
                             "revenue_yuan": 120_000_000}))
    assert results["rent_subsidy"].amount_yuan == 288000
    assert results["loan_interest"].amount_yuan == 30000
    assert results["revenue_milestone"].amount_yuan == 3_000_000
    assert results["growth_award"].eligible is None and results["growth_award"].bound_yuan == 10**7
    assert "top100_landing" not in results and "event" not in results


def test_ineligible_items_are_left_out():
    results = by_item(match({"area_m2": 499, "interest_yuan": 1000}))
    assert "rent_subsidy" not in results and "loan_interest" in results


def test_not_above_scale_removes_scale_bound_items():
    results = by_item(match({"area_m2": 800, "above_scale": False}))
    assert "rent_subsidy" not in results and "growth_award" not in results


def test_same_title_landing_and_recognition_are_flagged():
    results = by_item(match({"key_software": True, "newly_settled": True, "little_giant": True}))
    landing, recognition = results["key_software_landing"], results["key_software_recognition"]
    assert "key_software_recognition" in landing.overlaps
    assert "key_software_landing" in recognition.overlaps
    assert any("第（十九）条" in note and "就高不就低" in note for note in landing.notes)
    assert "little_giant_recognition" in results["little_giant_landing"].overlaps
    # two landing awards of one newly settled firm compete too
    assert "little_giant_landing" in landing.overlaps


def test_highest_of_a_group_is_named():
    results = by_item(match({"unicorn": True, "unicorn_list": "list", "newly_settled": True}))
    note = " ".join(results["unicorn_landing"].notes)
    assert "unicorn_list" in results["unicorn_landing"].overlaps
    assert "最高的是独角兽企业引进奖励" in note  # 1000万 bound vs 500万 list award


def test_unrelated_items_carry_no_overlap():
    results = by_item(match({"area_m2": 800, "interest_yuan": 1000, "guarantee_fee_yuan": 1000}))
    assert all(not result.overlaps for result in results.values())


def test_missing_facts_of_a_triggered_item_are_reported():
    results = by_item(match({"first_in_survey": True}))
    assert results["scale_up"].eligible is None and results["scale_up"].missing == ["growth_percent"]


def test_out_of_scope_profile_gets_nothing():
    assert match({"area_m2": 800, "interest_yuan": 1000, "in_scope": False}) == []


def test_bad_profile_value_raises():
    with pytest.raises(InvalidFact):
        match({"area_m2": -800})


def test_empty_profile_matches_nothing():
    assert match({}) == []
