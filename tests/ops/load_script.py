"""The load tests' conversations: each session has its own facts and checks its own amounts.

Session ``i`` rents 500 + 10·i m² and pays 300·area + i yuan of rent, so a
fact leaking from one session into another changes an amount and is caught.
Used by ``test_load.py`` (``/ask``), ``api_load.py`` and ``test_load_api.py``
(``/v1/chat/completions``) and the cache tests.
"""

from __future__ import annotations

SESSIONS = 20
TURNS = 25
RECOGNIZED, OTHER, YEAR = 30, 15, 12  # yuan per m² per month (第十一条), months


def script(i: int) -> list[tuple[str, dict]]:
    """Session ``i``'s 25 turns, each with what its reply must show."""
    area, rent = 500 + 10 * i, 300 * (500 + 10 * i) + i
    capped = None  # the actual rent caps the subsidy once the user has said it

    def rules(rate: int) -> dict:
        full = area * rate * YEAR
        return {"route": "rules", "amount_yuan": full if capped is None else min(full, capped), "clause": 11}

    turns: list[tuple[str, dict]] = []
    for cycle in range(TURNS // 5):
        turns.append((f"我们租了{area}平米，在认定的专业园区，房租能补多少？", rules(RECOGNIZED)))
        turns.append(("那如果是在其他园区呢？", rules(OTHER)))
        if cycle == 0:
            turns.append(("企业上市有什么奖励？", {"route": "lookup", "clause": 14}))
        else:
            turns.append(("第二十条说了什么", {"route": "lookup", "clause": 20}))
        capped = rent
        turns.append((f"我们的实际年租金是{rent}元，在认定的专业园区，房租补贴多少？", rules(RECOGNIZED)))
        turns.append(("你好" if cycle % 2 else "今天天气怎么样", {"route": "smalltalk" if cycle % 2 else "out_of_scope"}))
    return turns


def mismatch(reply: dict, expect: dict) -> str | None:
    """What is wrong with ``reply`` (an ``ask --json`` object) against ``expect``, or None."""
    for key in ("route", "amount_yuan"):
        if key in expect and reply.get(key) != expect[key]:
            return f"{key} {reply.get(key)!r} != {expect[key]!r}"
    clauses = [c["clause"] for c in reply.get("citations") or []]
    if "clause" in expect and clauses[:1] != [expect["clause"]]:
        return f"clauses {clauses} do not start with {expect['clause']}"
    if not isinstance(reply.get("answer"), str) or not reply["answer"].strip():
        return "empty answer"
    return None


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]
