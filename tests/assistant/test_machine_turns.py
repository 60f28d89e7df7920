"""Turns other software sends as key=value pairs: read as data, never as prose."""

from __future__ import annotations

import pytest

from assistant.reading.machine import read_machine

ITEMS = frozenset({"rent_subsidy", "loan_interest", "guarantee_fee"})


def test_facts_and_items_are_read_and_checked():
    m = read_machine("item=rent_subsidy; area_m2=1200; park_type=recognized; above_scale=true", ITEMS)
    assert m.items == ["rent_subsidy"] and m.facts == {"area_m2": 1200.0, "park_type": "recognized",
                                                       "above_scale": True}
    bad = read_machine("items=loan_interest area_m2=-3 colour=blue", ITEMS)
    assert bad.items == ["loan_interest"] and bad.problems and bad.unknown == ["colour"]


@pytest.mark.parametrize("text", ["租了800平，area多少", "800平×30元=多少钱", "你好=？", "a=1 然后呢"])
def test_prose_is_not_machine_format(text):
    assert read_machine(text, ITEMS) is None


@pytest.mark.parametrize(("text", "route", "amount"), [
    ("item=guarantee_fee; guarantee_fee_yuan=300000", "rules", 150000),
    ("item=loan_interest\ninterest_yuan=100000", "rules", 30000),
    ("item=rent_subsidy", "clarify", None),
])
def test_an_item_is_computed_from_the_pairs(asst, text, route, amount):
    reply = asst.respond(asst.new_session(), text)
    assert (reply.route, reply.amount_yuan) == (route, amount)


@pytest.mark.parametrize(("text", "role"), [
    ("q=stacking", "stacking"),
    ("field=expiry_date", "dates"),
    ("ask=purpose", "preamble"),
])
def test_what_a_data_turn_asks_is_answered_from_the_article_of_that_role(asst, text, role):
    from assistant.articles import role_article

    reply = asst.respond(asst.new_session(), text)
    expected = 0 if role == "preamble" else role_article(asst.policy, role)
    assert reply.route == "lookup" and reply.citations[0].clause == expected and reply.understood["act"] == role


def test_a_line_of_business_is_checked_against_the_scope_article(asst):
    assert asst.respond(asst.new_session(), "scope_check industry=连锁超市").eligible is False
    assert asst.respond(asst.new_session(), "industry=SaaS软件").eligible is True


def test_a_refused_value_changes_nothing(asst):
    session = asst.new_session()
    asst.respond(session, "item=rent_subsidy; area_m2=900; park_type=other")
    reply = asst.respond(session, "area_m2=-900")
    assert reply.route == "clarify" and session.facts["area_m2"] == 900.0


def test_pipes_and_a_query_key_are_read_too(asst):
    reply = asst.respond(asst.new_session(), "query: rent_subsidy | area_m2=3000 | park_type=other | above_scale=true")
    assert reply.route == "rules" and reply.amount_yuan == 540000  # 3000 m² × 15 元 × 12


def test_a_refused_value_reply_holds_no_number_of_its_own(asst):
    reply = asst.respond(asst.new_session(), "item=rent_subsidy; area_m2=abc")
    assert reply.route == "clarify" and not reply.guard_events
