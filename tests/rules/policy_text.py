"""The policy text split into articles, for the data tests (no dependency on knowledge/)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

POLICY = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "guangming-ai-software-measures.txt"
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_HEAD = re.compile(r"^(?:\[bookmark: [^\]]*\])?（([一二三四五六七八九十]+)）([^。]+)。(.*)$")


def cn_number(text: str) -> int:
    """Chinese numeral up to 99: "十一" -> 11, "二十" -> 20, "三" -> 3."""
    if "十" not in text:
        return NUMERALS[text]
    tens, _, ones = text.partition("十")
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[ones] if ones else 0)


@lru_cache(maxsize=1)
def policy_text() -> str:
    return POLICY.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def articles() -> dict[int, tuple[str, str]]:
    """Article number -> (title, body)."""
    found = {}
    for line in policy_text().splitlines():
        match = _HEAD.match(line.strip())
        if match:
            found[cn_number(match.group(1))] = (match.group(2), match.group(3))
    return found
