"""Evaluation cases: the YAML schema, loading and validation.

A case file under ``evals/cases/`` is a list of mappings::

    - id: rent-800-recognized          # unique across all files
      category: rules                  # one of CATEGORIES
      item: rent_subsidy               # optional: the rule item the case exercises
      turns: ["我们租了800平米，房租能补多少？"]
      expect:                          # every key optional; checked on the final turn
        route: rules                   # a route, or a list of acceptable routes
        clauses: [11]                  # acceptable main articles (0 is the preamble)
        amount_yuan: 288000            # exact integer yuan, or null for "no amount"
        eligible: true
        missing: [area_m2]             # fact names that must be in the reply's "missing"
        must_include: ["28.8万元"]      # substrings of the answer
        must_not_include: ["1亿"]

A turn may also be ``{repeat: TEXT, times: N}``, expanded to TEXT repeated N
times, so that a 10,000-character input stays readable in the file.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).resolve().parent / "cases"
DEFAULT_GLOB = str(CASES_DIR / "*.yaml")

CATEGORIES = ("rules", "lookup", "multi_turn", "clarify", "out_of_scope", "unspecified",
              "wrong_number", "hostile", "smalltalk")
ROUTES = ("rules", "lookup", "clarify", "out_of_scope", "smalltalk")
EXPECT_KEYS = ("route", "clauses", "amount_yuan", "eligible", "missing", "must_include",
               "must_not_include")
MAX_CLAUSE = 20
MAX_REPEAT = 100_000


class CaseError(ValueError):
    """A case file that does not follow the schema; the message names the file and case."""


@dataclass(frozen=True)
class Case:
    """One evaluation conversation and what its final turn must show."""

    id: str
    category: str
    turns: tuple[str, ...]
    expect: dict[str, Any] = field(default_factory=dict)
    item: str | None = None
    source: str = ""

    def expected_routes(self) -> tuple[str, ...]:
        """The acceptable routes (empty when the case does not check the route)."""
        route = self.expect.get("route")
        if route is None:
            return ()
        return (route,) if isinstance(route, str) else tuple(route)

    def expects_out_of_scope(self) -> bool | None:
        """Whether the final turn should be declined as out of scope; None when the case does not say."""
        routes = self.expected_routes()
        if routes:
            if "out_of_scope" in routes and len(routes) > 1:
                return None  # declining is one acceptable answer among others: not counted
            return routes == ("out_of_scope",)
        return True if self.category == "out_of_scope" else None


def load_cases(pattern: str | None = None) -> list[Case]:
    """Load and validate every case of the files matching ``pattern``.

    Args:
        pattern: a glob of YAML files; default ``evals/cases/*.yaml``.

    Raises:
        CaseError: a file or case breaks the schema, or two cases share an id.
    """
    files = sorted(glob.glob(pattern or DEFAULT_GLOB))
    if not files:
        raise CaseError(f"no case files match {pattern or DEFAULT_GLOB!r}")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in load_file(Path(path)):
            if case.id in seen:
                raise CaseError(f"{path}: duplicate case id {case.id!r} (also in {seen[case.id]})")
            seen[case.id] = path
            cases.append(case)
    return cases


def load_file(path: Path) -> list[Case]:
    """Load and validate one case file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, list):
        raise CaseError(f"{path}: a case file is a YAML list of cases")
    return [parse_case(entry, str(path)) for entry in raw]


def parse_case(raw: Any, source: str = "<memory>") -> Case:
    """Validate one case mapping and build a ``Case``."""
    if not isinstance(raw, dict):
        raise CaseError(f"{source}: each case is a mapping, got {raw!r}")
    case_id = raw.get("id")
    where = f"{source}: case {case_id!r}"
    if not isinstance(case_id, str) or not case_id.strip():
        raise CaseError(f"{where}: 'id' must be a non-empty string")
    unknown = set(raw) - {"id", "category", "item", "turns", "expect"}
    if unknown:
        raise CaseError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("category") not in CATEGORIES:
        raise CaseError(f"{where}: category must be one of {', '.join(CATEGORIES)}")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns:
        raise CaseError(f"{where}: 'turns' must be a non-empty list")
    expect = raw.get("expect") or {}
    _check_expect(expect, where)
    item = raw.get("item")
    if item is not None and not isinstance(item, str):
        raise CaseError(f"{where}: 'item' must be a rule item id")
    return Case(id=case_id, category=raw["category"], item=item, source=source,
                turns=tuple(expand_turn(t, where) for t in turns), expect=dict(expect))


def expand_turn(turn: Any, where: str = "") -> str:
    """A turn as text: a string as is, ``{repeat: TEXT, times: N}`` expanded."""
    if isinstance(turn, str):
        return turn
    if isinstance(turn, dict) and set(turn) == {"repeat", "times"}:
        text, times = turn["repeat"], turn["times"]
        if isinstance(text, str) and _is_int(times) and 0 < times and len(text) * times <= MAX_REPEAT:
            return text * times
    raise CaseError(f"{where}: a turn is a string or {{repeat: TEXT, times: N}} "
                    f"(at most {MAX_REPEAT} characters), got {turn!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_expect(expect: Any, where: str) -> None:
    if not isinstance(expect, dict):
        raise CaseError(f"{where}: 'expect' must be a mapping")
    unknown = set(expect) - set(EXPECT_KEYS)
    if unknown:
        raise CaseError(f"{where}: unknown expect keys {sorted(unknown)}; valid: {', '.join(EXPECT_KEYS)}")
    route = expect.get("route")
    routes = [route] if isinstance(route, str) else route
    if route is not None and (not isinstance(routes, list) or not routes
                              or any(r not in ROUTES for r in routes)):
        raise CaseError(f"{where}: route must be one of {', '.join(ROUTES)} or a list of them")
    clauses = expect.get("clauses")
    if clauses is not None and (not isinstance(clauses, list) or not clauses
                                or not all(_is_int(c) and 0 <= c <= MAX_CLAUSE for c in clauses)):
        raise CaseError(f"{where}: clauses must be a non-empty list of article numbers 0..{MAX_CLAUSE}")
    if "amount_yuan" in expect and not (expect["amount_yuan"] is None or _is_int(expect["amount_yuan"])):
        raise CaseError(f"{where}: amount_yuan must be an integer number of yuan or null")
    if "eligible" in expect and expect["eligible"] not in (True, False, None):
        raise CaseError(f"{where}: eligible must be true, false or null")
    for key in ("missing", "must_include", "must_not_include"):
        value = expect.get(key)
        if value is not None and (not isinstance(value, list)
                                  or not all(isinstance(v, str) and v for v in value)):
            raise CaseError(f"{where}: {key} must be a list of non-empty strings")
