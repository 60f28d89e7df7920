"""Benchmark: build time, cold start, warm latency per route, batch throughput, memory, retrieval.

    OMP_NUM_THREADS=1 .venv/bin/python -m evals.bench [--data-dir DIR] [--repeat N] [--json FILE] [--smoke]

Prints every figure next to its target (this 2-core machine: warm p95 ≤ 50 ms,
cold start to first answer ≤ 3 s, peak memory ≤ 600 MB with the embedded
store). Not a test: it measures and reports, and exits 0 either way.

What is measured, in order:

1. Index build: ``build_retriever`` into an empty data directory (a temporary
   one unless ``--data-dir``), then reopening the built index.
2. Cold start: ``python -m assistant ask --json Q`` as a fresh subprocess, timed
   from spawn to its first answer line and to its exit, with its peak RSS
   (``os.wait4``); and a phase breakdown in another fresh process (interpreter,
   imports, ``build_assistant``, first answer). When the target is missed, the
   heaviest imports (``python -X importtime``) are listed with who imports them.
3. Warm latency per route: every turn of the eval cases through one built
   assistant (audit log on, as deployed), after a warm-up pass.
4. Batch: all eval conversations through one ``python -m assistant batch``
   subprocess: answers per second (with and without start-up) and peak RSS.
5. Retrieval side by side: dense-only, BM25-only and hybrid hit@1 / hit@3 / MRR
   and latency (``evals.bench_retrieval.evaluate``).

``--smoke`` measures the same things on a sample (one cold start, every
``SMOKE_STEP``-th eval conversation and retrieval question), in well under a
minute; ``scripts/test.sh`` runs it so the benchmark cannot rot unnoticed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
COLD_QUESTION = "我们租了800平米，在认定的专业园区，房租能补多少？"
TARGETS = {"warm_p95_ms": 50.0, "cold_start_s": 3.0, "peak_rss_mb": 600.0}
SMOKE_STEP = 20  # --smoke keeps every 20th eval conversation and retrieval question
_PHASES = """
import json, sys, time
t0 = time.perf_counter()
from assistant.service import build_assistant
t1 = time.perf_counter()
asst = build_assistant()
t2 = time.perf_counter()
asst.respond(asst.new_session(), sys.argv[1])
t3 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "build_s": t2 - t1, "first_answer_s": t3 - t2}))
"""


def child_env(data_dir: Path) -> dict[str, str]:
    """The environment of the measured subprocesses: this data dir, no LLM, offline, one thread."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_LLM", "CHROMA_"))}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1",
               ASSISTANT_AUDIT_DB=str(data_dir / "bench-audit.sqlite3"))
    return env


