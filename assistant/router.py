"""Deterministic routing of one turn to rules, lookup, clarify, out_of_scope or smalltalk.

The router decides *what kind* of turn this is and, for rule questions, which
subsidy item it is about. It reads the item keywords from the rules data, so a
new item in ``rules/parameters`` is routable without touching this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from assistant.data_loader import load_yaml

_VOCAB = load_yaml("routing.yaml")

SMALLTALK = tuple(_VOCAB["smalltalk"])
HELP = tuple(_VOCAB["help"])
AMOUNT_SIGNALS = tuple(_VOCAB["amount_signals"])
ELIGIBILITY_SIGNALS = tuple(_VOCAB["eligibility_signals"])
LOOKUP_SIGNALS = tuple(_VOCAB["lookup_signals"])
FOLLOW_UP_SIGNALS = tuple(_VOCAB["follow_up_signals"])
DOMAIN_WORDS = tuple(_VOCAB["domain_words"])
OUT_OF_SCOPE = tuple(_VOCAB["out_of_scope"])
OTHER_PLACES = tuple(_VOCAB["other_places"])
TOTAL_SIGNALS = tuple(_VOCAB["total_signals"])


@dataclass(frozen=True)
class Route:
    """Where a turn goes.

    Attributes:
        kind: "rules", "lookup", "out_of_scope" or "smalltalk" ("clarify" is
            decided later, when the rule engine reports missing facts).
        item: the subsidy item id for a rules turn.
        article: an article number the user named ("第十一条"), if any.
        reason: a short English note for logs and tests.
    """

    kind: str
    item: str | None = None
    article: int | None = None
    reason: str = ""


def contains_any(text: str, words: Iterable[str]) -> bool:
    """True when any of ``words`` occurs in ``text``."""
    return any(word in text for word in words)


def is_smalltalk(text: str) -> bool:
    """Greetings, thanks and "what can you do" questions."""
    stripped = re.sub(r"[\s，。！？!?,.~～…]+", "", text)
    if not stripped:
        return True
    if contains_any(stripped, HELP):
        return True
    return len(stripped) <= 8 and contains_any(stripped, SMALLTALK)


def score_items(text: str, items: Sequence) -> list[tuple[float, str]]:
    """Rank subsidy items by the keywords of each that occur in ``text``.

    A longer keyword is stronger evidence than a short one, so each match
    counts its length; ties are broken by the caller (current item first).
    """
    scored = []
    for item in items:
        hits = [kw for kw in item.keywords if kw and kw in text]
        if hits:
            scored.append((float(sum(len(kw) for kw in hits)), item.id))
    scored.sort(key=lambda pair: -pair[0])
    return scored


def asks_amount(text: str) -> bool:
    """The user wants a figure or a verdict, not the article text."""
    return contains_any(text, AMOUNT_SIGNALS) or contains_any(text, ELIGIBILITY_SIGNALS)


def asks_lookup(text: str) -> bool:
    """The user wants to read or locate an article."""
    return contains_any(text, LOOKUP_SIGNALS)


def is_follow_up(text: str) -> bool:
    """Phrases that continue the previous question ("那如果…呢", "改成…")."""
    return contains_any(text, FOLLOW_UP_SIGNALS)


def wants_total(text: str) -> bool:
    """The user asks for a sum over years or stages ("三年一共", "总共")."""
    return contains_any(text, TOTAL_SIGNALS)


def looks_out_of_scope(text: str) -> bool:
    """Topics this policy never covers, or another district's policy."""
    if contains_any(text, OTHER_PLACES) and "光明" not in text:
        return True
    return contains_any(text, OUT_OF_SCOPE) and not contains_any(text, DOMAIN_WORDS)


def mentions_domain(text: str) -> bool:
    """Words that tie a question to this policy at all."""
    return contains_any(text, DOMAIN_WORDS)
