"""What a turn asks for, decided once over its reading, and the one handler of each act.

``decide(turn)`` takes the structure ``assistant.turn.Turn`` (any object with its signals) and
returns an act; it reads no string. Stages, first answer wins:

1. the input itself: empty, junk, a closing word, a question about the assistant, only
   instructions, ``key=value`` data from other software, an article number the policy does not have;
2. declined: another authority's or place's matter, or instructions with nothing of the policy;
3. the whole turn: a scope question (十八), "what can we apply for", an item's tiers asked for each,
   several items at once;
4. an item or article: compute it (amount, eligibility), quote an article named by number or
   topic (the stacking, dates and preamble roles), quote the item's rule (rule, correction);
5. what is left: a chapter, "which item?", a greeting, out of scope, an open question.

``HANDLERS`` maps every act to the function that answers it (``assistant.handlers``).
"""

from __future__ import annotations

from assistant import handlers

ACTS = ("empty", "garbage", "closing", "help", "data", "out_of_range", "out_of_scope", "scope", "overview", "several",
        "amount", "eligibility", "article", "stacking", "dates", "preamble", "topic", "correction", "rule",
        "source", "chapter", "which_item", "smalltalk", "question")


def decide(turn) -> str:
    """The act of ``turn`` (one of ``ACTS``)."""
    return (_input_act(turn) or _declined_act(turn) or _whole_turn_act(turn) or _item_act(turn)
            or _open_act(turn))


def _input_act(turn) -> str | None:
    if turn.empty:
        return "empty"
    if turn.garbage:
        return "garbage"
    if turn.closing:
        return "closing"
    if turn.asks_help:
        return "help"
    if turn.only_instructions:
        return "out_of_scope"
    if turn.machine is not None:
        return "data"
    return "out_of_range" if turn.article_out_of_range else None


def _declined_act(turn) -> str | None:
    if turn.asks_coverage:  # "做游戏美术外包的公司能适用这个措施吗": the scope article answers
        return None
    return "out_of_scope" if turn.declined or turn.injected_unrelated else None


def _whole_turn_act(turn) -> str | None:
    if turn.scope_answer is not None:
        return "scope"
    if turn.overview:
        return "overview"
    if turn.asks_tiers:  # "营收首次到1个亿和到10个亿，分别奖多少": the item's rule, every tier quoted
        return "rule"
    return "several" if turn.listed_items or turn.computed_items[0] else None


def _item_act(turn) -> str | None:
    if turn.computes:
        return "eligibility" if turn.asks_eligibility else "amount"
    if turn.article is not None:
        return "article"
    if turn.topic is not None:
        if turn.whole_article:
            return "article"
        if turn.other_office:
            return "out_of_scope"
        return turn.topic_role
    if turn.asks_source:
        return "source"
    if turn.item is not None:
        return "correction" if turn.corrects else "rule"
    return None


def _open_act(turn) -> str:
    if turn.chapter is not None:
        return "chapter"
    if turn.which_item:
        return "which_item"
    if turn.chat and not turn.in_policy:
        return "smalltalk"
    return "question" if turn.in_policy else "out_of_scope"


HANDLERS = {
    "empty": handlers.empty,
    "garbage": handlers.garbage,
    "closing": handlers.closing,
    "help": handlers.smalltalk,
    "smalltalk": handlers.smalltalk,
    "data": handlers.data,
    "out_of_range": handlers.out_of_range,
    "out_of_scope": handlers.out_of_scope,
    "scope": handlers.scope,
    "overview": handlers.overview,
    "several": handlers.several,
    "amount": handlers.compute,
    "eligibility": handlers.compute,
    "article": handlers.article,
    "stacking": handlers.topic,
    "dates": handlers.topic,
    "preamble": handlers.topic,
    "topic": handlers.topic,
    "rule": handlers.rule,
    "correction": handlers.rule,
    "source": handlers.source,
    "chapter": handlers.chapter,
    "which_item": handlers.which_item,
    "question": handlers.question,
}
