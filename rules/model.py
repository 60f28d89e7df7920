"""Data classes of the rules engine (the contract in docs/DESIGN.md).

Everything here is plain data with a ``to_dict()`` that is JSON-serialisable,
so the assistant, the command line and the LangChain tools share one shape.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

CN_NUMERALS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
               "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十")

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def clause_label(clause: int) -> str:
    """Return the citation label of an article, e.g. 11 -> "第（十一）条"."""
    return f"第（{CN_NUMERALS[clause]}）条"


@dataclass(frozen=True)
class InputSpec:
    """One fact an item needs, as the calculator and the assistant ask for it."""

    name: str
    type: str  # "money" | "area" | "percent" | "count" | "years" | "bool" | "choice"
    unit: str
    description: str
    required: bool
    choices: tuple[str, ...] = ()
    default: object = None

    def to_dict(self) -> dict:
        return {**asdict(self), "choices": list(self.choices)}


@dataclass(frozen=True)
class ItemSpec:
    """A subsidy item: its clause, names, inputs and routing keywords."""

    id: str
    clause: int
    title: str
    name: str
    inputs: tuple[InputSpec, ...]
    keywords: tuple[str, ...]
    yearly: bool
    max_years: int | None

    def input(self, name: str) -> InputSpec | None:
        """Return the input called ``name`` (None when the item does not use it)."""
        return next((spec for spec in self.inputs if spec.name == name), None)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["inputs"] = [spec.to_dict() for spec in self.inputs]
        data["keywords"] = list(self.keywords)
        return data


@dataclass
class Step:
    """One line of a computation trace."""

    text: str
    value: int | None
    source: str  # "第（十一）条" | "用户提供" | "计算" | "假定"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    """The article and the verbatim sentence(s) a result rests on."""

    clause: int
    title: str
    quote: str

    @property
    def label(self) -> str:
        return clause_label(self.clause)

    def to_dict(self) -> dict:
        return {**asdict(self), "label": self.label}


@dataclass
class Result:
    """The outcome of one item for one set of facts, with its trace."""

    item: str
    clause: int
    title: str
    name: str
    eligible: bool | None
    amount_yuan: int | None
    amount_kind: str  # "exact" | "upper_bound" | "bound_only" | "unspecified" | "none"
    bound_yuan: int | None
    per_year: bool
    years: int | None
    trace: list[Step]
    citation: Citation
    missing: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    unspecified: list[str] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)  # item ids sharing a (十九) choice
    notes: list[str] = field(default_factory=list)

    def numbers(self) -> set[int | float]:
        """Every number in the trace text and values, plus amount, bound and years.

        Whole numbers come back as ``int`` (800.0 -> 800); others as ``float``.
        """
        found: set[int | float] = set()
        for step in self.trace:
            found.update(_as_number(m) for m in _NUMBER.findall(step.text))
            if step.value is not None:
                found.add(step.value)
        for value in (self.amount_yuan, self.bound_yuan, self.years):
            if value is not None:
                found.add(value)
        return found

    def to_dict(self) -> dict:
        data = asdict(self)
        data["trace"] = [step.to_dict() for step in self.trace]
        data["citation"] = self.citation.to_dict()
        return data


@dataclass(frozen=True)
class Provision:
    """A non-monetary article (八, 十八, 十九, 二十), kept as quotable data."""

    clause: int
    title: str
    text: str  # the article body, verbatim
    points: tuple[dict, ...]  # {"key", "description", "quote"}
    unspecified: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"clause": self.clause, "title": self.title, "label": clause_label(self.clause),
                "text": self.text, "points": [dict(p) for p in self.points],
                "unspecified": list(self.unspecified)}


def _as_number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value
