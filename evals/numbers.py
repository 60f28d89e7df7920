"""Unsupported numbers: numbers in an answer that no source backs.

The sources of one turn are the whole policy text, the user's turns so far,
and that turn's trace lines and citation quotes. The check is the assistant's
own number guard (``assistant.guard``: ``AllowedNumbers.from_sources`` and
``check_answer``), which compares numbers with their unit and kind, and does
not take what a user claims about the policy ("听说上市奖励1000万？") as a
source. When that module cannot be imported, a plain fallback compares values
only (``28.8万`` matches ``288000``) and takes every user number as a source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

# answer, sources, user turns -> the raw text of each unsupported number
Checker = Callable[[str, list[str], list[str]], list[str]]

_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万)?")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_SCALE = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}


def _values(text: str) -> Iterable[tuple[str, Decimal]]:
    for m in _NUMBER.finditer(text.translate(_FULL_WIDTH)):
        try:
            number = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches decimals
            continue
        yield m.group(0).strip(), number * _SCALE[m.group(2) or ""]


def fallback_checker(answer: str, sources: list[str], user_turns: list[str] = ()) -> list[str]:
    """Value-only check used when ``assistant.guard`` is not available."""
    allowed = {value for text in [*sources, *user_turns] for _, value in _values(text)}
    return [raw for raw, value in _values(answer) if value not in allowed]


def guard_checker() -> Checker | None:
    """A checker over the assistant's number guard, or None when it cannot be imported."""
    try:
        from assistant.guard import AllowedNumbers, check_answer
    except ImportError:
        return None

    def check(answer: str, sources: list[str], user_turns: list[str]) -> list[str]:
        result = check_answer(answer, AllowedNumbers.from_sources(sources, user_turns=user_turns))
        return [getattr(q, "raw", str(q)) for q in result.unsupported]

    return check


def default_checker() -> tuple[Checker, str]:
    """The guard when available, else the fallback; with a name for the report."""
    guard = guard_checker()
    return (guard, "assistant.guard") if guard else (fallback_checker, "fallback (value only)")


def turn_sources(policy_text: str, reply: dict) -> list[str]:
    """Everything but the user's turns a number of this reply may come from."""
    sources = [policy_text]
    sources += [line for line in reply.get("trace") or [] if isinstance(line, str)]
    sources += [c.get("quote", "") for c in reply.get("citations") or [] if isinstance(c, dict)]
    return [s for s in sources if isinstance(s, str)]


def unsupported_numbers(check: Checker, policy_text: str, turns: list[str], row: dict) -> list[str]:
    """Unsupported numbers of every turn's answer, each as "turn N: raw".

    Args:
        check: the checker to use.
        policy_text: the whole policy.
        turns: the user's turns.
        row: the conversation's row; its ``turns`` holds every reply (else the row is the reply).
    """
    replies = row.get("turns") or [row]
    found = []
    for index, reply in enumerate(replies):
        if not isinstance(reply, dict) or not isinstance(reply.get("answer"), str):
            continue
        unsupported = check(reply["answer"], turn_sources(policy_text, reply), turns[: index + 1])
        found += [f"turn {index + 1}: {raw}" for raw in unsupported]
    return found
