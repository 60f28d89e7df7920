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
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from assistant.fact_phrases import check_choices, compile_phrases, resolve_phrases
from assistant.quantities import Quantity, fold_width
from assistant.reading.cue_binding import (
    Candidate,
    claim_frame,
    clause_of,
    quantity_candidates,
)
from assistant.reading.lexicon import load_lexicon
from assistant.reading.places import read_places
from assistant.reading.tenure import newly_settled
from assistant.text_clauses import marks_class, split_clauses
from rules.facts import RANGES as FACT_RANGES
from rules.facts import UNITS as FACT_UNITS

CUES_PATH = Path(__file__).resolve().parent / "data" / "fact_cues.yaml"
# The ranges of values are the rule engine's (rules.facts.RANGES). A price per m² is no fact of the
# engine (it only derives actual_rent_yuan), so its range is the reading's own.
RANGES = {**FACT_RANGES, "price": (0, 100_000, True)}
# kind -> (highest as written, word for messages); the written figure reads as RANGES' highest
LIMIT_WORDS = {"money": ("10万亿元", "金额"), "area": ("1000万平方米", "面积"), "percent": ("100000%", "比例"),
               "count": ("100万", "数量"), "years": ("100年", "年数"), "price": ("10万元/平方米", "单价")}


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
    guessed: set[str] = field(default_factory=set)  # bound by dimension alone, no head noun
    weak: set[str] = field(default_factory=set)  # only named in the question ("能拿独角兽奖励吗")
    past: set[str] = field(default_factory=set)  # said of the past ("之前营收过5000万那会"): an earlier turn's stands
    unknown: list[str] = field(default_factory=list)  # said to be so but with no figure ("之前拿过奖励")
    projects: list[dict] = field(default_factory=list)  # several things in one turn, each its own facts
    several: dict[str, list] = field(default_factory=dict)  # fact -> its candidates, several projects
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def load_cues(path: Path = CUES_PATH) -> dict:
    """The cue table, with every pattern compiled and its ``<macro>`` names expanded."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    macros = {f"<{name}>": pattern for name, pattern in data.get("macros", {}).items()}
    macro = re.compile("|".join(map(re.escape, macros))) if macros else None

    def compile_(pattern: str) -> re.Pattern:
        return re.compile(macro.sub(lambda m: macros[m.group()], pattern) if macro else pattern)

    for key in ("claims_before", "award_words", "level_before", "claims_after", "hypothetical", "threshold_after",
                "actual", "planned", "planned_after", "negated_figure", "tier_before", "tier_after", "first_person",
                "past_before", "past_after", "received", "period", "per_year_before"):
        data[key] = compile_(data[key])
    data["topic_before"] = re.compile(f"{data['award_words'].pattern}\\s*$")
    for name, role in load_lexicon().roles.items():  # auxiliary figures: a loan's principal, its rate
        if role["dimension"] in ("money", "percent"):
            data["quantities"].setdefault(name, {"kind": role["dimension"], "label": role["label"],
                                                 "cues": list(role["heads"]), "role": True,
                                                 "after_reach": role.get("after_reach", 6)})
    for spec in data["quantities"].values():
        for key in ("cues", "weak", "negative"):
            spec[key] = [compile_(p) for p in spec.get(key, [])]
        spec["plain"], spec["cues"] = spec["cues"], spec["cues"] + spec["negative"]
    compile_phrases(data, compile_)
    return data


def merge_facts(known: dict, update: FactUpdate) -> None:
    """Add a turn's facts to those gathered so far: a status only named in the question about the
    award ("能申请大模型企业落户奖励吗") does not undo what an earlier turn stated ("我们没有大模型"),
    nor does a figure said of the past ("之前营收过5000万那会拿过150万") undo a current one."""
    held = update.weak | update.past
    known.update({k: v for k, v in update.facts.items() if k not in held or k not in known})


def fact_labels() -> dict[str, str]:
    """Short Chinese names of the facts and roles of the cue table ("actual_rent_yuan" → "实际租金支出")."""
    return {name: spec["label"] for name, spec in load_cues()["quantities"].items()}


def is_claim(text: str, q: Quantity) -> bool:
    """True when ``q`` is what the user says about the policy ("补贴是1亿", "…1000万吗？").

    Such a number is not a fact about the enterprise, and the number guard does not let an answer
    repeat it on the user's word.
    """
    return claim_frame(load_cues(), *clause_of(text, q), q.kind)


def _check_range(kind: str, value: float, raw: str, label: str) -> str | None:
    (low, high, inclusive), (written, word) = RANGES[kind], LIMIT_WORDS[kind]
    if value < low or (value == low and not inclusive):
        rule = f"不能低于{low}{FACT_UNITS[kind]}" if low < 0 else ("不能为负数" if inclusive else "必须大于零")
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


def _role_spec(fact: str, candidate: Candidate) -> dict:
    """A fact bound by dimension alone (the rent price) as the cue table would describe it."""
    role = load_lexicon().roles.get(fact, {})
    return {"kind": role.get("dimension", candidate.quantity.kind), "label": role.get("label", fact)}


_INSIDE = marks_class(inside=True)
_JOINED = re.compile(f"^{_INSIDE}{{0,8}}?(?:加|和|\\+|＋|另外|另有|还有|以及|再加){_INSIDE}{{0,8}}$")


def _joined(text: str, group: list[Candidate]) -> bool:
    """The figures are joined as parts of one whole ("800平加700平", "一楼800平和二楼700平")."""
    spans = sorted(c.quantity.span for c in group)
    return all(_JOINED.match(text[a[1]:b[0]]) for a, b in pairwise(spans))


def _summed(group: list[Candidate], spec: dict) -> Candidate:
    total = sum(c.value for c in group)
    parts = " + ".join(c.quantity.raw for c in group)
    return replace(group[0], value=total, notes=(f"{spec['label']}按{parts} = {total:g}计算。",))


def _resolve_quantities(candidates: list[Candidate], cues: dict, update: FactUpdate, text: str = "") -> None:
    """One value per fact; two different values are a conflict, an absurd one an error."""
    by_fact: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_fact.setdefault(c.fact, []).append(c)
    for fact, group in by_fact.items():
        spec = cues["quantities"].get(fact) or _role_spec(fact, group[0])
        asks = [c.conflict for c in group if c.conflict]
        if asks:
            update.conflicts.append(asks[0])
            continue
        if spec.get("parts") and len(group) > 1 and _joined(text, group):
            group = [_summed(group, spec)]  # "一楼800平加二楼700平": parts of one figure
        for drop in ("negated", "planned", "threshold", "context", "past"):  # a plainer, current value wins
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
        if c.guessed:
            update.guessed.add(fact)
        if c.past or c.context:
            update.past.add(fact)
        if c.measure is not None:
            update.raw[fact] = (c.measure.value, c.measure.period_months)
            update.measures.append((fact, c.measure))


def _qualitative(text: str, asked: set[str], update: FactUpdate) -> None:
    """A figure said in words ("营收和上一年持平" is a growth of 0%), when no figure fills the fact."""
    for fact, values in load_lexicon().qualitative.items():
        if fact in update.facts or (asked and fact not in asked):
            continue
        for value, phrase in values:
            if m := phrase.search(text):
                update.facts[fact] = value
                update.notes.append(f"“{m.group()}”按{value:g}%理解。")
                break


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
    for clause in split_clauses(text):
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
    _resolve_quantities(quantity_candidates(folded, inputs, cues), cues, update, folded)
    asked = {i.name for i in inputs}
    _qualitative(folded, asked, update)
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
