"""Several things of one item in one turn ("国家项目1000万、市里项目600万"): one result of them.

Each project is computed by the rule engine on its own facts; the combined result sums their
amounts, keeps every project's trace under a heading, and writes the sum as a step, so the number
guard sees where the total comes from.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.quantities import format_yuan
from rules.model import Step


def combine_results(results: list):
    """One ``rules.model.Result`` for several projects of the same item (at least one)."""
    first = results[0]
    trace: list[Step] = []
    for n, r in enumerate(results, 1):
        verdict = f"不符合条件（{'；'.join(r.reasons)}）" if r.eligible is False else format_yuan(r.amount_yuan or 0)
        trace.append(Step(f"项目{n} = {verdict}", r.amount_yuan, "计算"))
        trace.extend(r.trace)
    amounts = [r.amount_yuan or 0 for r in results]
    total = sum(amounts)
    eligible = [r for r in results if r.eligible]
    trace.append(Step(" + ".join(format_yuan(a) for a in amounts) + f" = {format_yuan(total)}（各项目合计）",
                      total, "计算"))
    missing = sorted({m for r in results for m in r.missing})
    return replace(
        first, trace=trace, amount_yuan=total if eligible and not missing else None,
        eligible=bool(eligible) if all(r.eligible is not None for r in results) else None,
        missing=missing, reasons=[x for r in results for x in r.reasons],
        assumptions=list(dict.fromkeys(x for r in results for x in r.assumptions)),
        unspecified=list(dict.fromkeys(x for r in results for x in r.unspecified)),
    )
