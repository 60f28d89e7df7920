"""The act a case asks for, and the per-act table of a run.

Every reply carries ``understood.act``: what the assistant read the turn to
ask for (see ``assistant/reading/understanding.py``). ``expected_act`` derives
the act a case's final turn asks for from what the case expects, so that the
eval can be read per act and misreadings show as (expected, read) pairs.

The mapping, first match wins:

=================  ==========================================================
expected act       when the case ...
=================  ==========================================================
``out_of_scope``   expects a decline (``Case.expects_out_of_scope()`` is True)
``smalltalk``      expects route ``smalltalk`` and nothing else
``preamble``       expects clauses exactly ``[0]``
``scope``          expects clauses exactly ``[18]``
``stacking``       expects clauses exactly ``[19]``
``dates``          expects clauses exactly ``[20]``
``clarify``        expects route ``clarify`` (alone): facts are missing
``correction``     is of category ``wrong_number`` (the user states a wrong
                   figure of the policy)
``several``        expects no amount (``amount_yuan`` absent) and its
                   ``must_include`` names two or more different money figures
                   (each item's amount, e.g. ``15万元`` and ``10万元``)
``amount``         expects ``amount_yuan`` as an integer (0 included), or
                   ``amount_yuan: null`` with ``eligible: true`` (the case
                   qualifies but the policy gives a bound, not a figure: the
                   question is how much, e.g. 最多能拿多少落户奖励)
``eligibility``    expects ``eligible`` otherwise (no integer amount)
``other``          anything else (e.g. a lookup of a rule or a bound, which
                   the expectations do not tell apart from an article or
                   topic question)
=================  ==========================================================

``clarify`` and ``other`` are groups of the table, not acts the reader can
produce (a turn lacking facts is still read as, say, ``amount``), so they have
no agreement rate and are left out of the confusion pairs. A reply without
``understood`` (empty or garbage input) is read as ``none``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from evals import metrics as m
from evals.schema import Case

# Acts of assistant.dispatch as the replies' readings spell them (assistant.core.READ_ACTS).
READER_ACTS = ("amount", "eligibility", "rule", "article", "scope", "stacking", "dates", "preamble",
               "topic", "correction", "several", "overview", "smalltalk", "out_of_scope", "question")
TOPIC_CLAUSES = {0: "preamble", 18: "scope", 19: "stacking", 20: "dates"}
NOT_READER_ACTS = ("clarify", "other")
NO_READING = "none"
ACT_COLUMNS = ("cases", "case_pass_rate", "act_agreement", "hit_at_1", "route_accuracy")
CONFUSION_TOP = 15
_MONEY = re.compile(r"\d+(?:\.\d+)?\s*(?:亿|万)?元|\d+(?:\.\d+)?\s*(?:亿|万)")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def money_figures(texts: list[str]) -> set[str]:
    """The distinct money figures ("15万元", "30元", "500万") written in ``texts``, spaces removed."""
    return {re.sub(r"\s+", "", f) for text in texts for f in _MONEY.findall(text)}


def expected_act(case: Case) -> str:
    """The act the case's final turn asks for, from its expectations (see the module docstring).

    Args:
        case: the case.

    Returns:
        One of the acts of the mapping table; ``"other"`` when it cannot be derived.
    """
    exp = case.expect
    routes = case.expected_routes()
    clauses = exp.get("clauses") or []
    if case.expects_out_of_scope():
        return "out_of_scope"
    if routes == ("smalltalk",):
        return "smalltalk"
    if len(clauses) == 1 and clauses[0] in TOPIC_CLAUSES:
        return TOPIC_CLAUSES[clauses[0]]
    if routes == ("clarify",):
        return "clarify"
    if case.category == "wrong_number":
        return "correction"
    if "amount_yuan" not in exp and len(money_figures(exp.get("must_include") or [])) >= 2:
        return "several"
    if _is_int(exp.get("amount_yuan")) or ("amount_yuan" in exp and exp.get("eligible") is True):
        return "amount"
    if "eligible" in exp:
        return "eligibility"
    return "other"


def read_act(reply: dict | None) -> str | None:
    """``understood.act`` of a reply (its final turn for a conversation row); None when absent."""
    understood = (reply or {}).get("understood")
    act = understood.get("act") if isinstance(understood, dict) else None
    return act if isinstance(act, str) and act else None


def _agreement(group: list[dict], act: str) -> float | None:
    if act in NOT_READER_ACTS:
        return None
    return round(sum(r.get("act") == act for r in group) / len(group), 4)


def by_act(rows: list[dict]) -> dict[str, dict[str, Any]]:
    """The table of each expected act: cases, pass rate, read-act agreement, hit@1, route accuracy.

    Args:
        rows: scored rows of ``runner.run_case`` (with ``expected_act`` and ``act``).

    Returns:
        expected act -> ``{column: value}`` for ``ACT_COLUMNS``, largest groups first.
    """
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("expected_act") or "other", []).append(row)
    out = {}
    for act, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        metrics, _ = m.aggregate(group)
        out[act] = {"cases": len(group), "case_pass_rate": metrics["case_pass_rate"],
                    "act_agreement": _agreement(group, act), "hit_at_1": metrics["hit_at_1"],
                    "route_accuracy": metrics["route_accuracy"]}
    return out


def confusion(rows: list[dict], top: int = CONFUSION_TOP) -> list[dict[str, Any]]:
    """The most frequent (expected act, read act) pairs that disagree.

    Args:
        rows: scored rows (with ``expected_act`` and ``act``).
        top: how many pairs at most.

    Returns:
        ``[{"expected": ..., "read": ..., "cases": n}, ...]``, most cases first, then by name;
        rows whose expected act is ``clarify`` or ``other`` are left out (no reader act to match).
    """
    pairs = Counter((r.get("expected_act"), r.get("act") or NO_READING) for r in rows
                    if r.get("expected_act") not in (*NOT_READER_ACTS, None))
    off = sorted(((n, e, a) for (e, a), n in pairs.items() if e != a), key=lambda t: (-t[0], t[1], t[2]))
    return [{"expected": e, "read": a, "cases": n} for n, e, a in off[:top]]
