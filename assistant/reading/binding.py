"""Binding measures to facts by dimension: periods, prices, per-unit areas.

``assistant.facts`` ties a figure to a fact by the head nouns in its clause (the cue table). Before
and after that, the dimension of the figure decides what it can be and how it converts:
- a money figure per month, quarter or half-year fills a yearly fact times 12, 4 or 2; a total
  over N years ("三年一共付了300万利息") fills it divided by N;
- a price per m² ("每平方米每月租金42元", "一平一个月20块") is never a sum of money: it is the rent
  price, from which the actual annual rent follows once the area is known (``derive``);
- an area per floor or unit ("两层，每层600平") is multiplied by the count of that unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.quantities import format_yuan, number_word
from assistant.reading.lexicon import load_lexicon
from assistant.reading.measures import Measure

_COUNT = re.compile(r"(?<![每第])([0-9]+|[一二两三四五六七八九十]+)\s*(层|套|间|栋|处)")



@dataclass(frozen=True)
class Reading:
    """One figure bound outside the cue table: a price, a per-unit area total."""

    fact: str
    value: int | float
    measure: Measure
    note: str = ""
    conflict: str = ""


def yearly_value(fact_spec: dict, measure: Measure) -> tuple[int | float, str]:
    """The figure of a yearly fact per year, with a note when it was converted.

    Args:
        fact_spec: the cue-table entry of the fact (its ``annual`` and ``label``).
        measure: the figure as read.
    """
    value = measure.value
    if not fact_spec.get("annual"):
        return value, ""
    label = fact_spec.get("label", "")
    if measure.total_years and measure.total_years > 1:
        yearly = _round(Decimal(value) / measure.total_years)
        return yearly, (f"已将{measure.total_years}年合计的{label}“{measure.quantity.raw}”按每年平均"
                        f"{format_yuan(yearly)}计算。")
    months = measure.period_months
    if months and months < 12:
        yearly = _round(Decimal(value) * Decimal(12) / Decimal(str(months)))
        period, times = {1: ("每月", "按12个月"), 3: ("每季度", "按4个季度"), 6: ("每半年", "按2个半年")}.get(
            int(months), (f"每{months:g}个月", "按月份比例"))
        return yearly, f"已将{period}的{label}“{measure.quantity.raw}”{times}折算为每年{format_yuan(yearly)}。"
    return value, ""


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def price_reading(measure: Measure) -> Reading:
    """A price per m²: the rent price per m² per month (a period-less one by the priors)."""
    lex = load_lexicon()
    value = float(measure.value)
    months = measure.period_months
    note = ""
    if months is None:
        in_month = _within(value, lex.price_period["month"])
        in_year = _within(value, lex.price_period["year"])
        if in_month and in_year:
            raw = measure.quantity.raw
            return Reading("rent_price", value, measure, conflict=(
                f"“{raw}”是每平方米每月的租金，还是每平方米每年的租金？请说明（例如“每平方米每月{raw}”）。"))
        months = 1.0 if in_month or not in_year else 12.0
        note = f"“{measure.quantity.raw}”按每平方米每{'月' if months == 1 else '年'}的租金理解。"
    per_month = value / months
    return Reading("rent_price", round(per_month, 4), measure, note=note)


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def counted_units(text: str) -> dict[str, tuple[int, str, int]]:
    """The counts of floors, units or sites said in the turn ("两层" → {"层": (2, "两层", start)})."""
    out: dict[str, tuple[int, str, int]] = {}
    for m in _COUNT.finditer(text):
        value = number_word(m.group(1))
        if value:
            out.setdefault(m.group(2), (int(value), m.group(), m.start()))
    return out


def area_total(measure: Measure, counts: dict[str, tuple[int, str, int]], label: str) -> Reading:
    """An area per floor (unit, site) times the number of floors said in the turn."""
    n, said, _ = counts.get(measure.per_count, (0, "", 0))
    raw = measure.quantity.raw
    if not n:
        return Reading("area_m2", measure.value, measure,
                       conflict=f"您说“每{measure.per_count}{raw}”，请告诉我一共几{measure.per_count}（或总面积）。")
    total = float(measure.value) * n
    return Reading("area_m2", total, measure,
                   note=f"{label}按每{measure.per_count}{raw} × {said} = {total:g}平方米计算。")
