"""Facts from one user turn: numbers, yes/no answers and choices, by canonical fact name.

``extract_facts(text, inputs)`` reads a turn such as "我们是规上企业，租了八百平米，每月房租5万"
and returns ``{"above_scale": True, "area_m2": 800.0, "actual_rent_yuan": 600000}`` with a note for
the monthly conversion. It never guesses between two readings: contradictory statements in one
turn are reported in ``conflicts`` and absurd values in ``errors``, and those facts stay unset.

Readings beyond the nearest cue word:
- the current item's own input wins over a fact of another item of the same kind when it refines
  it or its cues also fit ("核心团队…拿了市里2000万资助" is city_funding_yuan for core_team);
- a value said of the past ("去年营收3亿，今年6亿": a cue-less number after a period word is the
  same figure as the number before it) gives way to another one of the same fact, as does one
  said of the past next to an award already received ("之前营收过5000万的时候已经拿了150万
  奖励") gives way to the current one, like a threshold ("500平方米以上") does;
- a policy tier asked about ("增速超过10%的叠加奖励") is no fact, the enterprise's own figure in a
  question is ("营收首次达到5000万奖励多少", "要是营收3亿呢");
- a fall is a negative number ("营收下降了3%", "负增长2%" → growth_percent -3, -2);
- "八百多平", "一个多亿" are read as the round number with a note that it is a lower bound;
- a bare level reached ("那如果到了1.5亿呢") fills the item's main input of its kind, not an award
  already received; an area right after the item's name ("租金补贴 800平") is the enterprise's.

The words that tie a number or a phrase to a fact are data: ``assistant/data/fact_cues.yaml``
(its header explains the format); flags and choices are read by ``assistant.fact_phrases``.
``inputs`` are the current item's input specs, any objects with ``name``, ``type``, ``unit``,
``description`` and ``choices`` (``rules.model.InputSpec``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.fact_phrases import check_choices, compile_phrases, resolve_phrases
from assistant.quantities import Quantity, fold_width, format_yuan
from assistant.reading.binding import (
    Reading,
    area_total,
    counted_units,
    price_reading,
    yearly_value,
)
from assistant.reading.lexicon import load_lexicon
from assistant.reading.measures import Measure, read_measures
from assistant.reading.places import read_places
from assistant.reading.tenure import newly_settled

CUES_PATH = Path(__file__).resolve().parent / "data" / "fact_cues.yaml"
_CLAUSE_END = re.compile(r"[，。；！？,;!?\n]")
# kind -> (lowest allowed, highest allowed, highest as written, word for messages)
_LIMITS = {"money": (0, 10**13, "10万亿元", "金额"), "area": (0, 10_000_000, "1000万平方米", "面积"),
           "percent": (-100, 100_000, "100000%", "比例"), "count": (0, 1_000_000, "100万", "数量"),
           "years": (0, 100, "100年", "年数"), "price": (0, 100_000, "10万元/平方米", "单价")}


@dataclass
class FactUpdate:
    """What one turn says about the enterprise.

    Attributes:
        facts: canonical fact name -> typed value (int yuan, float m², float %, int, bool, str).
        notes: Chinese sentences on readings made (a monthly amount turned yearly, a bare number
            taken as the only open fact).
        conflicts: Chinese sentences on contradictions; the facts concerned are not set.
        errors: Chinese sentences on impossible values; the facts concerned are not set.
    """

    facts: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # fact -> (figure as said, months per)
    measures: list[Any] = field(default_factory=list)  # the Measure of each fact set, for ``understood``
    places: list[Any] = field(default_factory=list)  # places bound to a condition (reading.places.Place)
    unknown: list[str] = field(default_factory=list)  # said to be so but with no figure ("之前拿过奖励")
    projects: list[dict] = field(default_factory=list)  # several things in one turn, each its own facts
    several: dict[str, list] = field(default_factory=dict)  # fact -> its candidates, several projects
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    fact: str
    value: int | float
    quantity: Quantity
    threshold: bool
    notes: tuple[str, ...] = ()
    context: bool = False  # said of the past next to an award received: another value wins
    past: bool = False  # said of the past ("去年营收3亿"): a value not so said wins
    conflict: str = ""  # a close call between two readings: ask, set nothing
    measure: Measure | None = None


@lru_cache(maxsize=4)
def load_cues(path: Path = CUES_PATH) -> dict:
    """The cue table, with every pattern compiled and its ``<macro>`` names expanded."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    macros = {f"<{name}>": pattern for name, pattern in data.get("macros", {}).items()}
    macro = re.compile("|".join(map(re.escape, macros))) if macros else None

    def compile_(pattern: str) -> re.Pattern:
        return re.compile(macro.sub(lambda m: macros[m.group()], pattern) if macro else pattern)

    for key in ("claims_before", "award_words", "level_before", "claims_after", "hypothetical", "threshold_after", "tier_before", "tier_after", "first_person",
                "past_before", "past_after", "received", "period"):
        data[key] = compile_(data[key])
    data["topic_before"] = re.compile(f"{data['award_words'].pattern}\\s*$")
    for name, role in load_lexicon().roles.items():  # auxiliary figures: a loan's principal, its rate
        if role["dimension"] in ("money", "percent"):
            data["quantities"].setdefault(name, {"kind": role["dimension"], "label": role["label"],
                                                 "cues": list(role["head_patterns"]), "role": True})
    for spec in data["quantities"].values():
        for key in ("cues", "weak", "negative"):
            spec[key] = [compile_(p) for p in spec.get(key, [])]
        spec["plain"], spec["cues"] = spec["cues"], spec["cues"] + spec["negative"]
    compile_phrases(data, compile_)
    return data