def run_measured(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> dict[str, Any]:
    """Run ``cmd``; time to the first stdout line and to exit, peak RSS (MB), output lines."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
    # stdin is written and stderr drained in their own threads while stdout is read here: a child
    # that answers as it reads would otherwise fill one pipe while this side waits on another.
    feeder = threading.Thread(target=_feed, args=(proc.stdin, stdin or ""), daemon=True)
    errors: list[str] = []
    drainer = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    feeder.start()
    drainer.start()
    lines, first = [], None
    for line in proc.stdout:
        first = first if first is not None else time.perf_counter() - started
        lines.append(line)
    feeder.join()
    drainer.join()
    stderr = "".join(errors)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"first_line_s": first, "exit_s": time.perf_counter() - started, "returncode": proc.returncode,
            "peak_rss_mb": usage.ru_maxrss / 1024, "lines": lines, "stderr": stderr}


def _feed(pipe: Any, text: str) -> None:
    """Write ``text`` to a child's stdin and close it (a child that exits early is not an error)."""
    try:
        pipe.write(text)
    except BrokenPipeError:
        pass
    finally:
        try:
            pipe.close()
        except BrokenPipeError:
            pass


# -- 1. index build ------------------------------------------------------------------


def bench_index(data_dir: Path) -> tuple[dict[str, float], Any]:
    """Build the index into ``data_dir`` (must not hold one), reopen it; returns figures and the retriever."""
    from knowledge.policy import load_policy
    from knowledge.retriever import build_retriever

    policy = load_policy()
    started = time.perf_counter()
    build_retriever(policy, data_dir=data_dir).close()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever = build_retriever(policy, data_dir=data_dir)
    return {"index_build_s": build_s, "index_reopen_s": time.perf_counter() - started}, retriever


# -- 2. cold start ---------------------------------------------------------------------


def bench_cold(env: dict[str, str], repeat: int) -> dict[str, Any]:
    """Fresh ``ask`` processes (median of ``repeat``) and one phase breakdown."""
    runs = []
    for _ in range(repeat):
        run = run_measured([sys.executable, "-m", "assistant", "ask", "--json", COLD_QUESTION], env)
        if run["returncode"] != 0 or not run["lines"]:
            raise RuntimeError(f"ask failed ({run['returncode']}): {run['stderr'][-2000:]}")
        runs.append(run)
    interpreter = run_measured([sys.executable, "-c", "pass"], env)["exit_s"]
    phases = run_measured([sys.executable, "-c", _PHASES, COLD_QUESTION], env)
    breakdown = json.loads(phases["lines"][-1]) if phases["returncode"] == 0 else {}
    return {
        "cold_first_answer_s": statistics.median(r["first_line_s"] for r in runs),
        "cold_exit_s": statistics.median(r["exit_s"] for r in runs),
        "cold_first_answer_all_s": [round(r["first_line_s"], 2) for r in runs],
        "ask_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "interpreter_s": interpreter,
        **{f"phase_{k}": v for k, v in breakdown.items()},
    }


def heavy_imports(env: dict[str, str], top: int = 12) -> list[dict[str, Any]]:
    """The slowest third-party imports of ``ask`` (``-X importtime``), each with where it comes from.

    ``via`` is the project module whose import pulled it in; an import done inside a
    function at run time shows at top level, so for those ``where`` lists the project
    lines that import the package.
    """
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "assistant", "ask", COLD_QUESTION],
                          cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", check=False)
    rows, stack = [], []  # stack: (depth, module) of the enclosing imports, outermost first
    for line in reversed(done.stderr.splitlines()):  # a parent is printed after its children
        if not line.startswith("import time:") or line.count("|") < 2 or "cumulative" in line:
            continue
        _, cumulative, raw = line[len("import time:"):].split("|", 2)
        name, depth = raw.strip(), (len(raw) - len(raw.lstrip()) - 1) // 2
        stack = [(d, m) for d, m in stack if d < depth]
        via = next((m for d, m in reversed(stack) if m.split(".")[0] in _PROJECT), "")
        parent = stack[-1][1].split(".")[0] if stack else None
        if name.split(".")[0] not in _PROJECT and (parent is None or parent in _PROJECT):
            rows.append({"seconds": int(cumulative) / 1e6, "module": name, "via": via,
                         "where": "" if via else _importers(name)})
        stack.append((depth, name))
    return sorted(rows, key=lambda r: -r["seconds"])[:top]


def _importers(module: str) -> str:
    """Project lines that import ``module`` (for imports done at run time)."""
    pattern = re.compile(rf"^\s*(?:import|from)\s+{re.escape(module)}\b")
    found = []
    paths = [*REPO.glob("*.py"), *(p for d in sorted(_PROJECT) for p in (REPO / d).glob("**/*.py"))]
    for path in sorted(paths):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.match(text):
                found.append(f"{path.relative_to(REPO)}:{number}")
    return ", ".join(found[:3]) or "a dependency's run-time import"


_PROJECT = {"assistant", "knowledge", "rules", "evals", "app"}


# -- 3. warm latency -------------------------------------------------------------------


