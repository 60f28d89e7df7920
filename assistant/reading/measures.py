"""Measures: numbers with a full dimension, the unit words read on either side of them.

``assistant.quantities`` reads a number and the unit right after it ("42元", "1000平"). A measure
adds what stands around it: "per" phrases before or after the number (每平方米每月租金42元, 月租金
每平米42元, 42元/㎡·月, 一平一个月20块, 每季度5万, 每层600平), period words fused to a noun (月租金,
半年, 全年) and totals over several years (三年一共付了300万). A "per" phrase is a denominator, never
a figure of its own: "一平" in "一平一个月20块" is no area of one square metre.

Dimensions:
    money        a sum of yuan; ``period_months`` when it is per month (1), quarter (3), year (12);
                 ``total_years`` when it covers several years together
    price        money per area (per m²), optionally per period ("元/平方米/月")
    area         m²; ``per_count`` when it is per floor, unit or site ("每层600平")
    count        a number of things; ``counted`` is the unit word ("两层" → "层")
    percent, years, year, months, number, article, ordinal   as ``assistant.quantities`` reads them
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.quantities import Quantity, extract_quantities, fold_width, number_word
from assistant.reading.lexicon import Lexicon, load_lexicon
from assistant.text_clauses import clause_start

_COUNTED = re.compile(r"\s*(层|套|间|栋|处)")
_ADJACENT = re.compile(r"\s*(?:的)?\s*")


@dataclass(frozen=True)
class Measure:
    """One figure of a turn with its dimension.

    Attributes:
        quantity: the number as ``assistant.quantities`` reads it (kind retyped where the measure
            decides it: "20块" is money).
        dimension: see the module docstring.
        period_months: the time the figure is per (1, 3, 6, 12), or None.
        total_years: the number of years a total covers ("三年一共"), or None.
        per_area: True for a price per m².
        per_count: the unit a figure is per ("层" for 每层), or "".
        counted: for a count, its unit word ("层").
        unit_words: the words that gave the dimension, in the order read.
    """

    quantity: Quantity
    dimension: str
    period_months: float | None = None
    total_years: int | None = None
    per_area: bool = False
    per_count: str = ""
    counted: str = ""
    unit_words: tuple[str, ...] = ()

    @property
    def value(self) -> int | float:
        return self.quantity.value

    @property
    def span(self) -> tuple[int, int]:
        return self.quantity.span

    def describe(self) -> str:
        """The dimension as written in ``understood``: "money/area/time", "money/time", "area/count"."""
        parts = [self.dimension if self.dimension != "price" else "money"]
        if self.per_area:
            parts.append("area")
        if self.period_months:
            parts.append("time")
        if self.per_count:
            parts.append("count")
        return "/".join(parts)

    def to_dict(self) -> dict:
        out = {"raw": self.quantity.raw, "value": self.value, "dimension": self.describe(),
               "span": list(self.span)}
        if self.period_months:
            out["per_months"] = self.period_months
        if self.total_years:
            out["total_years"] = self.total_years
        if self.unit_words:
            out["units"] = list(self.unit_words)
        return out


def _per_phrases(text: str, lex: Lexicon) -> list[re.Match]:
    return list(lex.per.finditer(text))


def _inside(span: tuple[int, int], phrases: list[re.Match]) -> bool:
    return any(p.start() <= span[0] and span[1] <= p.end() for p in phrases)


def _window(text: str, start: int, floor: int) -> int:
    """Where the number's own stretch of text begins: its clause, after the previous figure."""
    return clause_start(text, start, floor)


def _after_chain(text: str, end: int, phrases: list[re.Match]) -> tuple[list[re.Match], int]:
    """The "per" phrases right after a number ("/㎡·月", "一平一个月", "每季度")."""
    chain = []
    while True:
        gap = _ADJACENT.match(text, end)
        nxt = next((p for p in phrases if p.start() == gap.end()), None)
        if nxt is None:
            return chain, end
        chain.append(nxt)
        end = nxt.end()


