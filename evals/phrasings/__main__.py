"""``python -m evals.phrasings --seed 0 --per-item 200 [--items a,b] [--json] [--failures FILE]``.

Generates questions for every rule item from random values × surface forms,
runs each conversation through the assistant (built once, BM25 retrieval, no
audit log) and prints the pass rate per item and overall. ``--forms`` adds the
pass rate per surface form, worst first. ``--failures FILE`` writes the failing
cases as JSONL (turns, expected, what came back). Exit 2: unknown item ids.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from evals.phrasings import scoring
from evals.phrasings.generator import generate
from rules import engine


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals.phrasings", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--per-item", type=int, default=200, help="cases per item (default: %(default)s)")
    parser.add_argument("--items", default="", help="comma-separated item ids (default: every item)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--forms", action="store_true", help="also print the pass rate per surface form")
    parser.add_argument("--failures", type=Path, help="write the failing cases to this JSONL file")
    parser.add_argument("--mode", default="bm25", choices=("bm25", "hybrid", "dense"),
                        help="retrieval mode of the assistant (default: %(default)s)")
    parser.add_argument("--dump", action="store_true", help="print the generated cases as JSONL, run nothing")
    return parser


def _items(text: str) -> list[str] | None:
    ids = [i.strip() for i in text.split(",") if i.strip()]
    valid = {spec.id for spec in engine.list_items()}
    unknown = [i for i in ids if i not in valid]
    if unknown:
        raise ValueError(f"unknown item(s) {', '.join(unknown)}; valid: {', '.join(sorted(valid))}")
    return ids or None


def main(argv: list[str] | None = None) -> int:
    """Generate, run and report; returns the exit code."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args = build_parser().parse_args(argv)
    logging.getLogger("assistant").setLevel(logging.ERROR)  # guard events would drown the table
    try:
        cases = generate(args.seed, args.per_item, _items(args.items))
    except ValueError as exc:
        print(f"evals.phrasings: {exc}", file=sys.stderr)
        return 2
    if args.dump:
        for case in cases:
            print(json.dumps(case.to_dict(), ensure_ascii=False))
        return 0
    start = time.perf_counter()
    rows = scoring.run_cases(cases, scoring.build_converse(args.mode))
    summary = {**scoring.summarise(rows), "seed": args.seed, "mode": args.mode,
               "seconds": round(time.perf_counter() - start, 1)}
    forms = scoring.by_form(rows)
    if args.failures:
        summary["failures_written"] = scoring.write_failures(rows, args.failures)
    if args.json:
        print(json.dumps({**summary, **({"forms": forms} if args.forms else {})}, ensure_ascii=False, indent=2))
    else:
        print(scoring.table(summary))
        if args.forms:
            print("\n" + scoring.form_table(forms))
        print(f"\nseed {args.seed}, {args.mode} retrieval, {summary['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
