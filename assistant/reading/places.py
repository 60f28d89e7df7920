"""Places that decide a condition, bound to the act they qualify.

"我们在南山区举办了一场大会" says where the event was held (``held_in_district`` False);
"公司注册在东莞" where the enterprise is registered (``registered_in_district`` False). A place is
inside the district (光明, 区内) or outside it (the cue table's ``<elsewhere>`` places); a negator
right before it ("不在光明举办") turns it round. Each place is bound to the nearest act word of a
fact in its clause (``lexicon.yaml`` ``places``): after the place ("在南山区举办") or right before
it ("注册在南山"). The words are data; this module holds the one mechanism.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from assistant.reading.lexicon import LEXICON_PATH
from assistant.text_clauses import clause_spans


@dataclass(frozen=True)
class Place:
    """A place bound to a fact: ``inside`` the district or not, where it stands."""

    fact: str
    inside: bool
    span: tuple[int, int]
    raw: str


@lru_cache(maxsize=1)
def _grammar() -> dict:
    from assistant.facts import CUES_PATH  # the one list of places outside the district

    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))["places"]
    elsewhere = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))["macros"]["elsewhere"]
    return {
        "place": re.compile(f"(?P<inside>{data['inside']})|(?P<outside>{elsewhere})"),
        "negated": re.compile(data["negators"]),
        "acts": {fact: re.compile("|".join(words)) for fact, words in data["facts"].items()},
        "after": int(data["reach_after"]),
        "policy_after": re.compile(data["policy_after"]),
        "before": int(data["reach_before"]),
    }


def place_facts() -> tuple[str, ...]:
    """The facts a place can decide."""
    return tuple(_grammar()["acts"])


def read_places(text: str) -> list[Place]:
    """The places of ``text`` bound to a fact, in order (at most one per fact and clause)."""
    g = _grammar()
    out = []
    for base, end in clause_spans(text):
        body = text[base:end]
        places = [p for p in g["place"].finditer(body) if not g["policy_after"].match(body, p.end())]
        for fact, act in g["acts"].items():
            for a in act.finditer(body):
                place = _nearest(places, a, g)
                if place is not None:
                    inside = bool(place["inside"]) != bool(g["negated"].search(body[:place.start()]))
                    out.append(Place(fact, inside, (base + place.start(), base + place.end()), place.group()))
                    break
    return out


def _nearest(places: list[re.Match], act: re.Match, g: dict) -> re.Match | None:
    """The place closest before the act word (within reach), else right after it."""
    before = [p for p in places if p.end() <= act.start() and act.start() - p.end() <= g["after"]]
    if before:
        return before[-1]
    after = [p for p in places if p.start() >= act.end() and p.start() - act.end() <= g["before"]]
    return after[0] if after else None
