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


@dataclass
class Reply:
    """One answered turn; ``to_dict`` is the ``ask --json`` contract."""

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
    # Names this answered turn in the audit log (feedback refers to it); not part of ``to_dict``.
    turn_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

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
        }
