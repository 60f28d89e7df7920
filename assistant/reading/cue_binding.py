"""Binding a turn's figures to facts by their head nouns (the cue table), within their dimension.

Each figure of a turn (a ``Measure``) can fill only a fact of its own dimension; among those, the
fact whose cue (head noun) stands nearest in the figure's clause wins, strong cues before weak
ones, the current item's own input before another item's. Frames decide whether a figure is a
fact at all: a claim about the policy ("补贴是1亿吗"), a tier asked about ("增速超过10%的叠加奖励")
or a figure said of the past next to an award received are not. ``assistant.facts`` assembles
the candidates into one value per fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.quantities import Quantity, format_yuan
from assistant.reading.binding import (
    Reading,
    area_total,
    counted_units,
    price_reading,
    yearly_value,
)
from assistant.reading.lexicon import load_lexicon, roles_for
from assistant.reading.measures import Measure, read_measures
from assistant.text_clauses import CLAUSE_MARKS, clause_end, clause_start


@dataclass(frozen=True)
class Candidate:
    fact: str
    value: int | float
    quantity: Quantity
    threshold: bool
    notes: tuple[str, ...] = ()
    context: bool = False  # said of the past next to an award received: another value wins
    past: bool = False  # said of the past ("去年营收3亿"): a value not so said wins
    conflict: str = ""  # a close call between two readings: ask, set nothing
    measure: Measure | None = None
    guessed: bool = False  # no head noun tied it: the only open input of its dimension took it
    planned: bool = False  # a plan, budget or credit line ("计划投资2亿", "授信5000万"): the actual wins
    negated: bool = False  # a figure not reached ("还没形成5个案例"): another value wins


def clause_of(text: str, q: Quantity) -> tuple[str, str]:
    """The text of the number's clause before and after it."""
    start, end = q.span
    return text[clause_start(text, start, max(0, start - 40)):start], text[end:clause_end(text, end, end + 40)]


def _cue_distance(patterns: list[re.Pattern], before: str, after: str) -> tuple[float, int] | None:
    """(distance, -length) of the nearest cue in the clause; the text after counts half a step more."""
    best = None
    for p in patterns:
        for m in p.finditer(before):
            best = min(best or (9e9, 0), (len(before) - m.end(), -len(m.group())))
        m = p.search(after)
        if m:
            best = min(best or (9e9, 0), (m.start() + 0.5, -len(m.group())))
    return best


def _match_fact(cues: dict, q: Quantity, before: str, after: str, asked: set[str],
                own: tuple[str, str]) -> str | None:
    """The fact whose cue stands nearest the number, strong cues first, then weak ones.

    ``own`` is the clause cut halfway to the neighbouring numbers, where an asked input's cues are looked
    for (see ``_prefer_asked``).
    """
    specs = {n: s for n, s in cues["quantities"].items()
             if s["kind"] == q.kind and (n in asked or not s.get("only_when_asked"))}
    for key, pool in (("cues", specs), ("weak", {n: s for n, s in specs.items() if n in asked})):
        found = {n: d for n, s in pool.items()
                 if (d := _cue_distance(s[key], before, after[:s.get("after_reach", len(after))]))}
        for name in list(found):
            for shadowed in pool[name].get("shadows", []):
                found.pop(shadowed, None)
        if found:
            return _prefer_asked(min(found, key=found.get), specs, *own, asked)
    return None


def _prefer_asked(fact: str, specs: dict, before: str, after: str, asked: set[str]) -> str:
    """The item's own input of the same kind rather than a fact of another item.

    An asked input wins when it refines ``fact`` (lists it in ``shadows``: "市里…资助" for the core
    team is city_funding_yuan, not funding_yuan) or when its own strong cues also fit the number's
    part of the clause, and it is the only such input. A ``shadow_only`` input outranks the fact's
    cue where both stand but is no kind of it ("利息100万" is no guarantee fee). A fact that itself refines an asked input
    (风投 over 投资, 担保费 over 利息) keeps its more specific reading.
    """
    if fact in asked or set(specs[fact].get("shadows", [])) & asked:
        return fact
    options = [n for n in sorted(asked & set(specs))
               if (fact in specs[n].get("shadows", []) and not specs[n].get("shadow_only"))
               or _cue_distance(specs[n]["cues"], before, after)]
    return options[0] if len(options) == 1 else fact


def _bare_fact(cues: dict, q: Quantity, inputs: list, taken: set[str], before: str) -> tuple[str | None, str]:
    """The only open input of the number's kind, else the kind's default fact.

    An award already received is never taken for a figure without its head noun ("是1600万" after a
    correction is the funding, not the matching received): the ``received`` inputs are left out.
    """
    open_ = [i.name for i in inputs if i.type == q.kind and i.name not in taken
             and not cues["quantities"].get(i.name, {}).get("received")]
    if cues["per_year_before"].search(before):  # "一年大概800万": a yearly flow, not a one-off investment
        open_ = [n for n in open_ if cues["quantities"].get(n, {}).get("annual")]
        if not open_:
            return None, ""
    if len(open_) == 1:
        spec = cues["quantities"].get(open_[0], {})
        label = next((i.description for i in inputs if i.name == open_[0]), "") or spec.get("label", open_[0])
        return open_[0], f"已将“{q.raw}”理解为{label}。"
    default = [n for n, s in cues["quantities"].items() if s["kind"] == q.kind and s.get("default")]
    return (default[0], "") if default and not open_ else (None, "")


