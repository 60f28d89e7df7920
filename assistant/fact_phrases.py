"""Yes/no answers and choices of one user turn, by phrase (the ``flags`` and ``choices`` of the cue table).

A phrase found anywhere in the turn sets its fact ("规上" → above_scale True). A negator before it
flips a flag or gives a choice's ``negated`` value; a question word before it ("是不是规上") makes it
count for nothing. Both reach across a short adverbial (the table's ``negation_gap``): "没有在区里
备案", "未获区政府同意", "有没有在区里备案". A flag's ``bare`` phrases ("备案", "纳入一套表") name the
act itself and count only when negated. ``assistant.facts.extract_facts`` calls ``resolve_phrases``.

A phrase inside the question about an award ("能拿百强企业落户奖励吗", "能申请新落户奖励吗") names the
award, it is no statement about the enterprise: it counts only when the turn states nothing else
about the fact ("不是百强，…能拿百强企业落户奖励吗" is False). A flag's ``unmet`` phrases name its
condition ("认定"): negated in a turn that names the flag's thing ("…互联网生产服务平台，还没有经过认定")
they make the flag False whatever else is said. A
phrase after a flag's or choice's ``not_after`` qualifier ("胡润全球独角兽榜") is another thing and
counts for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from assistant.text_clauses import clause_end, clause_start

_BARE = object()  # value marker of a bare phrase
_REACH = 16  # characters before a phrase searched for its negator or question word


def compile_phrases(data: dict, compile_: Any) -> None:
    """Compile the flags and choices of the raw cue table in place (``compile_`` expands macros)."""
    gap = data["negation_gap"]
    data["negated_before"] = re.compile(f"{data['negators']}{gap}$")
    data["scope_negators"] = re.compile(data["scope_negators"])
    data["contrast"] = re.compile(data["contrast"])
    data["asked_before"] = re.compile(f"{data['questions']}{gap}$")
    for spec in data["flags"].values():
        spec["values"] = {True: spec.pop("true"), False: spec.pop("false")}
        if spec.get("hints"):
            spec["hints"] = {True: [compile_(p) for p in spec["hints"]]}
        if spec.get("bare"):
            spec["values"][_BARE] = spec.pop("bare")
        if spec.get("unmet"):
            spec["unmet"] = {_BARE: [compile_(p) for p in spec["unmet"]]}
    data["topic_after"] = compile_(data["topic_after"])
    for spec in [*data["flags"].values(), *data["choices"].values()]:
        spec["values"] = {v: [compile_(p) for p in ps] for v, ps in spec["values"].items()}
        if spec.get("not_after"):
            spec["not_after"] = compile_(spec["not_after"])


def _phrase_matches(text: str, values: dict) -> list[tuple[int, int, Any]]:
    """Non-overlapping phrase matches (start, end, value), longest first."""
    found = sorted(((m.start(), m.end(), v) for v, ps in values.items() for p in ps for m in p.finditer(text)),
                   key=lambda t: (t[0] - t[1], t[0]))
    kept: list[tuple[int, int, Any]] = []
    for s, e, v in found:
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, v))
    return kept


def _lead(text: str, start: int) -> str:
    """The text of the phrase's clause before it (at most ``_REACH`` characters)."""
    return text[clause_start(text, start, max(0, start - _REACH)):start]


def _stated_values(text: str, values: dict, cues: dict, negated: Any,
                   not_after: re.Pattern | None = None) -> list[tuple[Any, bool, bool]]:
    """(value, named in a question about an award, said of an award received) for each phrase of
    ``values`` in the turn, with negations and questions applied."""
    out = []
    for s, e, value in _phrase_matches(text, values):
        before = _lead(text, s)
        if cues["asked_before"].search(before) or (not_after and not_after.search(before)):
            continue
        is_negated = bool(cues["negated_before"].search(before)) or _in_negated_phrase(before, cues)
        if value is _BARE:
            if not is_negated:
                continue
            value = True
        if is_negated:
            value = negated(value)
        if value is not None:
            out.append((value, bool(cues["topic_after"].match(text, e)), _received(text, s, e, cues)))
    return out


def _received(text: str, start: int, end: int, cues: dict) -> bool:
    """The phrase's clause says its award was already received ("股改的100万已经拿了")."""
    clause = text[clause_start(text, start):clause_end(text, end)]
    award = cues["award_words"].search(clause) or re.search(r"[0-9]|万", clause)
    taken = cues["received"].search(clause)
    return bool(award and taken and not re.search("[没未不]", clause[max(0, taken.start() - 2):taken.start()]))


def _in_negated_phrase(before: str, cues: dict) -> bool:
    """Inside the noun phrase a negator opens ("并非区主管部门认定的人工智能专业园区"): the negation
    reaches to the end of its clause unless a contrast ("而是", "但") starts another statement."""
    negators = list(cues["scope_negators"].finditer(before))
    return bool(negators) and not cues["contrast"].search(before, negators[-1].end())


def resolve_phrases(text: str, asked: set[str], cues: dict, update: Any) -> None:
    """Set the flags and choices ``text`` states on ``update`` (a ``FactUpdate``); report contradictions."""
    flags = {n: (s, lambda v: not v) for n, s in cues["flags"].items()}
    choices = {n: (s, lambda v, s=s: s.get("negated") if s.get("negated") != v else None)
               for n, s in cues["choices"].items()}
    for name, (spec, negated) in {**flags, **choices}.items():
        if spec.get("only_when_asked") and name not in asked:
            continue
        stated = _stated_values(text, spec["values"], cues, negated, spec.get("not_after"))
        hinted = False
        if not stated and spec.get("hints"):  # "今年被认定": the first time, unless a statement says
            stated = _stated_values(text, spec["hints"], cues, negated, spec.get("not_after"))
            hinted = bool(stated)
        if stated and spec.get("unmet") and _stated_values(text, spec["unmet"], cues, negated):
            stated = [(False, False, False)]  # its condition negated: "还没有经过认定"
        if spec.get("received_as"):  # "股改的100万已经拿了": the stage whose award was taken
            taken = [v for v, _, received in stated if received]
            if taken:
                update.facts[spec["received_as"]] = max(taken, key=list(spec["values"]).index)
                stated = [x for x in stated if not x[2]] or stated
        _settle(name, spec, stated, update)
        if hinted:
            update.weak.add(name)


def _settle(name: str, spec: dict, stated: list, update: Any) -> None:
    """One value for the fact from its statements, or a conflict."""
    statements = [v for v, topic, _ in stated if not topic]
    values = list(dict.fromkeys(statements or [v for v, _, _ in stated]))
    if stated and not statements:  # only named in the question about the award: an earlier statement wins
        update.weak.add(name)
    if spec.get("ordered") and values:
        order = list(spec["values"])
        values = [max(values, key=order.index)]
    if len(values) == 1:
        update.facts[name] = values[0]
    elif values:
        update.conflicts.append(f"关于{spec['label']}，您的说法前后不一致，请确认。")


def check_choices(inputs: Iterable, update: Any) -> None:
    """Drop a choice the item does not offer (the vocabulary and the item should agree)."""
    for spec in inputs:
        value = update.facts.get(spec.name)
        if spec.type == "choice" and spec.choices and value is not None and value not in spec.choices:
            del update.facts[spec.name]
