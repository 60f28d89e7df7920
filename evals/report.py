"""Outputs of a run: results.jsonl, report.md, chart.png and the console table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.acts import ACT_COLUMNS
from evals.metrics import METRIC_ORDER

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
CHART_METRICS = ("route_accuracy", "hit_at_1", "amount_exact", "required_facts", "case_pass_rate")
CATEGORY_COLUMNS = ("cases", "case_pass_rate", "route_accuracy", "hit_at_1", "hit_at_3",
                    "amount_exact", "eligibility", "required_facts", "missing_facts",
                    "unsupported_numbers", "latency_p50_ms", "latency_p95_ms")
ANSWER_PREVIEW = 160


def fmt(value: Any) -> str:
    """A metric value for a table: ratios with three decimals, milliseconds with one, "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1 else f"{value:.1f}"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return lines


def write_results(rows: list[dict], path: Path) -> None:
    """One JSON line per case and mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def summary_table(summary: dict, thresholds: dict | None = None) -> str:
    """The plain-text summary printed at the end of a run."""
    limits = _limits(thresholds or {})
    width = max(len(name) for name in METRIC_ORDER)
    lines = [f"evals: {summary['cases']} cases, mode {summary['mode']}"]
    for name in METRIC_ORDER:
        n = summary["support"].get(name)
        lines.append(f"  {name:<{width}}  {fmt(summary['metrics'].get(name)):>8}"
                     f"  (n={n})  {limits.get(name, '')}".rstrip())
    lines.append("  by category: " + ", ".join(
        f"{cat} {fmt(v['case_pass_rate'])}" for cat, v in summary["by_category"].items()))
    lines += act_table(summary)
    lines.append("  modes (hit@1/hit@3 on retrieval cases): " + ", ".join(
        f"{mode} {fmt(v.get('hit_at_1'))}/{fmt(v.get('hit_at_3'))}" if "error" not in v
        else f"{mode} failed: {v['error']}" for mode, v in summary["modes"].items()))
    return "\n".join(lines)


def act_table(summary: dict) -> list[str]:
    """The console lines of the per-act table and the most frequent disagreeing pairs."""
    by_act = summary.get("by_act") or {}
    if not by_act:
        return []
    width = max(len(a) for a in by_act)
    lines = ["  by expected act (read = share of replies read as that act):",
             f"    {'act':<{width}}  {'cases':>5}  {'pass':>5}  {'read':>5}  {'hit@1':>5}  {'route':>5}"]
    lines += [f"    {act:<{width}}  {v['cases']:>5}  " + "  ".join(
                  f"{fmt(v.get(c)):>5}" for c in ACT_COLUMNS[1:]) for act, v in by_act.items()]
    pairs = summary.get("act_confusion") or []
    if pairs:
        lines.append("  expected → read act: " + ", ".join(
            f"{p['expected']}→{p['read']} {p['cases']}" for p in pairs))
    return lines


def _act_markdown(summary: dict) -> list[str]:
    metrics = summary["metrics"]
    note = ("Cases grouped by the act they ask for (derived from their expectations, see "
            "`evals/acts.py`); *act agreement* is the share whose final reply's `understood.act` is "
            f"that act. Out of scope: precision {fmt(metrics.get('oos_precision'))}, "
            f"recall {fmt(metrics.get('oos_recall'))}.")
    lines = ["", "## By act", "", note, ""]
    lines += _table(["expected act", *ACT_COLUMNS],
                    [[act, *(v.get(c) for c in ACT_COLUMNS)] for act, v in (summary.get("by_act") or {}).items()])
    lines += ["", "### Expected act read as another (most frequent pairs)", ""]
    pairs = summary.get("act_confusion") or []
    if not pairs:
        return [*lines, "None."]
    return lines + _table(["expected act", "read act", "cases"],
                          [[p["expected"], p["read"], p["cases"]] for p in pairs])


def _limits(thresholds: dict) -> dict[str, str]:
    out = {name: f"≥ {v}" for name, v in (thresholds.get("min") or {}).items()}
    out.update({name: f"≤ {v}" for name, v in (thresholds.get("max") or {}).items()})
    return out


def write_markdown(summary: dict, rows: list[dict], path: Path, thresholds: dict | None = None,
                   failures: list[str] | None = None, checker: str = "") -> None:
    """The human report: headline metrics, categories, acts, modes, failed cases."""
    limits = _limits(thresholds or {})
    lines = ["# Evaluation report", "",
             f"{summary['cases']} cases, retrieval mode `{summary['mode']}`; number check: {checker}.",
             "", "![per-category scores and latency](chart.png)", "", "## Metrics", ""]
    lines += _table(["metric", "value", "cases", "threshold"],
                    [[n, summary["metrics"].get(n), summary["support"].get(n), limits.get(n, "")]
                     for n in METRIC_ORDER])
    if failures:
        lines += ["", "**Below threshold:**", ""] + [f"- {f}" for f in failures]
    lines += ["", "## By category", ""]
    lines += _table(["category", *CATEGORY_COLUMNS],
                    [[cat, *(v.get(c) for c in CATEGORY_COLUMNS)] for cat, v in summary["by_category"].items()])
    lines += _act_markdown(summary)
    lines += ["", "## Retrieval modes (lookup, unspecified and wrong-number cases)", ""]
    lines += _table(["mode", "cases", "hit@1", "hit@3", "latency p50 ms", "error"],
                    [[mode, v.get("cases"), v.get("hit_at_1"), v.get("hit_at_3"),
                      v.get("latency_p50_ms"), v.get("error", "")] for mode, v in summary["modes"].items()])
    lines += ["", "## Failed cases", ""] + _failed_lines(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _failed_lines(rows: list[dict]) -> list[str]:
    failed = [r for r in rows if not r["passed"]]
    if not failed:
        return ["None."]
    lines = []
    for r in failed:
        got = r["got"]
        answer = (got.get("answer") or "").replace("\n", " ")[:ANSWER_PREVIEW]
        cites = [c.get("clause") for c in got.get("citations") or []]
        lines.append(f"- **{r['id']}** ({r['category']}): failed {', '.join(r['failed'])}")
        lines.append(f"  - asked: {' ⏎ '.join(t[:80] for t in r['turns'])}")
        lines.append(f"  - expected: `{json.dumps(r['expected'], ensure_ascii=False)}`")
        lines.append(f"  - got: route {got.get('route')}, act {r.get('act')} (expected {r.get('expected_act')}), "
                     f"clauses {cites}, amount {got.get('amount_yuan')}, "
                     f"eligible {got.get('eligible')}, missing {got.get('missing')}")
        if r["error"]:
            lines.append(f"  - error: `{r['error']}`")
        if r["unsupported"]:
            lines.append(f"  - unsupported numbers: {', '.join(r['unsupported'])}")
        lines.append(f"  - answer: {answer}")
    return lines


def write_chart(summary: dict, rows: list[dict], path: Path) -> None:
    """Per-category scores (grouped bars) and the latency histogram, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    categories = list(summary["by_category"])
    fig, (bars, hist) = plt.subplots(1, 2, figsize=(14, 5), gridspec_kw={"width_ratios": [2, 1]})
    width = 0.8 / len(CHART_METRICS)
    for i, metric in enumerate(CHART_METRICS):
        values = [summary["by_category"][c].get(metric) for c in categories]
        xs = [x + i * width for x in range(len(categories))]
        bars.bar(xs, [v or 0 for v in values], width, label=metric)
    bars.set_xticks([x + width * (len(CHART_METRICS) - 1) / 2 for x in range(len(categories))])
    bars.set_xticklabels(categories, rotation=30, ha="right")
    bars.set_ylim(0, 1.2)
    bars.set_ylabel("score")
    bars.set_title(f"Scores by category ({summary['cases']} cases, {summary['mode']})")
    bars.legend(fontsize=8, loc="upper center", ncol=len(CHART_METRICS))
    latencies = [ms for r in rows for ms in r["latencies_ms"]]
    hist.hist(latencies or [0], bins=30, color="tab:gray")
    for name, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
        value = summary["metrics"].get(name)
        if value is not None:
            hist.axvline(value, color="tab:red", linestyle=style, label=f"{name[8:11]} {value:.0f} ms")
    hist.set_xlabel("latency per turn (ms)")
    hist.set_ylabel("turns")
    hist.set_title("Latency")
    hist.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_all(summary: dict, all_rows: list[dict], primary_rows: list[dict], out_dir: Path,
              thresholds: dict | None, failures: list[str], checker: str) -> None:
    """results.jsonl (every mode), report.md and chart.png under ``out_dir``."""
    write_results(all_rows, out_dir / "results.jsonl")
    write_markdown(summary, primary_rows, out_dir / "report.md", thresholds, failures, checker)
    write_chart(summary, primary_rows, out_dir / "chart.png")
