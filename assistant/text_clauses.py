"""The clauses of a turn: the one set of marks that ends a clause, and the one splitter.

A clause of a user turn runs up to the next ``，。；！？`` (or its half-width form, or a line
break). Every reader that looks at "the figure's clause", "the clause that asks" or "the
clause of a place" cuts the turn here, so they all agree where a clause ends. A caller that
needs a further boundary names it with ``extra`` ("、" between the fields of a list, "：" and
"】" before a pasted instruction); it never writes a second set of marks.

``clause_spans`` splits a text; ``clause_start`` and ``clause_end`` find the edges of the
clause around a position (the same marks, for readers that look around one figure).
"""

from __future__ import annotations

import re
from functools import lru_cache

CLAUSE_MARKS = "，。；！？,;!?\n"
"""The marks that end a clause of a turn."""


def marks_class(extra: str = "", inside: bool = False) -> str:
    """The marks as a regex character class: ``[，。…]``, or ``[^，。…]`` (a character inside a
    clause) when ``inside``; ``extra`` adds further boundary characters."""
    return f"[{'^' if inside else ''}{re.escape(CLAUSE_MARKS + extra)}]"


@lru_cache(maxsize=16)
def _marks(extra: str) -> re.Pattern:
    return re.compile(marks_class(extra))


def clause_spans(text: str, extra: str = "") -> list[tuple[int, int]]:
    """(start, end) of each non-empty clause of ``text``, without its mark, in order.

    Args:
        text: a turn (or any text).
        extra: further boundary characters for this caller ("、").
    """
    spans, start = [], 0
    for mark in _marks(extra).finditer(text):
        if mark.start() > start:
            spans.append((start, mark.start()))
        start = mark.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def split_clauses(text: str, extra: str = "", keep_marks: bool = False) -> list[str]:
    """The non-empty clauses of ``text``, without their marks.

    With ``keep_marks`` the text is cut right after every mark instead, each piece keeping the mark
    that ends it, so that joined the pieces give back ``text`` ("租了800平，不对，" → ["租了800平，",
    "不对，"]).
    """
    if not keep_marks:
        return [text[a:b] for a, b in clause_spans(text, extra)]
    cuts = [m.end() for m in _marks(extra).finditer(text)]
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True) if b > a]


def clause_start(text: str, pos: int, floor: int = 0, extra: str = "") -> int:
    """Where the clause holding ``pos`` begins: after the last mark before it, not before ``floor``."""
    return max([floor, *(m.end() for m in _marks(extra).finditer(text, floor, pos))])


def clause_end(text: str, pos: int, ceiling: int | None = None, extra: str = "") -> int:
    """Where the clause holding ``pos`` ends: at the first mark from ``pos``, not after ``ceiling``."""
    ceiling = len(text) if ceiling is None else min(ceiling, len(text))
    stop = _marks(extra).search(text, pos, ceiling)
    return stop.start() if stop else ceiling
