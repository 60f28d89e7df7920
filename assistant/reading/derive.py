"""Derived facts and plausibility priors, over the facts gathered so far.

Derivations (``lexicon.yaml`` ``derivations``) are dimensional arithmetic: principal × annual rate
is a year's interest (or guarantee fee), a rent price per m² per month × area × 12 is the annual
rent. A stated fact always wins over a derived one; a derived one is recomputed when what it comes
from changes. Each derivation is written as a step for the trace, so the number guard sees where
its figure comes from.

Priors (``priors``) are plausible ranges of a ratio between two facts. A reading outside its range
is not used as it stands: when the figure can be read another way (a "monthly rent" of 42元 for
1,000 m² is the price per m²), it is re-read with a note; otherwise one question names both
readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assistant.quantities import format_yuan
from assistant.reading.lexicon import load_lexicon


@dataclass
class Derivation:
    """What ``derive`` did to the facts."""

    facts: dict = field(default_factory=dict)   # derived name -> value
    steps: list[str] = field(default_factory=list)   # trace lines ("3000万元 × 3.5% = 105万元")
    notes: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)   # implausible readings to ask about


def _yuan(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def _principal_times_rate(principal: int, rate: float) -> tuple[int, str]:
    out = _yuan(Decimal(principal) * Decimal(str(rate)) / 100)
    return out, f"{format_yuan(principal)} × {rate:g}% = {format_yuan(out)}（年度）"


def _price_times_area(price: float, area: float) -> tuple[int, str]:
    out = _yuan(Decimal(str(price)) * Decimal(str(area)) * 12)
    return out, f"{price:g}元/平方米/月 × {area:g}平方米 × 12个月 = {format_yuan(out)}（年租金）"


FORMULAS = {"principal_times_rate": _principal_times_rate, "price_times_area": _price_times_area}


def derive(facts: dict, derived: set[str], stated: set[str], raw: dict | None = None,
           labels: dict | None = None) -> Derivation:
    """Fill derived facts in ``facts`` (in place) and check the priors.

    Args:
        facts: the conversation's facts (canonical names and role names).
        derived: names that hold a derived value (updated in place).
        stated: names the user stated in this turn (they stop being derived).
        raw: this turn's figures as said, by fact: (value, months it is per), for re-reading.
        labels: Chinese names of the facts, for questions.
    """
    lex = load_lexicon()
    out = Derivation()
    derived.difference_update(stated)
    for spec in lex.derivations:
        name, inputs = spec["output"], spec["inputs"]
        if name in facts and name not in derived:
            continue
        if not all(facts.get(i) is not None for i in inputs):
            continue
        value, step = FORMULAS[spec["formula"]](*(facts[i] for i in inputs))
        facts[name] = value
        derived.add(name)
        out.facts[name] = value
        out.steps.append(step)
    _check_priors(facts, derived, stated, out, raw or {}, labels or {})
    return out


def _check_priors(facts: dict, derived: set[str], stated: set[str], out: Derivation, raw: dict,
                  labels: dict) -> None:
    lex = load_lexicon()
    for prior in lex.priors:
        num, den = facts.get(prior["numerator"]), facts.get(prior["denominator"])
        if not num or not den or isinstance(num, bool) or isinstance(den, bool):
            continue
        ratio = float(num) / float(den) / (12 if prior.get("per_month") else 1)
        if prior["low"] <= ratio <= prior["high"]:
            continue
        if prior.get("reread_as") and prior["numerator"] in stated and _reread(facts, derived, prior, out, raw):
            continue
        out.questions.append(_question(prior, num, labels))
        facts.pop(prior["numerator"], None)
        derived.discard(prior["numerator"])


def _reread(facts: dict, derived: set[str], prior: dict, out: Derivation, raw: dict) -> bool:
    """Re-read an implausible total as the price it can be ("月租金42元" for 1,000 m²)."""
    if prior["numerator"] not in raw:
        return False
    value, months = raw[prior["numerator"]]
    per_month = float(value) / float(months or 1)
    low, high = load_lexicon().price_period["month"]
    if not low <= per_month <= high:
        return False
    facts[prior["reread_as"]] = per_month
    total, step = _price_times_area(per_month, facts[prior["denominator"]])
    facts[prior["numerator"]] = total
    derived.add(prior["numerator"])
    out.facts[prior["numerator"]] = total
    out.steps.append(step)
    out.notes.append(f"“{value:g}元”作为这么大面积的整月租金不合常理，已按每平方米每月的租金理解。")
    return True


def _question(prior: dict, num, labels: dict) -> str:
    """One question naming the reading that does not fit."""
    a = labels.get(prior["numerator"], prior["numerator"])
    b = labels.get(prior["denominator"], prior["denominator"])
    return f"按您给的数字，{a}（{format_yuan(int(num))}）与{b}不相称，请确认{a}的数字和单位。"