def _clause(text: str, q: Quantity) -> tuple[str, str]:
    """The text of the number's clause before and after it."""
    start, end = q.span
    before = text[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before, max(0, start - 40))), default=max(0, start - 40))
    after = text[end:end + 40]
    stop = _CLAUSE_END.search(after)
    return text[cut:start], after[:stop.start()] if stop else after


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
        found = {n: d for n, s in pool.items() if (d := _cue_distance(s[key], before, after))}
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
    part of the clause, and it is the only such input. A fact that itself refines an asked input
    (风投 over 投资, 担保费 over 利息) keeps its more specific reading.
    """
    if fact in asked or set(specs[fact].get("shadows", [])) & asked:
        return fact
    options = [n for n in sorted(asked & set(specs))
               if fact in specs[n].get("shadows", []) or _cue_distance(specs[n]["cues"], before, after)]
    return options[0] if len(options) == 1 else fact


def _bare_fact(cues: dict, q: Quantity, inputs: list, taken: set[str], before: str) -> tuple[str | None, str]:
    """The only open input of the number's kind, else the kind's default fact.

    A level reached ("那如果到了1.5亿呢") is the item's own figure, not an award already received: the
    ``received`` inputs are left out then.
    """
    open_ = [i.name for i in inputs if i.type == q.kind and i.name not in taken]
    if len(open_) > 1 and cues["level_before"].search(before):
        open_ = [n for n in open_ if not cues["quantities"].get(n, {}).get("received")]
    if len(open_) == 1:
        spec = cues["quantities"].get(open_[0], {})
        label = next((i.description for i in inputs if i.name == open_[0]), "") or spec.get("label", open_[0])
        return open_[0], f"已将“{q.raw}”理解为{label}。"
    default = [n for n, s in cues["quantities"].items() if s["kind"] == q.kind and s.get("default")]
    return (default[0], "") if default and not open_ else (None, "")


def _is_claim(cues: dict, before: str, after: str, kind: str = "") -> bool:
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


def fact_labels() -> dict[str, str]:
    """Short Chinese names of the facts and roles of the cue table ("actual_rent_yuan" → "实际租金支出")."""
    return {name: spec["label"] for name, spec in load_cues()["quantities"].items()}


def is_claim(text: str, q: Quantity) -> bool:
    """True when ``q`` is what the user says about the policy ("补贴是1亿", "…1000万吗？").

    Such a number is not a fact about the enterprise, and the number guard does not let an answer
    repeat it on the user's word.
    """
    return _is_claim(load_cues(), *_clause(text, q), q.kind)


def _own_part(before: str, after: str, q: Quantity, prev: Quantity | None, nxt: Quantity | None) -> tuple[str, str]:
    """The clause around ``q`` cut halfway to the numbers next to it ("营收5000万的企业房租100万":
    房租 is 100万's cue, not 5000万's)."""
    if prev is not None and (gap := q.span[0] - prev.span[1]) < len(before):
        before = before[len(before) - gap // 2:]
    if nxt is not None and (gap := nxt.span[0] - q.span[1]) < len(after):
        after = after[:(gap + 1) // 2]
    return before, after


def _is_tier(cues: dict, before: str, after: str) -> bool:
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


def _bindable(text: str) -> tuple[list[Quantity], dict[tuple[int, int], Measure], list[Reading]]:
    """The turn's figures for the cue table, their measures by span, and the figures bound by
    dimension alone (prices per m², per-floor areas without a count)."""
    measures = read_measures(text)
    counts = counted_units(text)
    quantities, by_span, readings = [], {}, []
    for m in measures:
        if m.dimension == "price":
            readings.append(price_reading(m, text))
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
    return quantities, by_span, readings


def _quantity_candidates(text: str, inputs: list, cues: dict) -> list[_Candidate]:
    asked = {i.name for i in inputs}
    kinds = {s["kind"] for s in cues["quantities"].values()} | {i.type for i in inputs}
    quantities, measures, readings = _bindable(text)
    cued, bare, facts = [], [], {}
    for n, q in enumerate(quantities):
        if q.kind not in kinds:
            continue
        before, after = _clause(text, q)
        if _is_claim(cues, before, after, q.kind) or _is_tier(cues, before, after):
            continue
        prev = quantities[n - 1] if n else None
        own = _own_part(before, after, q, prev, quantities[n + 1] if n + 1 < len(quantities) else None)
        since = before[-(q.span[0] - prev.span[1]):] if prev and q.span[0] - prev.span[1] < len(before) else before
        fact = _match_fact(cues, q, before, after, asked, own)
        if fact is None and prev is not None and prev.kind == q.kind and cues["period"].search(since):
            fact = facts.get(n - 1)  # "去年营收3亿，今年6亿": the same figure in another period
        if fact:
            facts[n] = fact
        (cued if fact else bare).append((fact, q, before, after, bool(cues["past_before"].search(since))))
    taken = {fact for fact, *_ in cued}
    out = [_reading_candidate(r, cues, text) for r in readings]
    for fact, q, before, after, past in cued + bare:
        note = ""
        if fact is None:
            fact, note = _bare_fact(cues, q, inputs, taken, before)
        if fact:
            measure = measures.get(q.span)
            signed = _signed(cues, fact, q, before, after)
            value, period = yearly_value(cues["quantities"].get(fact, {}), replace(measure, quantity=signed)) \
                if measure else (signed.value, "")
            threshold = bool(cues["threshold_after"].match(after))
            extra = [w for w in (measure.unit_words if measure else ()) if w.endswith("计算。")]
            notes = tuple(filter(None, (period or note, *extra, _approx_note(q))))
            out.append(_Candidate(fact, value, q, threshold, notes, _is_context(cues, before, after), past,
                                  measure=measure))
    return [c for c in out if c is not None]


def _reading_candidate(reading: Reading, cues: dict, text: str) -> _Candidate | None:
    """A figure bound by its dimension; a claim about the policy ("补贴30元/平方米/月") is none."""
    q = reading.measure.quantity
    before, after = _clause(text, q)
    if _is_claim(cues, before, after, "money"):
        return None
    notes = (reading.note,) if reading.note else ()
    return _Candidate(reading.fact, reading.value, q, False, notes, conflict=reading.conflict,
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


def _check_range(kind: str, value: float, raw: str, label: str) -> str | None:
    low, high, written, word = _LIMITS[kind]
    if kind == "area" and value <= 0 or value < low:
        rule = f"不能低于{low}%" if kind == "percent" else ("必须大于零" if kind == "area" else "不能为负数")
        return f"{label}“{raw}”不合理：{word}{rule}，请提供实际数值。"
    if value > high:
        return f"{label}“{raw}”超出合理范围（上限{written}），请核对后重新告诉我。"
    return None


def _typed(kind: str, value: float) -> int | float:
    if kind in ("money", "count", "years"):
        return round(value)
    if kind == "price":
        return round(float(value), 4)
    return float(value)


def _role_spec(fact: str, candidate: _Candidate) -> dict:
    """A fact bound by dimension alone (the rent price) as the cue table would describe it."""
    role = load_lexicon().roles.get(fact, {})
    return {"kind": role.get("dimension", candidate.quantity.kind), "label": role.get("label", fact)}


def _resolve_quantities(candidates: list[_Candidate], cues: dict, update: FactUpdate) -> None:
    """One value per fact; two different values are a conflict, an absurd one an error."""
    by_fact: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_fact.setdefault(c.fact, []).append(c)
    for fact, group in by_fact.items():
        spec = cues["quantities"].get(fact) or _role_spec(fact, group[0])
        asks = [c.conflict for c in group if c.conflict]
        if asks:
            update.conflicts.append(asks[0])
            continue
        for drop in ("threshold", "context", "past"):  # a plainer, current value wins over these
            if len({c.value for c in group}) > 1:
                group = [c for c in group if not getattr(c, drop)] or group
        if len({c.value for c in group}) > 1 and spec.get("several"):
            update.several[fact] = sorted(group, key=lambda c: c.quantity.span)
            continue
        if len({c.value for c in group}) > 1:
            raws = "、".join(dict.fromkeys(c.quantity.raw for c in group))
            update.conflicts.append(f"您提到了不同的{spec['label']}（{raws}），请确认是哪一个。")
            continue
        c = group[0]
        error = _check_range(spec["kind"], c.value, c.quantity.raw, spec["label"])
        if error:
            update.errors.append(error)
            continue
        update.facts[fact] = _typed(spec["kind"], c.value)
        update.notes.extend(dict.fromkeys(n for x in group for n in x.notes))
        if c.measure is not None:
            update.raw[fact] = (c.measure.value, c.measure.period_months)
            update.measures.append((fact, c.measure))


def _split_projects(text: str, asked: set[str], cues: dict, update: FactUpdate) -> None:
    """"国家项目1000万、市里项目600万": one set of facts per project, each qualifier (the funding's
    level) read from the project's own stretch of text."""
    for fact, group in update.several.items():
        qualifiers = cues["quantities"][fact]["several"]
        start = 0
        for c in group:
            own = FactUpdate()
            resolve_phrases(text[start:c.quantity.span[1]], asked | set(qualifiers), cues, own)
            project = {fact: _typed(cues["quantities"][fact]["kind"], c.value)}
            project.update({q: own.facts[q] for q in qualifiers if q in own.facts})
            update.projects.append(project)
            start = c.quantity.span[1]
        for q in qualifiers:  # the turn's mixed levels are no contradiction: each project has its own
            update.facts.pop(q, None)
            label = cues["choices"].get(q, cues["flags"].get(q, {})).get("label", q)
            update.conflicts[:] = [x for x in update.conflicts if label not in x]


