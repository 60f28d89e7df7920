"""One reading of a turn: what it asks for, the figures it states and how, the things it names.

``understand(text, assistant)`` is made once per turn, after normalising; every reply carries it
(``ask --json`` ``understood``), so a wrong answer shows what the turn was read to say:
- ``act``: what the turn asks for, as ``assistant.dispatch.decide`` decided it (amount,
  eligibility, rule, correction, article, scope, stacking, dates, preamble, topic, several,
  overview, smalltalk, out_of_scope, question);
- ``quantities``: each figure with its dimension ("money/area/time"), value and frame (statement,
  claim about the policy, supposition, past, award received, threshold, tier asked about, negated);
- ``items``: the rule items named, best first; ``facts``: what the figures and phrases bind to;
  ``conditions``: the yes/no and choice facts among them, and the places bound to a condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.quantities import fold_width
from assistant.reading.cue_binding import claim_frame, clause_of, tier_frame
from assistant.reading.measures import Measure, read_measures

_NEGATED = ("不是", "没有", "没", "未", "并非", "不到", "不足")


@dataclass
class Understanding:
    """The reading of one turn (see the module docstring)."""

    act: str
    items: list[str] = field(default_factory=list)
    quantities: list[dict] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    places: list[dict] = field(default_factory=list)
    article: int | None = None
    topic: int | None = None

    def bind(self, facts: dict[str, Any]) -> None:
        """Record the facts a rules turn answered from (the item's inputs, gathered so far)."""
        for name, value in facts.items():
            target = self.conditions if isinstance(value, bool | str) else self.facts
            target[name] = value

    def summary(self) -> str:
        """One line for the trace: "理解：amount｜rent_subsidy｜area_m2=1000 …"."""
        facts = "，".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in {**self.facts, **self.conditions}.items())
        return "理解：" + "｜".join(filter(None, [self.act, "、".join(self.items[:2]), facts]))

    def to_dict(self) -> dict[str, Any]:
        out = {"act": self.act, "items": list(self.items), "quantities": list(self.quantities),
               "facts": dict(self.facts), "conditions": dict(self.conditions)}
        if self.places:
            out["places"] = list(self.places)
        if self.article is not None:
            out["article"] = self.article
        return out


def frame_of(text: str, measure: Measure, cues: dict) -> str:
    """How the turn states a figure: "statement" unless a frame word says otherwise."""
    before, after = clause_of(text, measure.quantity)
    if claim_frame(cues, before, after, measure.quantity.kind):
        return "claim"
    if tier_frame(cues, before, after):
        return "tier"
    if cues["hypothetical"].search(before):
        return "supposition"
    if cues["received"].search(before[-8:] + after[:6]):
        return "received"
    if cues["threshold_after"].match(after):
        return "threshold"
    if cues["past_before"].search(before):
        return "past"
    if before.rstrip().endswith(_NEGATED):
        return "negated"
    return "statement"


def understand(text: str, assistant: Any, act: str, article: int | None = None,
               topic: int | None = None) -> Understanding:
    """Read ``text`` once: figures with dimension and frame, items, facts, conditions.

    Args:
        text: the prepared turn (``assistant.turn.Turn.text``).
        assistant: the ``Assistant`` (its item scoring, free reading and cue table).
        act: what the turn asks for, as ``assistant.dispatch.decide`` decided it.
        article: the article the turn names by number; ``topic``: the one it names by topic.
    """
    from assistant.facts import load_cues

    folded = fold_width(text)
    cues = load_cues()
    free = assistant.read_freely(text)
    items = [item for score, item in assistant._score_items(text, assistant.items) if score >= 1][:4]
    quantities = []
    for m in read_measures(folded):
        if m.quantity.kind in ("article", "ordinal"):
            continue
        quantities.append({**m.to_dict(), "frame": frame_of(folded, m, cues)})
    u = Understanding(act, items=items, quantities=quantities, article=article, topic=topic)
    u.bind(free.facts)
    u.places = [{"fact": p.fact, "inside": p.inside, "raw": p.raw} for p in free.places]
    return u
