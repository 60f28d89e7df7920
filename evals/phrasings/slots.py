"""Slots: draw a realistic value for one thing a question states, and write it as a clause.

A slot (``templates.yaml`` → ``items.<item>.slots``) is one thing a question
may state: a number (money, area, count, percent), a compound (a rent price
per m² per month, a money amount per period, a loan's principal × rate) or a
yes/no or choice condition. ``draw`` picks its value, and the form it will be
written in; ``render`` writes it with one of the form's templates. The engine
value of the fact (``Value.value``) follows from what the text says (a
quarterly fee × 4, a price × area × 12), never from how a reader might read it.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evals.phrasings import numerals

PERIODS = {"year": 1, "half": 2, "quarter": 4, "month": 12}
RENT_MONTHS = {"total_month": 1, "total_quarter": 3, "total_year": 12}
AREA_UNITS = ("平方米", "平米", "平", "㎡", "平方", "个平方", "m²")
AREA_UNITS_CHINESE = ("平方米", "平米", "平", "个平方")
PARTS = {2: "两", 3: "三", 4: "四"}
NUMERIC = ("money", "period", "area", "count", "percent")
_REF = re.compile(r"\{(\w+)\}")
_OWN = {"v", "k", "p", "principal", "rate", "name", "n", "noun"}


@dataclass
class Value:
    """A drawn slot: the engine's value of its fact and what the text will show.

    Attributes:
        slot: the slot's name in the templates.
        kind: the slot's kind (money, period, area, count, percent, rent, flag, choice, note).
        fact: the engine fact it states (None for a note).
        value: the engine value (int yuan, int m², int count, float %, bool, choice code).
        form: the template form it is written in ("plain", "parts", "quarter", "loan", "yes", …).
        shown: the numbers the text shows, by placeholder (v, k, p, principal, rate).
    """

    slot: str
    kind: str
    fact: str | None
    value: Any
    form: str
    shown: dict[str, Any] = field(default_factory=dict)


def round_sig(x: float, digits: int, quantum: int = 1) -> int:
    """``x`` rounded to ``digits`` significant digits, and to a multiple of ``quantum``."""
    if x <= 0:
        return quantum
    exp = max(math.floor(math.log10(x)) - digits + 1, 0)
    step = max(10**exp, quantum)
    return max(round(x / step) * step, quantum)


def draw_number(spec: dict, rng: random.Random, scale: float = 1.0, quantum: int = 1) -> int:
    """A whole number in ``spec['range']`` (divided by ``scale``), near a threshold one time in three.

    Args:
        spec: the slot (``range``, optional ``thresholds`` and ``values``).
        rng: the random source.
        scale: the value is drawn for one part of the whole (a month of a year: 12).
        quantum: the smallest unit (100 yuan for money).
    """
    if spec.get("values"):
        return int(rng.choice(spec["values"]) / scale)
    low, high = (bound / scale for bound in spec["range"])
    thresholds = spec.get("thresholds") or []
    if thresholds and rng.random() < 0.35:
        return _near(rng.choice(thresholds) / scale, rng, quantum, low, high)
    x = math.exp(rng.uniform(math.log(max(low, 1)), math.log(high)))
    value = round_sig(x, rng.choice((2, 2, 2, 3, 4)), quantum)
    return min(max(value, round_sig(low, 3, quantum)), int(high))


def _near(t: float, rng: random.Random, quantum: int, low: float, high: float) -> int:
    """A value at or just around threshold ``t`` (499 / 500 / 501 m², 4990万 / 5000万)."""
    t_int = max(round(t / quantum) * quantum, quantum)
    size = max(len(str(t_int)) - 3, 0)
    delta = rng.choice((0, 1, 5, 10)) * 10**size
    delta = max(delta // quantum * quantum, quantum if delta else 0)
    value = t_int + rng.choice((-1, 1)) * delta
    return int(min(max(value, max(low, quantum)), high))


def draw(slot: str, spec: dict, rng: random.Random, form: str | None = None,
         others: dict[str, Value] | None = None) -> Value:
    """Draw slot ``slot``: its value and the form it is written in.

    Args:
        slot: the slot's name.
        spec: the slot's entry in the templates.
        rng: the random source.
        form: force this form (e.g. "plain" or "year" for a value that will be corrected).
        others: the item's slots drawn so far (a rent needs its area).
    """
    kind = spec["kind"]
    fact = spec.get("fact", slot) if kind != "note" else None
    forms = sorted(spec.get("forms") or {})
    chosen = form if form in forms else None
    if kind == "flag":
        yes = rng.random() >= spec.get("p_false", 0.0)
        return Value(slot, kind, fact, yes, "pos" if yes else "neg")
    if kind == "choice":
        codes, weights = zip(*spec["values"].items())
        code = rng.choices(codes, weights)[0]
        return Value(slot, kind, fact, code, code)
    drawer = _DRAWERS[kind]
    return drawer(Value(slot, kind, fact, None, chosen or rng.choice(forms)), spec, rng, others or {})


def _draw_money(v: Value, spec: dict, rng: random.Random, others: dict) -> Value:
    if "range" in spec or "values" in spec:
        v.value = draw_number(spec, rng, quantum=100)
        v.shown["v"] = v.value
    if v.kind == "note":
        v.value = None
    return v


def _draw_period(v: Value, spec: dict, rng: random.Random, others: dict) -> Value:
    if v.form == "loan":
        principal = round_sig(math.exp(rng.uniform(math.log(5e6), math.log(3e8))), 2, 10_000)
        rate = Decimal(rng.randrange(250, 600, 5)) / 100
        v.shown.update(principal=principal, rate=rate)
        v.value = int(principal * rate / 100)
        return v
    per = PERIODS[v.form]
    shown = draw_number(spec, rng, scale=per, quantum=100)
    v.shown["v"], v.value = shown, shown * per
    return v


def _draw_area(v: Value, spec: dict, rng: random.Random, others: dict) -> Value:
    total = draw_number(spec, rng, quantum=1 if spec["range"][0] < 1000 else 10)
    if v.form == "parts":
        ks = [k for k in PARTS if total % k == 0 and total // k >= max(100, spec["range"][0])]
        if not ks:
            v.form = "plain"
        else:
            k = rng.choice(ks)
            v.shown.update(k=k, v=total // k)
    v.shown.setdefault("v", total)
    v.value = total
    return v


def _draw_count(v: Value, spec: dict, rng: random.Random, others: dict) -> Value:
    v.value = draw_number(spec, rng)
    v.shown["v"] = v.value
    return v


def _draw_percent(v: Value, spec: dict, rng: random.Random, others: dict) -> Value:
    thresholds = spec.get("thresholds") or []
    low, high = spec["range"]
    if thresholds and rng.random() < 0.4:
        value = Decimal(str(rng.choice(thresholds))) + Decimal(rng.choice(("-1", "-0.5", "0", "0.5", "1")))
    else:
        value = Decimal(rng.randrange(int(low) * 2, int(high) * 2 + 1)) / 2
    value = max(min(value, Decimal(high)), Decimal(low))
    forms = spec["forms"]
    v.form = "flat" if value == 0 and "flat" in forms else "down" if value < 0 else "up"
    if v.form not in forms or (value == 0 and v.form == "up"):
        value, v.form = Decimal(max(int(low), 1)), "up"
    v.shown["v"], v.value = abs(value), float(value)
    return v


def _draw_rent(v: Value, spec: dict, rng: random.Random, others: dict) -> Value:
    area = others[spec["area"]].value
    low, high = spec["range"]
    price = rng.randint(low, 35) if rng.random() < 0.45 else round_sig(
        math.exp(rng.uniform(math.log(low), math.log(high))), 2)
    v.value = price * area * 12
    if v.form.startswith("price"):
        v.shown["p"] = price * (12 if v.form == "price_year" else 1)
    else:
        v.shown["v"] = price * area * RENT_MONTHS[v.form]
    return v


_DRAWERS = {"money": _draw_money, "note": _draw_money, "period": _draw_period, "area": _draw_area,
            "count": _draw_count, "percent": _draw_percent, "rent": _draw_rent}


def references(template: str) -> set[str]:
    """The other slots a template states through their words ({park_type} …)."""
    return set(_REF.findall(template)) - _OWN


def render(value: Value, spec: dict, rng: random.Random, words: dict[str, list[str]],
           template: str | None = None) -> tuple[str, set[str], set[str]]:
    """Write a drawn slot as a clause.

    Args:
        value: the drawn slot.
        spec: the slot's entry in the templates.
        rng: the random source.
        words: for each other slot still to state, the words that can name its value in passing.
        template: write with this template (else one of the form's, preferring one that
            names another slot half of the time).

    Returns:
        (clause, form tags, the other slots the clause stated).
    """
    templates = spec.get("forms", {}).get(value.form) or []
    if template is None:
        usable = [t for t in templates if references(t) <= set(words)]
        embedding = [t for t in usable if references(t)]
        template = rng.choice(embedding if embedding and rng.random() < 0.5 else
                              [t for t in usable if not references(t)] or usable)
    tags = {f"form:{value.kind}:{value.form}"}
    if template in templates:
        tags.add(f"tpl:{value.slot}:{value.form}:{templates.index(template)}")
    fills = {}
    chinese = "/" not in template  # 42元/㎡·月, never 四十二元/㎡·月
    for key, number in value.shown.items():
        fills[key], tag = write_number(value.kind, key, number, rng, chinese)
        tags.add(tag)
    refs = references(template)
    fills.update({ref: rng.choice(words[ref]) for ref in sorted(refs)})
    return _REF.sub(lambda m: fills.get(m.group(1), m.group(0)), template), tags, refs


def write_number(kind: str, key: str, number: Any, rng: random.Random,
                 chinese: bool = True) -> tuple[str, str]:
    """Write one shown number with its unit, as the slot's kind and the placeholder want.

    Args:
        kind: the slot's kind.
        key: the placeholder (v, k, p, principal, rate).
        number: the number shown.
        rng: the random source.
        chinese: allow Chinese numerals (not beside a slash unit).
    """
    if key == "k":
        return PARTS[number], "num:parts"
    if key == "rate" or kind == "percent":
        return numerals.percent(Decimal(str(number)), rng)
    if kind in ("money", "period", "note") or key in ("principal",) or (kind == "rent" and key == "v"):
        return numerals.money(int(number), rng)
    if kind == "rent":  # a price per m²: the template carries 元/块
        return numerals.number(number, rng, chinese=chinese)
    if kind == "count":
        text, tag = numerals.number(number, rng)
        return ("两" if text == "二" else text) + "个", tag
    text, tag = numerals.number(number, rng, wan=number >= 10_000)
    unit = rng.choice(AREA_UNITS_CHINESE if tag == "num:chinese" else AREA_UNITS)
    if tag == "num:wan":
        unit = rng.choice(("平方米", "平米"))
    return text + unit, tag