def _received_without_figure(text: str, inputs: list, cues: dict, update: FactUpdate) -> list[str]:
    """Inputs of an award already received that the turn names without its amount ("之前拿过营收
    奖励，现在到了5亿"): the amount must be asked, never assumed to be none."""
    received = [i.name for i in inputs if cues["quantities"].get(i.name, {}).get("received")
                and i.name not in update.facts]
    if not received:
        return []
    for clause in re.split(r"[，。；！？,;!?]", text):
        taken = cues["received"].search(clause)
        if taken and cues["award_words"].search(clause) and not re.search(
                "[没未不]", clause[max(0, taken.start() - 2):taken.start()]):
            return received
    return []


def extract_facts(text: object, inputs: Iterable[Any] = ()) -> FactUpdate:
    """Read the facts one user turn states.

    Args:
        text: the user's turn (anything; it is folded to half-width and never raises).
        inputs: the current item's input specs; a bare number of a kind fills the only open input
            of that kind, and facts marked ``only_when_asked`` in the cue table are read only for them.

    Returns:
        A ``FactUpdate`` with facts, notes, conflicts and errors.
    """
    inputs = [i for i in inputs if hasattr(i, "name") and hasattr(i, "type")]
    folded = fold_width(text)[:10_000]
    cues = load_cues()
    update = FactUpdate()
    _resolve_quantities(_quantity_candidates(folded, inputs, cues), cues, update)
    asked = {i.name for i in inputs}
    resolve_phrases(folded, asked, cues, update)
    _split_projects(folded, asked, cues, update)
    update.unknown = _received_without_figure(folded, inputs, cues, update)
    settled = newly_settled(folded)  # "2017年就入驻了": when it settled decides, over a phrase
    if settled is not None:
        update.facts["newly_settled"] = settled
        update.conflicts[:] = [c for c in update.conflicts if cues["flags"]["newly_settled"]["label"] not in c]
    for place in read_places(folded):  # where an event was held, where the enterprise is registered
        if place.fact in asked:
            update.facts.setdefault(place.fact, place.inside)
        update.places.append(place)
    check_choices(inputs, update)
    return update
