"""``python -m evals.bench`` helpers: a child that answers while it reads cannot deadlock the bench."""

from __future__ import annotations

import sys
import threading

from evals.bench import run_measured
from tests.ops.conftest import child_env

# Echoes every line as it reads it and logs to stderr too: with 4 MB of input both of its
# output pipes fill long before its input is consumed.
ECHO = "import sys\nfor line in sys.stdin:\n    print(line, end='', flush=True)\n    print(line, end='', file=sys.stderr)\n"


def test_run_measured_reads_while_it_writes(tmp_path):
    stdin = "".join(f"{i:08d} {'长' * 40}\n" for i in range(30_000))  # about 4 MB
    done: list[dict] = []
    # A daemon thread: a deadlock fails the test after 60 s instead of hanging the run.
    worker = threading.Thread(target=lambda: done.append(
        run_measured([sys.executable, "-c", ECHO], child_env(tmp_path), stdin)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done, "run_measured did not finish in 60 s (stdin written before stdout is read?)"
    run = done[0]
    assert run["returncode"] == 0 and "".join(run["lines"]) == stdin
    assert run["stderr"] == stdin and run["first_line_s"] is not None and run["peak_rss_mb"] > 0


def test_run_measured_without_stdin_and_a_child_that_exits_early(tmp_path):
    run = run_measured([sys.executable, "-c", "print('ok')"], child_env(tmp_path), "x\n" * 500_000)
    assert run["returncode"] == 0 and run["lines"] == ["ok\n"]
    run = run_measured([sys.executable, "-c", "import sys; print(len(sys.stdin.read()))"], child_env(tmp_path))
    assert run["lines"] == ["0\n"]