def bench_warm(asst: Any, conversations: list[list[str]]) -> dict[str, dict[str, float]]:
    """Per-route latency (ms) of every turn, after one warm-up pass over the same turns."""
    for turns in conversations:
        _converse(asst, turns)
    per_route: dict[str, list[float]] = defaultdict(list)
    for turns in conversations:
        for route, ms in _converse(asst, turns):
            per_route[route].append(ms)
    per_route["all"] = [ms for values in list(per_route.values()) for ms in values]
    return {route: _stats(values) for route, values in sorted(per_route.items())}


def slowest_turns(asst: Any, conversations: list[list[str]], top: int = 3) -> list[dict[str, Any]]:
    """The slowest single turns (warm), with their length: what the p95 and max are made of."""
    timed = []
    for turns in conversations:
        for turn, (route, ms) in zip(turns, _converse(asst, turns)):
            timed.append({"ms": ms, "route": route, "chars": len(turn), "text": turn[:24]})
    return sorted(timed, key=lambda t: -t["ms"])[:top]


def _converse(asst: Any, turns: list[str]) -> list[tuple[str, float]]:
    session, timed = asst.new_session(), []
    for turn in turns:
        started = time.perf_counter()
        reply = asst.respond(session, turn)
        timed.append((reply.route, (time.perf_counter() - started) * 1000))
    return timed


def _stats(values: list[float]) -> dict[str, float]:
    from evals.metrics import percentile

    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values)}


# -- 4. batch ----------------------------------------------------------------------------


def bench_batch(env: dict[str, str], conversations: list[list[str]]) -> dict[str, float]:
    """All conversations through one ``batch`` subprocess."""
    stdin = "".join(json.dumps({"id": str(i), "turns": t}, ensure_ascii=False) + "\n"
                    for i, t in enumerate(conversations))
    run = run_measured([sys.executable, "-m", "assistant", "batch"], env, stdin)
    answers = sum(len(json.loads(line).get("turns") or []) for line in run["lines"])
    steady = run["exit_s"] - (run["first_line_s"] or 0)
    return {"batch_conversations": len(run["lines"]), "batch_answers": answers, "batch_wall_s": run["exit_s"],
            "batch_answers_per_s": answers / run["exit_s"],
            "batch_answers_per_s_after_start": answers / steady if steady > 0 else float("nan"),
            "batch_peak_rss_mb": run["peak_rss_mb"]}


# -- 5. retrieval ------------------------------------------------------------------------


def bench_retrieval(retriever: Any, step: int = 1) -> list[dict[str, Any]]:
    """hit@1, hit@3, MRR and latency of dense, BM25 and hybrid on (every ``step``-th) retrieval question."""
    from evals.bench_retrieval import evaluate, load_questions

    questions = load_questions()[::step]
    retriever.search("预热", mode="hybrid")
    results = []
    for mode in ("dense", "bm25", "hybrid"):
        r = evaluate(retriever, questions, mode)
        ms = [x * 1000 for x in r["latencies"]]
        results.append({"mode": mode, "n": r["n"], "hit@1": r["hit@1"], "hit@3": r["hit@3"], "mrr": r["mrr"],
                        "p50_ms": statistics.median(ms), "p95_ms": _stats(ms)["p95"]})
    return results


