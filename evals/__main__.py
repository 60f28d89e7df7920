"""``python -m evals [--json] [--check] [--modes hybrid,bm25,dense] [--cases GLOB]``.

Runs every case through the assistant (in process, one assistant per
retrieval mode), writes evals/reports/results.jsonl, report.md and chart.png,
and prints a summary table (or the summary as JSON with ``--json``).
``--check`` exits 1 when a metric is outside evals/thresholds.yaml.
Exit 2: the cases or the thresholds could not be read, or the assistant
could not be built.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from evals import report, runner
from evals.metrics import check_thresholds
from evals.schema import DEFAULT_GLOB, CaseError, load_cases


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a metric misses its threshold")
    parser.add_argument("--modes", default=",".join(runner.MODES),
                        help="retrieval modes, comma-separated; the first runs every case, "
                             "the others the retrieval cases (default: %(default)s)")
    parser.add_argument("--cases", default=DEFAULT_GLOB, help="glob of case files (default: evals/cases/*.yaml)")
    parser.add_argument("--thresholds", type=Path, default=runner.THRESHOLDS_PATH)
    parser.add_argument("--out", type=Path, default=report.REPORTS_DIR, help="where the reports go")
    parser.add_argument("--verbose", action="store_true", help="show the assistant's warnings (guard events)")
    return parser


def _modes(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in modes if m not in runner.MODES]
    if not modes or bad:
        raise ValueError(f"unknown retrieval mode(s) {bad or text!r}; choose from {', '.join(runner.MODES)}")
    return list(dict.fromkeys(modes))


def main(argv: list[str] | None = None, suite: runner.Suite | None = None) -> int:
    """Run the evals; returns the exit code."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args = build_parser().parse_args(argv)
    if not args.verbose:  # guard events are in results.jsonl; keep the summary readable
        logging.getLogger("assistant").setLevel(logging.ERROR)
    try:
        modes = _modes(args.modes)
        cases = load_cases(args.cases)
        thresholds = runner.load_thresholds(args.thresholds)
    except (CaseError, ValueError, OSError) as exc:
        print(f"evals: {exc}", file=sys.stderr)
        return 2
    try:
        suite = suite or runner.default_suite()
        result = runner.run_cases(cases, modes, suite, progress=lambda s: print(f"evals: {s}", file=sys.stderr))
    except Exception as exc:  # noqa: BLE001 - the assistant could not be built
        print(f"evals: could not build the assistant: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    summary = runner.summarize(result)
    failures = check_thresholds(summary["metrics"], thresholds)
    all_rows = [row for rows in result.rows.values() for row in rows]
    report.write_all(summary, all_rows, result.rows[result.primary], args.out, thresholds, failures,
                     suite.checker_name)
    print(json.dumps(summary, ensure_ascii=False, indent=2) if args.json else report.summary_table(summary, thresholds))
    if args.check and failures:
        for failure in failures:
            print(f"evals: FAIL {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
