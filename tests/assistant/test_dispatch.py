"""The act is decided over the turn's reading (a structure), and every act has its handler."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant import dispatch
from assistant import turn as turn_module
from assistant.dispatch import ACTS, HANDLERS, decide


def signals(**overrides):
    """A reading with every signal off: no text at all, so the decision cannot read a string."""
    names = ("empty", "garbage", "asks_help", "injected", "only_instructions", "article_out_of_range", "declined",
             "injected_unrelated", "overview", "computes", "asks_eligibility", "whole_article", "other_office",
             "asks_source", "corrects", "which_item", "chat", "in_policy", "asks_coverage", "asks_tiers")
    base = dict.fromkeys(names, False)
    base |= {"machine": None, "closing": None, "scope_answer": None, "listed_items": [], "computed_items": ([], {}),
             "article": None, "topic": None, "topic_role": "topic", "item": None, "chapter": None}
    base.update(overrides)
    return SimpleNamespace(**base)


@pytest.mark.parametrize(("overrides", "act"), [
    ({"empty": True}, "empty"),
    ({"garbage": True}, "garbage"),
    ({"closing": "thanks"}, "closing"),
    ({"asks_help": True}, "help"),
    ({"injected": True, "only_instructions": True}, "out_of_scope"),
    ({"article_out_of_range": True}, "out_of_range"),
    ({"machine": object()}, "data"),
    ({"declined": True, "item": "rent_subsidy"}, "out_of_scope"),
    ({"scope_answer": object()}, "scope"),
    ({"overview": True}, "overview"),
    ({"asks_tiers": True, "item": "revenue_milestone", "listed_items": ["a", "b"]}, "rule"),
    ({"listed_items": ["rent_subsidy", "loan_interest"]}, "several"),
    ({"computed_items": ([object(), object()], {})}, "several"),
    ({"computes": True, "item": "rent_subsidy"}, "amount"),
    ({"computes": True, "item": "rent_subsidy", "asks_eligibility": True}, "eligibility"),
    ({"article": 11}, "article"),
    ({"topic": 19, "topic_role": "stacking"}, "stacking"),
    ({"topic": 20, "topic_role": "dates"}, "dates"),
    ({"topic": 20, "topic_role": "dates", "other_office": True}, "out_of_scope"),
    ({"topic": 0, "topic_role": "preamble"}, "preamble"),
    ({"topic": 8, "whole_article": True}, "article"),
    ({"asks_source": True}, "source"),
    ({"item": "rent_subsidy"}, "rule"),
    ({"item": "rent_subsidy", "corrects": True}, "correction"),
    ({"chapter": object()}, "chapter"),
    ({"which_item": True}, "which_item"),
    ({"chat": True}, "smalltalk"),
    ({"chat": True, "in_policy": True}, "question"),
    ({"in_policy": True}, "question"),
    ({}, "out_of_scope"),
])
def test_the_act_is_decided_from_the_signals_alone(overrides, act):
    assert decide(signals(**overrides)) == act


def test_what_comes_first_wins():
    # a decline outranks an item; computing outranks the article named; a scope verdict outranks several items
    assert decide(signals(declined=True, computes=True, item="x")) == "out_of_scope"
    assert decide(signals(computes=True, item="x", article=11)) == "amount"
    assert decide(signals(scope_answer=object(), listed_items=["a", "b"])) == "scope"


def test_every_act_has_one_handler():
    assert set(HANDLERS) == set(ACTS)
    assert all(callable(handler) for handler in HANDLERS.values())


def test_the_decision_reads_no_string():
    """The dispatcher imports nothing that reads text: its only input is the reading."""
    source = Path(dispatch.__file__).read_text(encoding="utf-8")
    assert "import router" not in source and "re.compile" not in source and ".text" not in source


def test_a_turn_is_prepared_once(asst, monkeypatch):
    calls = []
    real = turn_module.normalize_text
    monkeypatch.setattr(turn_module, "normalize_text", lambda raw: calls.append(raw) or real(raw))
    session = asst.new_session()
    reply = asst.respond(session, "我们租了８００平米，房租能补多少？")
    assert calls == ["我们租了８００平米，房租能补多少？"]
    assert reply.understood["act"] == "amount" and reply.route in ("rules", "clarify")


@pytest.mark.parametrize(("text", "act"), [
    ("你好", "smalltalk"),
    ("第十一条讲什么", "article"),
    ("第二十五条是什么", "article"),
    ("做新能源电池的企业能适用这个措施吗", "scope"),
    ("租金补贴和担保费补贴分别怎么算？", "several"),
    ("这些支持能和市里的政策叠加吗", "stacking"),
    ("公司要做工商变更登记，找哪个部门办？", "out_of_scope"),
    ("房租补贴能拿几年", "rule"),
])
def test_the_reading_carries_the_act_decided(asst, text, act):
    reply = asst.respond(asst.new_session(), text)
    assert reply.understood["act"] == act


def test_every_act_a_reply_reads_is_one_the_eval_tables():
    from assistant.core import READ_ACTS
    from evals.acts import READER_ACTS

    read = {READ_ACTS.get(act, act) for act in ACTS} - {"empty", "garbage", "data"}  # data: what it asks
    assert read <= set(READER_ACTS)
