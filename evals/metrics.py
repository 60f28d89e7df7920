"""Scoring: the checks of one case, and the metrics over many.

``score_case`` turns a case and the assistant's row (one line of ``batch``
output) into pass/fail checks. ``aggregate`` turns scored rows into the
metrics of the summary; a ratio is ``None`` when no case applies to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from evals.schema import Case

OUT_OF_SCOPE = "out_of_scope"
# Ratio metrics: the name in the summary -> the per-case check it averages.
RATIO_CHECKS = {
    "hit_at_1": "hit_at_1",
    "hit_at_3": "hit_at_3",
    "amount_exact": "amount_exact",
    "eligibility": "eligibility",
    "required_facts": "required_facts",
    "missing_facts": "missing_facts",
    "route_accuracy": "route",
}
METRIC_ORDER = (*RATIO_CHECKS, "oos_precision", "oos_recall", "unsupported_numbers",
                "latency_p50_ms", "latency_p95_ms", "case_pass_rate", "errors")


def cited_clauses(row: dict | None) -> list[int]:
    """The article numbers of a reply's citations, in order."""
    return [c.get("clause") for c in (row or {}).get("citations") or [] if isinstance(c, dict)]


def _is_amount(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def score_case(case: Case, row: dict | None, unsupported: list[str] | None = None,
               error: str | None = None) -> dict[str, bool]:
    """The pass/fail checks that apply to one case.

    Args:
        case: the case with its expectations (checked on the final turn).
        row: the assistant's row, or None when the conversation raised.
        unsupported: numbers of the answers that no source supports.
        error: the exception text when the conversation raised.

    Returns:
        check name -> passed. Only the checks the case's expectations call for,
        plus ``completed`` and ``unsupported_numbers``.
    """
    got = row or {}
    exp = case.expect
    answer = got.get("answer") if isinstance(got.get("answer"), str) else ""
    checks: dict[str, bool] = {"completed": error is None and row is not None}
    if exp.get("clauses"):
        cites = cited_clauses(row)
        checks["hit_at_1"] = bool(cites) and cites[0] in exp["clauses"]
        checks["hit_at_3"] = any(c in exp["clauses"] for c in cites[:3])
    if "amount_yuan" in exp:
        amount = got.get("amount_yuan")
        checks["amount_exact"] = row is not None and _is_amount(amount) and amount == exp["amount_yuan"]
    if "eligible" in exp:
        checks["eligibility"] = row is not None and got.get("eligible") is exp["eligible"]
    if case.expected_routes():
        checks["route"] = got.get("route") in case.expected_routes()
    if "must_include" in exp or "must_not_include" in exp:
        checks["required_facts"] = (row is not None
                                    and all(s in answer for s in exp.get("must_include", []))
                                    and not any(s in answer for s in exp.get("must_not_include", [])))
    if exp.get("missing"):
        checks["missing_facts"] = set(exp["missing"]) <= set(got.get("missing") or [])
    checks["unsupported_numbers"] = checks["completed"] and not unsupported
    return checks


def failed_checks(checks: dict[str, bool]) -> list[str]:
    """Names of the checks that failed."""
    return [name for name, ok in checks.items() if not ok]


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation; None for no values."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return data[low] + (data[high] - data[low]) * (pos - low)


def _ratio(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


def aggregate(rows: list[dict]) -> tuple[dict[str, Any], dict[str, int]]:
    """Metrics over scored rows (see ``runner.run_case`` for their shape).

    Returns:
        (metrics, support): each metric's value, and how many cases it is over.
    """
    metrics: dict[str, Any] = {}
    support: dict[str, int] = {}
    for metric, check in RATIO_CHECKS.items():
        applicable = [r["checks"][check] for r in rows if check in r["checks"]]
        metrics[metric] = _ratio(sum(applicable), len(applicable))
        support[metric] = len(applicable)
    # cases that do not say what their route should be (some hostile inputs) are not judged
    predicted = [r for r in rows if r["got"].get("route") == OUT_OF_SCOPE and r["expects_oos"] is not None]
    expected = [r for r in rows if r["expects_oos"]]
    metrics["oos_precision"] = _ratio(sum(r["expects_oos"] for r in predicted), len(predicted))
    metrics["oos_recall"] = _ratio(sum(r["got"].get("route") == OUT_OF_SCOPE for r in expected),
                                   len(expected))
    support["oos_precision"], support["oos_recall"] = len(predicted), len(expected)
    metrics["unsupported_numbers"] = sum(len(r["unsupported"]) for r in rows)
    support["unsupported_numbers"] = sum(r["checks"]["completed"] for r in rows)
    latencies = [ms for r in rows for ms in r["latencies_ms"]]
    for name, q in (("latency_p50_ms", 50), ("latency_p95_ms", 95)):
        value = percentile(latencies, q)
        metrics[name] = round(value, 1) if value is not None else None
        support[name] = len(latencies)
    metrics["case_pass_rate"] = _ratio(sum(r["passed"] for r in rows), len(rows))
    metrics["errors"] = sum(r["error"] is not None for r in rows)
    support["case_pass_rate"] = support["errors"] = len(rows)
    return metrics, support


def by_category(rows: list[dict]) -> dict[str, dict[str, Any]]:
    """The metrics of each category's rows, categories in first-seen order."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["category"], []).append(row)
    out = {}
    for category, group in groups.items():
        metrics, _ = aggregate(group)
        out[category] = {"cases": len(group), **metrics}
    return out


def check_thresholds(metrics: dict[str, Any], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """The metrics outside their thresholds, each as a sentence naming it.

    Args:
        metrics: the summary metrics.
        thresholds: ``{"min": {metric: lowest allowed}, "max": {metric: highest allowed}}``.
    """
    failures = []
    for bound, op, word in (("min", lambda v, t: v < t, "below"), ("max", lambda v, t: v > t, "above")):
        for name, limit in (thresholds.get(bound) or {}).items():
            if name not in metrics:
                failures.append(f"{name}: unknown metric in thresholds (valid: {', '.join(METRIC_ORDER)})")
                continue
            value = metrics[name]
            if value is not None and op(value, limit):
                failures.append(f"{name} = {value} is {word} its threshold {limit}")
    return failures
