"""Run generated cases through the assistant, score them, and summarise per item and form.

The assistant is reached only through ``assistant.service`` (``build_assistant``
and ``run_conversation``) and the reply dict it returns, as ``python -m
assistant batch`` does. A case passes when the final reply's ``amount_yuan``
equals the expected amount (None included), its ``eligible`` equals the
expected value where the engine decides one, and, for a case without its
required figure, the route is "clarify" and ``missing`` names that figure.
"""

from __future__ import annotations

import json
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from evals.phrasings.generator import Case

ANSWER_EXCERPT = 300
Converse = Callable[[list[str], str], dict]


def build_converse(retrieval_mode: str = "bm25") -> Converse:
    """One assistant (no audit log), and a function running one conversation on it."""
    from assistant.service import build_assistant, run_conversation

    assistant = build_assistant(retrieval_mode=retrieval_mode, audit=False)
    return lambda turns, case_id: run_conversation(assistant, turns, id=case_id)


def score(case: Case, reply: dict | None) -> dict[str, bool]:
    """The checks of one case on the final reply (None when the conversation raised)."""
    got = reply or {}
    exp = case.expect
    amount = got.get("amount_yuan")
    checks = {"completed": reply is not None,
              "amount": amount == exp["amount_yuan"] and not isinstance(amount, bool)}
    if exp["eligible"] is not None:
        checks["eligible"] = got.get("eligible") is exp["eligible"]
    if exp["route"] == "clarify":
        checks["clarify"] = got.get("route") == "clarify" and exp["missing"] in (got.get("missing") or [])
    return checks


def run_cases(cases: Iterable[Case], converse: Converse) -> list[dict]:
    """Every case run and scored: one row each, with what was expected and what came back."""
    rows = []
    for case in cases:
        reply, error = None, None
        try:
            reply = converse(list(case.turns), case.id)
        except Exception:  # noqa: BLE001 - a crashing case is a failing case, never a stopped run
            error = traceback.format_exc(limit=3)
        checks = score(case, reply)
        rows.append({"id": case.id, "item": case.item, "plan": case.plan, "turns": case.turns,
                     "facts": case.facts, "years": case.years, "expect": case.expect,
                     "got": _got(reply, error), "checks": checks, "passed": all(checks.values()),
                     "forms": case.forms})
    return rows


def _got(reply: dict | None, error: str | None) -> dict[str, Any]:
    if reply is None:
        return {"error": error}
    answer = reply.get("answer") or ""
    return {"amount_yuan": reply.get("amount_yuan"), "eligible": reply.get("eligible"),
            "route": reply.get("route"), "missing": reply.get("missing"),
            "answer": answer[:ANSWER_EXCERPT] + ("…" if len(answer) > ANSWER_EXCERPT else "")}


def summarise(rows: list[dict]) -> dict[str, Any]:
    """Pass rates per item (in the rows' order) and overall."""
    by_item: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        by_item[row["item"]].append(row["passed"])
    items = {item: _rate(results) for item, results in by_item.items()}
    return {"cases": len(rows), "overall": _rate([r["passed"] for r in rows]), "items": items}


def by_form(rows: list[dict], min_cases: int = 20) -> list[tuple[str, int, float]]:
    """(form tag, cases, pass rate) for every form used by ``min_cases`` cases or more, worst first."""
    tags: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        for tag in row["forms"]:
            if not tag.startswith("tpl:"):
                tags[tag].append(row["passed"])
    out = [(tag, len(v), sum(v) / len(v)) for tag, v in tags.items() if len(v) >= min_cases]
    return sorted(out, key=lambda t: (t[2], t[0]))


def _rate(results: list[bool]) -> dict[str, Any]:
    passed = sum(results)
    return {"cases": len(results), "passed": passed, "pass_rate": round(passed / len(results), 4)
            if results else None}


def table(summary: dict[str, Any]) -> str:
    """The per-item table as plain text, overall last."""
    lines = [f"{'item':<26} {'cases':>6} {'pass rate':>10}"]
    for item, stats in summary["items"].items():
        lines.append(f"{item:<26} {stats['cases']:>6} {stats['pass_rate']:>10.3f}")
    overall = summary["overall"]
    lines.append(f"{'overall':<26} {overall['cases']:>6} {overall['pass_rate']:>10.3f}")
    return "\n".join(lines)


def form_table(forms: list[tuple[str, int, float]]) -> str:
    """The per-form pass rates as plain text."""
    lines = [f"{'form':<34} {'cases':>6} {'pass rate':>10}"]
    lines += [f"{tag:<34} {count:>6} {rate:>10.3f}" for tag, count, rate in forms]
    return "\n".join(lines)


def write_failures(rows: list[dict], path: Path) -> int:
    """Write the failing rows as JSONL; returns how many."""
    failing = [row for row in rows if not row["passed"]]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in failing:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(failing)