# -- report ------------------------------------------------------------------------------


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def report(fig: dict[str, Any]) -> None:
    """Print every figure; targets side by side."""
    t = TARGETS
    print(f"machine: {os.cpu_count()} CPUs, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"\nindex build: {fig['index_build_s']:.2f} s   reopen: {fig['index_reopen_s']:.2f} s")
    cold = fig["cold_first_answer_s"]
    print(f"\ncold start to first answer (ask, fresh process): {cold:.2f} s   target ≤ {t['cold_start_s']:.0f} s  "
          f"{_verdict(cold, t['cold_start_s'])}   runs {fig['cold_first_answer_all_s']}  "
          f"exit {fig['cold_exit_s']:.2f} s")
    print(f"  inside a fresh process: interpreter {fig['interpreter_s']:.2f} s, "
          f"imports {fig.get('phase_imports_s', float('nan')):.2f} s, "
          f"build_assistant {fig.get('phase_build_s', float('nan')):.2f} s, "
          f"first answer {fig.get('phase_first_answer_s', float('nan')) * 1000:.0f} ms")
    if fig.get("heavy_imports"):
        print("  heaviest imports (python -X importtime, cumulative):")
    for row in fig.get("heavy_imports", []):
        origin = f"imported by {row['via']}" if row["via"] else f"imported at run time: {row['where']}"
        print(f"    {row['module']:32} {row['seconds']:6.2f} s   {origin}")
    print(f"\nwarm latency per route (ms, {fig['warm']['all']['n']} turns of the eval cases):")
    print(f"  {'route':13} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}")
    for route, s in fig["warm"].items():
        print(f"  {route:13} {s['n']:5d} {s['p50']:8.1f} {s['p95']:8.1f} {s['max']:8.1f}")
    for turn in fig.get("slowest", []):
        print(f"  slowest: {turn['ms']:7.1f} ms  {turn['route']:12} {turn['chars']:6d} chars  {turn['text']!r}")
    p95 = fig["warm"]["all"]["p95"]
    print(f"  overall p95 {p95:.1f} ms   target ≤ {t['warm_p95_ms']:.0f} ms  {_verdict(p95, t['warm_p95_ms'])}")
    print(f"\nbatch: {fig['batch_answers']} answers ({fig['batch_conversations']} conversations) in "
          f"{fig['batch_wall_s']:.1f} s = {fig['batch_answers_per_s']:.1f} answers/s "
          f"({fig['batch_answers_per_s_after_start']:.1f}/s after start-up)")
    peak = max(fig["ask_peak_rss_mb"], fig["batch_peak_rss_mb"])
    print(f"\npeak memory (max RSS): ask {fig['ask_peak_rss_mb']:.0f} MB, batch {fig['batch_peak_rss_mb']:.0f} MB   "
          f"target ≤ {t['peak_rss_mb']:.0f} MB  {_verdict(peak, t['peak_rss_mb'])}")
    print(f"\nretrieval ({fig['retrieval'][0]['n']} questions):")
    print(f"  {'mode':8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for r in fig["retrieval"]:
        print(f"  {r['mode']:8} {r['hit@1']:6.3f} {r['hit@3']:6.3f} {r['mrr']:6.3f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f}")


def run(data_dir: Path, repeat: int, profile: bool, step: int = 1) -> dict[str, Any]:
    """Measure everything with ``data_dir`` as the data directory; returns the figures.

    Args:
        step: keep every ``step``-th eval conversation and retrieval question (1: all).
    """
    from assistant.service import build_assistant
    from assistant.settings import Settings
    from evals.schema import load_cases

    env = child_env(data_dir)
    figures, retriever = bench_index(data_dir)
    figures.update(bench_cold(env, repeat))
    if profile or figures["cold_first_answer_s"] > TARGETS["cold_start_s"]:
        figures["heavy_imports"] = heavy_imports(env)
    conversations = [list(case.turns) for case in load_cases()][::step]
    logging.getLogger("assistant").setLevel(logging.ERROR)  # hostile cases trip the guard on purpose
    asst = build_assistant(Settings(data_dir=data_dir, audit_db=data_dir / "bench-audit.sqlite3"))
    figures["warm"] = bench_warm(asst, conversations)
    figures["slowest"] = slowest_turns(asst, conversations)
    figures.update(bench_batch(env, conversations))
    figures["retrieval"] = bench_retrieval(retriever, step)
    retriever.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="an empty (or index-less) data dir to build into "
                        "and keep; default: a temporary one")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes for the cold start (3)")
    parser.add_argument("--profile", action="store_true", help="list the heaviest imports even when on target")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help=f"a quick run on a sample: one cold start, every "
                        f"{SMOKE_STEP}th conversation and retrieval question (CI runs this)")
    args = parser.parse_args(argv)
    repeat, step = (1, SMOKE_STEP) if args.smoke else (args.repeat, 1)
    if args.data_dir:
        figures = run(args.data_dir, repeat, args.profile, step)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            figures = run(Path(tmp), repeat, args.profile, step)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
