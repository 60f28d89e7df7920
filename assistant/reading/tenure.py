"""Whether the enterprise is newly settled, read from when it settled.

"2017年就入驻了认定的软件园" is no new settlement; nor is "五年前落户光明" or "入驻三年了";
"今年刚搬进来" is. The settling acts and time words are data (``lexicon.yaml`` ``tenure``); the
year of today decides how old a calendar year is (``today`` may be given, for tests).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import yaml

from assistant.quantities import extract_quantities, number_word
from assistant.reading.lexicon import LEXICON_PATH
from assistant.text_clauses import clause_spans


@lru_cache(maxsize=1)
def _grammar() -> dict:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))["tenure"]
    return {"acts": re.compile(data["acts"]), "recent": int(data["recent_years"]),
            "since": re.compile(data["since"]), "ago": re.compile(data["ago"]),
            "this_year": re.compile(data["this_year"])}


def _years(word: str) -> int | None:
    if word in ("几", "多"):
        return 3  # "几年前", "好几年": more than a year or two
    return number_word(word)


def _age(clause: str, act: re.Match, g: dict, year: int) -> int | None:
    """How many years ago the act in ``clause`` happened, when the clause says."""
    before, after = clause[:act.start()], clause[act.end():]
    calendar = [q.value for q in extract_quantities(before) if q.kind == "year"]
    if calendar:
        return year - calendar[-1]
    if (m := g["ago"].search(before)) and (n := _years(m["n"])) is not None:
        return n
    if (m := g["since"].match(after.lstrip("了过")) ) and (n := _years(m["n"])) is not None:
        return n
    if g["this_year"].search(before[-4:]):
        return 0
    return None


def newly_settled(text: str, today: dt.date | None = None) -> bool | None:
    """True or False when the turn says when the enterprise settled, else None."""
    return tenure(text, today)[0]


def tenure(text: str, today: dt.date | None = None) -> tuple[bool | None, tuple[int, int] | None]:
    """Whether the enterprise is newly settled, and the span of the clause that says so.

    The figures in that span are the enterprise's history ("经营十多年了"), no claim about the policy.
    """
    g = _grammar()
    year = (today or dt.date.today()).year
    for start, end in clause_spans(text):
        clause = text[start:end]
        for act in g["acts"].finditer(clause):
            age = _age(clause, act, g, year)
            if age is not None:
                return age <= g["recent"], (start, end)
    return None, None