def claim_frame(cues: dict, before: str, after: str, kind: str = "") -> bool:
    if kind in cues["unawarded_kinds"] and cues["topic_before"].search(before):
        return False  # "租金补贴 800平": the item named as the topic, then the enterprise's area
    if cues["claims_before"].search(before.rstrip()):
        return True
    if cues["claims_after"].match(after) and not cues["hypothetical"].search(before):
        return True
    awards = list(cues["award_words"].finditer(before))
    award = awards[-1] if awards else None
    if award is None or len(before) - award.end() > 8:
        return False
    tail = before[award.end():]
    return not any(p.search(tail) for s in cues["quantities"].values() for p in s["cues"])


def _own_part(before: str, after: str, q: Quantity, prev: Quantity | None, nxt: Quantity | None) -> tuple[str, str]:
    """The clause around ``q`` cut halfway to the numbers next to it ("营收5000万的企业房租100万":
    房租 is 100万's cue, not 5000万's)."""
    if prev is not None and (gap := q.span[0] - prev.span[1]) < len(before):
        before = before[len(before) - gap // 2:]
    if nxt is not None and (gap := nxt.span[0] - q.span[1]) < len(after):
        after = after[:(gap + 1) // 2]
    return before, after


def tier_frame(cues: dict, before: str, after: str) -> bool:
    """"增速超过10%的叠加奖励": a tier of the policy asked about, neither a fact nor a claim.

    "我们营收达到5亿的奖励" speaks of the enterprise itself and stays a fact.
    """
    return bool(cues["tier_before"].search(before.rstrip()) and cues["tier_after"].match(after)
                and not cues["first_person"].search(before))


def _is_context(cues: dict, before: str, after: str) -> bool:
    """A number said of the past in a clause that says an award was already received.

    The amount received itself ("已经拿了150万奖励") is not context: it is the award's value.
    """
    if cues["received"].search(before[-6:]):
        return False
    past = cues["past_before"].search(before) or cues["past_after"].match(after)
    clause = before + after
    return bool(past and cues["received"].search(clause) and cues["award_words"].search(clause))


_ONE = re.compile(r"(?<![0-9零〇一二两三四五六七八九十百千万第])一\s*(?:个|项|套|款)")


def _single_counts(text: str, cues: dict, taken: list[Quantity]) -> list[Quantity]:
    """"形成了一个应用案例": a lone 一 before a measure word is grammar ("一家企业"), except right
    before the head noun of a count fact, where it is the count."""
    heads = [p for s in cues["quantities"].values() if s["kind"] == "count" for p in s["plain"]]
    out = []
    for m in _ONE.finditer(text):
        near = text[m.end():m.end() + 6]
        said_before = text[clause_start(text, m.start()):m.start()]  # "应用案例是一个"
        ends = not near[:1] or near[:1] in CLAUSE_MARKS + "了啊呀吧"
        if (any(p.search(near[:4]) for p in heads) or (ends and any(p.search(said_before) for p in heads))) \
                and not any(q.span[0] <= m.start() < q.span[1] for q in taken):
            out.append(Quantity(1, "count", m.group()[-1], m.span(), m.group()))
    return out


def _bindable(text: str, cues: dict, counts: dict) -> tuple[list[Quantity], dict[tuple[int, int], Measure],
                                                           list[Reading]]:
    """The turn's figures for the cue table, their measures by span, and the figures bound by
    dimension alone (prices per m², per-floor areas without a count)."""
    measures = read_measures(text)
    quantities, by_span, readings = [], {}, []
    for m in measures:
        if m.dimension == "price":
            readings.append(price_reading(m))
            continue
        q = m.quantity
        if m.dimension == "area" and m.per_count:
            total = area_total(m, counts, "面积")
            if total.conflict:
                readings.append(total)
                continue
            q = replace(q, value=total.value)
            m = replace(m, quantity=q, unit_words=(*m.unit_words, total.note))
        quantities.append(q)
        by_span[q.span] = m
    singles = _single_counts(text, cues, quantities)
    for q in singles:
        by_span[q.span] = Measure(q, "count")
    quantities = sorted(quantities + singles, key=lambda q: q.span)
    return quantities, by_span, readings


def quantity_candidates(text: str, inputs: list, cues: dict) -> list[Candidate]:
    """Every figure of ``text`` that states a fact, with the fact it fills (see the module docstring).

    Args:
        text: the turn, folded to half-width.
        inputs: the current item's input specs (their names are "asked"; so are the auxiliary roles
            that derive one of them: a loan's principal for the interest).
        cues: the compiled cue table (``assistant.facts.load_cues``).
    """
    asked = {i.name for i in inputs}
    asked |= roles_for(asked)
    counts = counted_units(text)
    quantities, measures, readings = _bindable(text, cues, counts)
    cued, bare = _cued(text, quantities, measures, asked, cues, {i.type for i in inputs}, counts)
    taken = {fact for fact, *_ in cued}
    out = [_reading_candidate(r, cues, text) for r in readings]
    for fact, q, before, after, frames in cued + bare:
        note = ""
        if fact is None:
            fact, note = _bare_fact(cues, q, inputs, taken, before)
        if fact:
            out.append(_candidate(cues, fact, q, measures.get(q.span), before, after, frames, note))
    return [c for c in out if c is not None]


def _cued(text: str, quantities: list, measures: dict, asked: set, cues: dict, kinds: set,
          counts: dict) -> tuple[list, list]:
    """The figures a head noun ties to a fact (cued) and the others (bare), with their frames."""
    kinds = kinds | {s["kind"] for s in cues["quantities"].values()}
    cued, bare, facts = [], [], {}
    for n, q in enumerate(quantities):
        if q.kind not in kinds:
            continue
        before, after = clause_of(text, q)
        if claim_frame(cues, before, after, q.kind) or tier_frame(cues, before, after):
            continue
        unit = measures[q.span].per_count if q.span in measures else ""
        if unit in counts:  # "租了两层，每层600平": the head noun stands with the count of floors
            before = text[clause_start(text, counts[unit][2]):q.span[0]]
        prev = quantities[n - 1] if n else None
        own = _own_part(before, after, q, prev, quantities[n + 1] if n + 1 < len(quantities) else None)
        since = before[-(q.span[0] - prev.span[1]):] if prev and q.span[0] - prev.span[1] < len(before) else before
        fact = _match_fact(cues, q, before, own[1], asked, own)  # a cue after it may be the next figure's
        if fact is None and prev is not None and prev.kind == q.kind and (
                cues["period"].search(since) or cues["actual"].search(since)):
            fact = facts.get(n - 1)  # "去年营收3亿，今年6亿", "授信5000万，实际用了2000万": the same figure
        if fact:
            facts[n] = fact
        frames = {"past": bool(cues["past_before"].search(since)), "planned": bool(cues["planned"].search(since) or cues["planned_after"].match(after)),
                  "negated": bool(cues["negated_figure"].search(before))}
        (cued if fact else bare).append((fact, q, before, after, frames))
    return cued, bare


def _candidate(cues: dict, fact: str, q: Quantity, measure: Measure | None, before: str, after: str,
               frames: dict, note: str) -> Candidate:
    signed = _signed(cues, fact, q, before, after)
    value, period = yearly_value(cues["quantities"].get(fact, {}), replace(measure, quantity=signed)) \
        if measure else (signed.value, "")
    extra = [w for w in (measure.unit_words if measure else ()) if w.endswith("计算。")]
    notes = tuple(filter(None, (period or note, *extra, _approx_note(q))))
    return Candidate(fact, value, q, bool(cues["threshold_after"].match(after)), notes,
                     _is_context(cues, before, after), frames["past"], measure=measure, guessed=bool(note),
                     planned=frames["planned"], negated=frames["negated"])


def _without_units(before: str) -> str:
    """The text before a figure without the "per" phrases right before it (每平方米每月)."""
    per = load_lexicon().per
    while True:
        m = next((m for m in per.finditer(before) if m.end() == len(before.rstrip())), None)
        if m is None:
            return before
        before = before[:m.start()]


def _reading_candidate(reading: Reading, cues: dict, text: str) -> Candidate | None:
    """A figure bound by its dimension; a claim about the policy ("补贴30元/平方米/月") is none."""
    q = reading.measure.quantity
    before, after = clause_of(text, q)
    if claim_frame(cues, _without_units(before), after, "money"):
        return None  # "租金补贴是不是每平方米每月20元": the award word stands before the per phrases
    notes = (reading.note,) if reading.note else ()
    return Candidate(reading.fact, reading.value, q, False, notes, conflict=reading.conflict,
                      measure=reading.measure)


def _signed(cues: dict, fact: str, q: Quantity, before: str, after: str) -> Quantity:
    """``q`` made negative when the cue nearest to it says the figure fell ("营收下降了3%")."""
    spec = cues["quantities"].get(fact, {})
    if not spec.get("negative") or q.value <= 0:
        return q
    fall = _cue_distance(spec["negative"], before, after)
    rise = _cue_distance(spec["plain"], before, after)
    if fall is None or (rise is not None and rise < fall):
        return q
    return replace(q, value=-q.value)


def _approx_note(q: Quantity) -> str:
    """"八百多平" is read as 800 m², "一个多亿" as 1亿元: say so, the amount is a lower bound."""
    if not q.approx:
        return ""
    written = format_yuan(q.value) if q.kind == "money" else f"{q.value:g}{'平方米' if q.kind == 'area' else q.unit}"
    return f"“{q.raw}”按{written}计算（实际略多于此数，告诉我准确数字可以算得更准）。"
