"""Turns other software sends as ``key=value`` pairs ("item=rent_subsidy; area_m2=900; park_type=other").

The keys are the shared vocabulary: a fact name of ``rules.facts.FACTS`` (its value checked by
``rules.facts.coerce``), ``item``/``items`` (rule item ids, comma-separated), ``q``/``field``/``ask``
(what is asked: a role of the policy or a word for it; ``query: rent_subsidy`` names an item too) and ``industry`` (a line of business to check
against the scope article). A turn is machine-format only when every part of it is such a pair, or a
bare command word (``scope_check``) beside them; anything else is read as prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rules.errors import InvalidFact
from rules.facts import FACTS, coerce

_PAIR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=:：]\s*(.+?)\s*$")
_WORD = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
_PARTS = re.compile(r"[;；&|\n]|\s+(?=[A-Za-z_][A-Za-z0-9_]*\s*=)")
ASK_KEYS = ("q", "field", "ask", "query", "topic")
# What a machine turn may ask, by the word it uses, as the act it is (assistant.dispatch).
ASKS = {"stacking": "stacking", "stack": "stacking", "overlap": "stacking", "dates": "dates",
        "effective_date": "dates", "expiry_date": "dates", "valid_until": "dates", "interpretation": "dates",
        "interpreter": "dates", "scope": "scope", "scope_check": "scope", "preamble": "preamble",
        "purpose": "preamble", "basis": "preamble"}


@dataclass
class MachineTurn:
    """What a ``key=value`` turn says: the items asked, the facts given, what else is asked."""

    items: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    asks: str | None = None  # an act of assistant.dispatch ("stacking", "dates", "scope", "preamble")
    industry: str = ""
    problems: list[str] = field(default_factory=list)  # values the fact checks refused
    unknown: list[str] = field(default_factory=list)  # keys of no known meaning


def read_machine(text: str, item_ids: frozenset[str]) -> MachineTurn | None:
    """The machine reading of ``text``, or None when it is not wholly ``key=value`` pairs."""
    parts = [p for p in _PARTS.split(text) if p.strip()]
    pairs, words = [], []
    for part in parts:
        pair, word = _PAIR.match(part), _WORD.match(part)
        if pair:
            pairs.append((pair.group(1).lower(), pair.group(2)))
        elif word:
            words.append(word.group(1).lower())
        else:
            return None
    if not pairs:
        return None
    turn = MachineTurn()
    for word in words:
        _read_pair(turn, ASK_KEYS[0], word, item_ids)
    for key, value in pairs:
        _read_pair(turn, key, value, item_ids)
    return turn if (turn.items or turn.facts or turn.asks or turn.industry or turn.problems) else None


def _read_pair(turn: MachineTurn, key: str, value: str, item_ids: frozenset[str]) -> None:
    if key in ("item", "items"):
        named = [v.strip() for v in re.split(r"[,，、+ ]+", value) if v.strip()]
        turn.items += [v for v in named if v in item_ids]
        turn.unknown += [v for v in named if v not in item_ids]
    elif key in ASK_KEYS and value.strip() in item_ids:  # "query: rent_subsidy"
        turn.items.append(value.strip())
    elif key in ASK_KEYS:
        turn.asks = ASKS.get(value.strip().lower(), turn.asks)
    elif key == "industry":
        turn.industry = value.strip()
        turn.asks = turn.asks or "scope"
    elif key in FACTS:
        try:
            turn.facts[key] = coerce(key, value.strip())
        except InvalidFact as exc:
            turn.problems.append(str(exc))
    else:
        turn.unknown.append(key)
