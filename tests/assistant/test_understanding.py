"""Whole turns through the assistant with the new reader: amounts, questions and the recorded reading."""

from __future__ import annotations

import pytest

from tests.assistant.conftest import ask
from tests.assistant.test_conversation import assert_grounded


@pytest.mark.parametrize("turns, amount", [
    # the price per m² per month is no whole month's rent: 1000 × 30 × 12 = 36万 (actual rent 50.4万)
    (["我们规上企业新入驻认定的AI产业园，租了1000平方米，每平方米每月租金42元，一年补多少"], 360_000),
    (["认定园区新入驻，租了1000平，一平一个月20块，补多少"], 240_000),  # capped by the actual rent
    (["贷了3000万，年利率3.5%，贴息多少"], 315_000),
    (["担保费每季度5万，能补多少"], 100_000),
    (["两层，每层600平，认定园区新入驻，房租补贴多少"], 432_000),
    (["国家项目1000万、市里项目600万，配套资助多少"], 3_200_000),
    (["新入驻一般产业园，并非区主管部门认定的人工智能专业园区，租了800平，补多少"], 144_000),
    (["股改的100万已经拿了，现在材料被受理了，这一步拿多少"], 2_000_000),
    (["每年付银行利息280万，三年总共能拿多少贴息？", "更正一下，一年的利息是26万"], 234_000),
    (["新入驻认定软件园，规上，租了1500平，一年补多少？", "那三年呢"], 1_620_000),
])
def test_amounts_from_the_reading(asst, turns, amount):
    reply = ask(asst, *turns)[-1]
    assert (reply["route"], reply["amount_yuan"]) == ("rules", amount), reply["answer"]
    assert_grounded(asst, turns, reply)


@pytest.mark.parametrize("turns, missing", [
    (["贷了3000万，能贴多少"], "interest_yuan"),
    (["之前拿过营收奖励，现在营收到了5亿，还能补多少"], "previous_award_yuan"),
])
def test_a_figure_that_is_not_the_input_asks_for_it(asst, turns, missing):
    reply = ask(asst, *turns)[-1]
    assert reply["route"] == "clarify" and missing in reply["missing"] and reply["amount_yuan"] is None


@pytest.mark.parametrize("turns", [
    ["2017年就入驻了认定的软件园，今年续租了1500平，房租补贴多少"],
    ["我们在南山区举办了一场全国性人工智能大会，花了300万，事先备案了，能补多少"],
])
def test_conditions_stated_as_facts_decide_eligibility(asst, turns):
    reply = ask(asst, *turns)[-1]
    assert (reply["route"], reply["eligible"], reply["amount_yuan"]) == ("rules", False, None)


def test_the_reading_is_recorded_on_the_reply(asst):
    reply = ask(asst, "我们规上企业新入驻认定的AI产业园，租了1000平方米，每平方米每月租金42元，一年补多少")[-1]
    understood = reply["understood"]
    assert understood["act"] == "amount" and understood["items"][0] == "rent_subsidy"
    price = next(q for q in understood["quantities"] if q["raw"] == "42元")
    assert price["dimension"] == "money/area/time" and price["frame"] == "statement"
    assert understood["facts"]["actual_rent_yuan"] == 504_000
    assert understood["conditions"] == {"above_scale": True, "newly_settled": True, "park_type": "recognized"}
    assert any(line.startswith("理解：") for line in reply["trace"])
    assert any("504000" in line or "50.4万元" in line for line in reply["trace"])  # the derivation is traced


def test_a_claim_is_framed_as_a_claim(asst):
    reply = ask(asst, "听说租金补贴每平方米每月100元，是真的吗")[-1]
    assert any(q["frame"] == "claim" for q in reply["understood"]["quantities"])
