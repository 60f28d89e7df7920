"""Run the cases through the assistant, score them, summarise the metrics.

The assistant is reached through the same in-process interface as
``python -m assistant batch`` (``assistant.service``), built once per
retrieval mode. The first mode runs every case; the other modes run the
retrieval cases only, so that dense, BM25 and hybrid retrieval can be
compared side by side. A case that raises is recorded as a failure, never
stops the run.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evals import acts
from evals import metrics as m
from evals.numbers import Checker, default_checker, unsupported_numbers
from evals.schema import Case

MODES = ("hybrid", "bm25", "dense")
# Categories whose article hits depend on retrieval: compared across modes.
RETRIEVAL_CATEGORIES = ("lookup", "unspecified", "wrong_number")
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.yaml"
# Keys of the thresholds file read by other suites (tests/evals/test_phrasings.py), not by --check.
OTHER_THRESHOLDS = {"phrasings_min_per_item"}
TURN_PREVIEW = 300

Converse = Callable[[Any, list[str], str], dict]


@dataclass
class Suite:
    """What a run needs besides the cases; every part can be replaced in tests.

    Attributes:
        build: retrieval mode -> an assistant.
        converse: (assistant, turns, case id) -> the batch row of the conversation.
        check: the unsupported-number checker.
        policy_text: the policy, a source every number may come from.
        checker_name: which checker is used, for the report.
    """

    build: Callable[[str], Any]
    converse: Converse
    check: Checker
    policy_text: str
    checker_name: str = ""


@dataclass
class RunResult:
    """Scored rows of every mode, the first mode being the primary (full) run."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    mode_errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return next(iter(self.rows))


def default_suite() -> Suite:
    """The real assistant, built from ``Settings.from_env()``."""
    from assistant.service import build_assistant, run_conversation
    from assistant.settings import Settings

    settings = Settings.from_env()
    check, name = default_checker()
    return Suite(
        build=lambda mode: build_assistant(settings, retrieval_mode=mode),
        converse=lambda asst, turns, case_id: run_conversation(asst, turns, id=case_id),
        check=check, checker_name=name,
        policy_text=Path(settings.policy_path).read_text(encoding="utf-8"),
    )


def is_retrieval_case(case: Case) -> bool:
    """Whether the case is compared across retrieval modes."""
    return case.category in RETRIEVAL_CATEGORIES and bool(case.expect.get("clauses"))


def _preview(text: str) -> str:
    if len(text) <= TURN_PREVIEW:
        return text
    return f"{text[:TURN_PREVIEW]}…({len(text)} characters)"


def _latencies(row: dict | None, wall_ms: float, n_turns: int) -> list[float]:
    replies = (row or {}).get("turns") or []
    values = [r.get("latency_ms") for r in replies if isinstance(r, dict)]
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values]
    return [wall_ms / max(n_turns, 1)] * max(n_turns, 1)


def _got(row: dict | None) -> dict:
    """The final reply without the per-turn copies, plus each turn's route, act and answer."""
    if not isinstance(row, dict):
        return {}
    got = {k: v for k, v in row.items() if k != "turns"}
    got["turn_replies"] = [{"route": r.get("route"), "act": acts.read_act(r),
                            "amount_yuan": r.get("amount_yuan"), "answer": r.get("answer")}
                           for r in row.get("turns") or [] if isinstance(r, dict)]
    return got


def run_case(assistant: Any, case: Case, suite: Suite, mode: str) -> dict:
    """Run one conversation and score it; an exception becomes a failed row."""
    row, error, unsupported = None, None, []
    start = time.perf_counter()
    try:
        row = suite.converse(assistant, list(case.turns), case.id)
        if not isinstance(row, dict):
            raise TypeError(f"the conversation returned {type(row).__name__}, not a dict")
        unsupported = unsupported_numbers(suite.check, suite.policy_text, list(case.turns), row)
    except Exception as exc:  # noqa: BLE001 - one case must never stop the run
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    wall_ms = (time.perf_counter() - start) * 1000
    checks = m.score_case(case, row if error is None else None, unsupported, error)
    return {
        "mode": mode, "id": case.id, "category": case.category, "item": case.item,
        "turns": [_preview(t) for t in case.turns], "expected": case.expect,
        "got": _got(row) if error is None else {}, "checks": checks,
        "passed": all(checks.values()), "failed": m.failed_checks(checks),
        "unsupported": unsupported, "expects_oos": case.expects_out_of_scope(),
        "expected_act": acts.expected_act(case), "act": acts.read_act(row) if error is None else None,
        "latencies_ms": _latencies(row, wall_ms, len(case.turns)), "error": error,
    }


def run_cases(cases: list[Case], modes: list[str], suite: Suite,
              progress: Callable[[str], None] | None = None) -> RunResult:
    """Run every case in the first mode and the retrieval cases in the others."""
    result = RunResult()
    for index, mode in enumerate(modes):
        selected = cases if index == 0 else [c for c in cases if is_retrieval_case(c)]
        start = time.perf_counter()
        try:
            assistant = suite.build(mode)
        except Exception as exc:
            if index == 0:
                raise
            result.mode_errors[mode] = f"{type(exc).__name__}: {exc}"
            continue
        result.rows[mode] = [run_case(assistant, case, suite, mode) for case in selected]
        result.seconds[mode] = round(time.perf_counter() - start, 2)
        if progress:
            progress(f"{mode}: {len(selected)} cases in {result.seconds[mode]} s")
    return result


def compare_modes(result: RunResult) -> dict[str, dict[str, Any]]:
    """hit@1 and hit@3 of the retrieval cases, for each mode side by side."""
    out: dict[str, dict[str, Any]] = {}
    for mode, rows in result.rows.items():
        subset = [r for r in rows if r["category"] in RETRIEVAL_CATEGORIES and "hit_at_1" in r["checks"]]
        metrics, _ = m.aggregate(subset)
        out[mode] = {"cases": len(subset), "hit_at_1": metrics["hit_at_1"],
                     "hit_at_3": metrics["hit_at_3"], "latency_p50_ms": metrics["latency_p50_ms"]}
    for mode, error in result.mode_errors.items():
        out[mode] = {"cases": 0, "error": error}
    return out


def summarize(result: RunResult) -> dict[str, Any]:
    """The summary of ``--json``: cases, metrics, support, by_category, by_act, act_confusion, modes.

    ``by_act`` groups the cases by the act they ask for (``evals.acts.expected_act``);
    ``act_confusion`` lists the most frequent (expected act, read act) pairs that disagree.
    """
    rows = result.rows[result.primary]
    metrics, support = m.aggregate(rows)
    return {"cases": len(rows), "mode": result.primary, "metrics": metrics, "support": support,
            "by_category": m.by_category(rows), "by_act": acts.by_act(rows),
            "act_confusion": acts.confusion(rows), "modes": compare_modes(result)}


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, dict[str, float]]:
    """``{"min": {...}, "max": {...}}`` from the thresholds file (other suites' keys left out)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or set(data) - {"min", "max"} - OTHER_THRESHOLDS:
        raise ValueError(f"{path}: expected a mapping with 'min' and/or 'max' sections")
    return {key: value for key, value in data.items() if key in ("min", "max")}
