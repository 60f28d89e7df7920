"""Conversation state and the reply object of one turn."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

ROUTES = ("rules", "lookup", "clarify", "out_of_scope", "smalltalk")
MAX_CITATIONS = 4


@dataclass
class Session:
    """What one conversation remembers between turns.

    Attributes:
        id: a random id, used by the audit log.
        item: the subsidy item the conversation is about, if any.
        facts: canonical facts gathered so far (see docs/DESIGN.md).
        user_turns: the user's own words, every turn; numbers in them are
            "supported" for the number guard.
    """

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    item: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    user_turns: list[str] = field(default_factory=list)
    last_route: str | None = None
    awards: dict[str, int] = field(default_factory=dict)  # item -> amount computed earlier in this chat
    derived: set[str] = field(default_factory=set)  # facts that hold a derived value (assistant.reading.derive)
    projects: dict[str, list[dict]] = field(default_factory=dict)  # item -> several projects' own facts
    total_years: int | None = None  # the last question asked a total over so many years (0: the policy's)


@dataclass
class CitationOut:
    """One cited article as the JSON contract shows it."""

    clause: int
    title: str
    quote: str


LAYOUTS = ("rules", "lookup", "list", "articles", "plain", "prose", "quotes")


@dataclass
class Parts:
    """The pieces one answer is made of; ``assistant.render.render_text`` writes its text from them.

    Attributes:
        layout: how the text arranges the parts: "rules" (lead, 计算过程 steps, 说明 caveats,
            依据 quotes, 另见 related), "lookup" (lead, the quotes, 注意 caveats, 相关条款 related,
            closing), "list" (lead, the listing, 说明 caveats, closing, the quotes), "articles" (lead,
            the quotes as a list), "plain" (lead and closing, one line each), "prose" (an LLM's text
            as the conclusion, then 依据 quotes; ``steps`` are not in its text), "quotes" (the
            quotes only: the number guard's fallback).
        notes: lines said before the conclusion (a truncated turn, a correction, a reading's arithmetic).
        conclusion: what the answer says first; it may span lines.
        listing: the list the conclusion introduces (items with their amounts, chapters).
        steps: the shown calculation; it always holds the step that decided the amount.
        caveats: assumptions, limits and the policy's open points.
        closing: the last sentence (what to tell the assistant next).
        quotes: the cited articles the text quotes.
        related: further articles the text quotes (另见 / 相关条款).
    """

    layout: str = "plain"
    notes: list[str] = field(default_factory=list)
    conclusion: str = ""
    listing: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    closing: str = ""
    quotes: list[CitationOut] = field(default_factory=list)
    related: list[CitationOut] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"unknown layout {self.layout!r}; one of {', '.join(LAYOUTS)}")

    def to_dict(self) -> dict[str, Any]:
        """The parts as JSON (``Reply.to_dict()["parts"]``)."""
        return asdict(self)


@dataclass
class Reply:
    """One answered turn; ``to_dict`` is the ``ask --json`` contract.

    ``answer`` is the text ``parts`` render to (``assistant.render.render_text``); build a reply
    with ``Reply.from_parts`` and change it with ``set_parts`` or ``replace_text``. A text assigned
    to ``answer`` directly no longer matches the parts, so they are dropped: a reply without parts
    is its answer text alone.
    """

    answer: str
    route: str
    citations: list[CitationOut] = field(default_factory=list)
    amount_yuan: int | None = None
    eligible: bool | None = None
    missing: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    trace: list[str] = field(default_factory=list)
    item: str | None = None
    guard_events: list[str] = field(default_factory=list)
    understood: dict[str, Any] = field(default_factory=dict)  # assistant.reading.understanding
    parts: Parts | None = None  # what ``answer`` is written from
    # Names this answered turn in the audit log (feedback refers to it); not part of ``to_dict``.
    turn_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    def __post_init__(self) -> None:
        if self.parts is not None and self.answer != _render(self.parts):
            raise ValueError("answer is not the text of its parts: build the reply with Reply.from_parts")

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "answer" and getattr(self, "parts", None) is not None and value != _render(self.parts):
            super().__setattr__("parts", None)  # the text was replaced directly: the parts are stale

    @classmethod
    def from_parts(cls, parts: Parts, route: str, **fields: Any) -> Reply:
        """A reply whose answer is the text of ``parts``."""
        return cls(answer=_render(parts), route=route, parts=parts, **fields)

    def set_parts(self, parts: Parts) -> None:
        """Replace the parts, and the answer with their text."""
        super().__setattr__("parts", parts)
        super().__setattr__("answer", _render(parts))

    def replace_text(self, text: str) -> None:
        """Replace the answer with ``text``, which becomes the whole of the parts (its conclusion)."""
        self.set_parts(Parts(conclusion=text))

    @property
    def conclusion(self) -> str:
        """What the answer says first ("" without parts)."""
        return self.parts.conclusion if self.parts is not None else ""

    @property
    def steps(self) -> list[str]:
        """The shown calculation, with the step that decided the amount."""
        return list(self.parts.steps) if self.parts is not None else []

    @property
    def caveats(self) -> list[str]:
        """The answer's caveats."""
        return list(self.parts.caveats) if self.parts is not None else []

    def to_dict(self) -> dict[str, Any]:
        """The reply as the JSON object of the command line and the API."""
        return {
            "answer": self.answer,
            "route": self.route,
            "citations": [asdict(c) for c in self.citations[:MAX_CITATIONS]],
            "amount_yuan": self.amount_yuan,
            "eligible": self.eligible,
            "missing": list(self.missing),
            "latency_ms": round(self.latency_ms, 2),
            "trace": list(self.trace),
            "understood": dict(self.understood),
            "parts": self.parts.to_dict() if self.parts is not None else None,
        }


def _render(parts: Parts) -> str:
    from assistant.render import render_text  # render.py builds on this module's types

    return render_text(parts)