def _periods(lex: Lexicon, stretch: str) -> tuple[float | None, list[str]]:
    """A period word fused to a noun in the stretch before a number ("月租金", "半年")."""
    for pattern, months in lex.period_prefix:
        m = pattern.search(stretch)
        if m:
            return months, [m.group()]
    return None, []


def _years_total(lex: Lexicon, stretch: str) -> int | None:
    m = lex.years_total.search(stretch)
    return number_word(m["n"]) if m else None


def _money_retyped(text: str, q: Quantity, lex: Lexicon) -> Quantity:
    """"20块" is 20 yuan (the quantities reader leaves a bare 块 alone: "两块地")."""
    if q.kind == "number" and lex.kuai.match(text, q.span[1]):
        end = q.span[1] + 1
        return replace(q, kind="money", value=int(q.value), unit="块", span=(q.span[0], end),
                       raw=q.raw + "块")
    return q


def _measure(text: str, q: Quantity, stretch: str, after: list[re.Match], before: list[re.Match],
             lex: Lexicon, clause: str) -> Measure:
    """The measure of one number from the "per" phrases around it.

    ``stretch`` is the text of the number's clause after the previous figure; ``clause`` the whole
    clause before the number (a total over years may name its years as a figure: "三年一共").
    """
    per = [*before, *after]
    units = [p["unit"] for p in per]
    dims = [lex.dimension_of(u) for u in units]
    per_area = "area" in dims or q.kind in ("rate_per_m2", "rate_per_m2_month")
    months = next((lex.size_of(u) for u, d in zip(units, dims) if d == "time"), None)
    if q.kind == "rate_per_m2_month":
        months = 1.0
    words = [p.group() for p in per]
    if months is None and q.kind not in ("area",):
        months, prefix = _periods(lex, stretch)
        words += prefix
    if months is None and lex.per_event.search(stretch):  # "每半年付一次息，每次37万"
        freq = list(lex.frequency.finditer(text, 0, q.span[0]))
        if freq:
            months, words = lex.size_of(freq[-1]["unit"]), [*words, freq[-1].group()]
    if q.kind in ("money", "number", "rate_per_m2", "rate_per_m2_month") and per_area:
        kind = "money" if q.kind == "number" else q.kind
        return Measure(replace(q, kind=kind), "price", months, None, True, unit_words=tuple(words))
    if q.kind == "money":
        total = _years_total(lex, clause)
        return Measure(q, "money", months if not total else None, total, unit_words=tuple(words))
    if q.kind == "area":
        counted = next((u for u, d in zip(units, dims) if d == "count"), "")
        words = [w for w, d in zip(words, dims) if d == "count"]
        return Measure(q, "area", per_count=counted, unit_words=tuple(words))
    if q.kind == "number" and (m := _COUNTED.match(text, q.span[1])):
        return Measure(replace(q, kind="count"), "count", counted=m.group(1))
    return Measure(q, q.kind)


def read_measures(text: object) -> list[Measure]:
    """Every figure of ``text`` with its dimension, in order; "per" phrases are not figures.

    Args:
        text: a user turn (folded to half-width here; spans index the folded text).
    """
    lex = load_lexicon()
    folded = fold_width(text)
    phrases = _per_phrases(folded, lex)
    quantities = [_money_retyped(folded, q, lex) for q in extract_quantities(folded)
                  if not _inside(q.span, phrases)]
    out: list[Measure] = []
    floor = 0
    used: set[int] = set()
    for q in quantities:
        start = _window(folded, q.span[0], floor)
        before = [p for p in phrases if start <= p.start() and p.end() <= q.span[0] and p.start() not in used]
        after, end = _after_chain(folded, q.span[1], phrases)
        used.update(p.start() for p in before + after)
        clause = folded[_window(folded, q.span[0], 0):q.span[0]]
        out.append(_measure(folded, q, folded[start:q.span[0]], after, before, lex, clause))
        floor = max(end, q.span[1])
    return out
