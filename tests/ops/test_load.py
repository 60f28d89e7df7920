"""Load: the web app on loopback, 20 concurrent sessions × 25 turns through ``/ask``.

``python app.py`` is started as a user starts it (``GRADIO_SERVER_PORT`` = a
free port, 127.0.0.1 only) on the session's data directory. Each session has
its own facts (area 500 + 10·i m², actual rent 300·area + i yuan), replays its
own history on every call (``/ask`` is stateless; the last ``MAX_HISTORY_TURNS``
turns, and every fact is restated within them; the server resumes from its
conversation cache) and checks its own amounts,
so a fact leaking from one session into another changes an amount and fails.
Bounded: 60 s for start-up, ``DEADLINE_S`` for the whole load. The latency
percentiles are printed (``pytest -s``) and written to ``load-summary.json``
in the test's temporary directory.

The hostile inputs go through ``/ask`` here too, each followed by the normal
question in the same (replayed) conversation; those over the server's
characters-per-turn limit must be refused with a message that names it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.session import ROUTES
from assistant.settings import Settings
from tests.ops.conftest import PYTHON, REPO, child_env, free_port, server_process
from tests.ops.hostile_inputs import HOSTILE, NORMAL, NORMAL_AMOUNT
from tests.ops.load_script import SESSIONS, TURNS, mismatch, percentile, script
from ui.format import MAX_HISTORY_TURNS

pytestmark = pytest.mark.server

DEADLINE_S = 150
MAX_TURN_CHARS = Settings().max_turn_chars


def _up(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return resp.status == 200


@pytest.fixture(scope="module")
def app_url(assistant, ops_data_dir, tmp_path_factory):
    """``python app.py`` on a free loopback port, over the session's built index."""
    port = free_port()
    env = child_env(ops_data_dir, GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port))
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("app") / "app.log"
    with server_process([PYTHON, str(REPO / "app.py")], env, lambda: _up(url), log, timeout=90):
        yield url


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


def _run_session(url: str, i: int, deadline: float, latencies: list[float], lock: threading.Lock,
                 inside: list[float] | None = None) -> list[str]:
    client = _client(url)
    history: list[str] = []
    errors: list[str] = []
    for number, (question, expect) in enumerate(script(i)):
        if time.monotonic() > deadline:
            return errors + [f"session {i}: deadline passed at turn {number}"]
        started = time.perf_counter()
        try:
            reply = client.predict(question, history[-MAX_HISTORY_TURNS:], api_name="/ask")
        except Exception as exc:  # noqa: BLE001 - counted as an error
            errors.append(f"session {i} turn {number}: {type(exc).__name__}: {exc}")
            continue
        finally:
            with lock:
                latencies.append(time.perf_counter() - started)
        if inside is not None:
            with lock:
                inside.append(float(reply.get("latency_ms") or 0.0))
        problem = mismatch(reply, expect)
        if problem:
            errors.append(f"session {i} turn {number} ({question}): {problem}")
        history.append(question)
    return errors


def _audit_rows(ops_data_dir) -> int:
    path = ops_data_dir / "audit.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=5) as conn:
        return conn.execute("SELECT count(*) FROM turns").fetchone()[0]


def test_concurrent_sessions_through_ask(app_url, ops_data_dir, tmp_path):
    audit_before = _audit_rows(ops_data_dir)
    latencies: list[float] = []
    inside: list[float] = []  # the assistant's own time for the asked turn (reply latency_ms)
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_S
    solo: list[float] = []  # one session alone first: the latency without contention
    assert not _run_session(app_url, SESSIONS, deadline, solo, lock)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        futures = [pool.submit(_run_session, app_url, i, deadline, latencies, lock, inside) for i in range(SESSIONS)]
        errors = [e for f in futures for e in f.result(timeout=DEADLINE_S + 60)]
    wall = time.perf_counter() - started
    summary = {
        "sessions": SESSIONS, "turns": TURNS, "requests": len(latencies), "errors": len(errors),
        "wall_s": round(wall, 1), "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "assistant_turn_p95_ms": round(percentile(inside, 95), 1),
        "solo_p50_ms": round(percentile(solo, 50) * 1000, 1), "solo_p95_ms": round(percentile(solo, 95) * 1000, 1),
    }
    (tmp_path / "load-summary.json").write_text(json.dumps(summary), encoding="utf-8")
    print(f"\nload /ask: {json.dumps(summary)}")
    assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}"
    assert len(latencies) == SESSIONS * TURNS
    # The app kept its audit log under load (at least one row per answered request).
    assert _audit_rows(ops_data_dir) - audit_before >= SESSIONS * TURNS


def _deliverable(text: str) -> bool:
    """JSON over HTTP carries any text that is valid UTF-8 (not lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_hostile_inputs_through_ask(app_url):
    from evals.numbers import guard_checker, unsupported_numbers
    from knowledge.policy import load_policy

    policy = load_policy()
    text_of_policy = "\n".join([policy.preamble.text, *(a.text for a in policy.articles.values())])
    check = guard_checker()
    cases = [(name, text) for name, text in HOSTILE if _deliverable(text)]

    def one(case: tuple[str, str]) -> list[str]:
        name, text = case
        client = _client(app_url)
        if len(text) > MAX_TURN_CHARS:  # refused by the server's limit, with a message that says so
            return _refused_clearly(client, name, text)
        first = client.predict(text, None, api_name="/ask")
        follow = client.predict(NORMAL, [text], api_name="/ask")
        problems = []
        if first.get("route") not in ROUTES or not str(first.get("answer") or "").strip():
            problems.append(f"{name}: unclear reply {first.get('route')!r}")
        if follow.get("route") != "rules" or follow.get("amount_yuan") != NORMAL_AMOUNT:
            problems.append(f"{name}: the normal follow-up got {follow.get('route')} / {follow.get('amount_yuan')}")
        found = unsupported_numbers(check, text_of_policy, [text, NORMAL], {"turns": [first, follow]})
        problems += [f"{name}: unsupported {found}"] if found else []
        problems += [f"{name}: traceback"] if "Traceback" in first.get("answer", "") else []
        return problems

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for found in pool.map(one, cases, timeout=120) for p in found]
    assert len(cases) >= 40 and any(len(text) > MAX_TURN_CHARS for _, text in cases)
    assert not problems, problems


def _refused_clearly(client, name: str, text: str) -> list[str]:
    """An over-long turn gets a clear error (not a 500), alone and as history; the app answers on."""
    from gradio_client.exceptions import AppError

    problems = []
    for question, history in ((text, None), (NORMAL, [text])):
        try:
            client.predict(question, history, api_name="/ask")
            problems.append(f"{name}: answered, not refused")
        except AppError as exc:
            problems += [] if f"每轮最多{MAX_TURN_CHARS}个字符" in str(exc) else [f"{name}: unclear error {exc}"]
    follow = client.predict(NORMAL, None, api_name="/ask")
    if follow.get("amount_yuan") != NORMAL_AMOUNT:
        problems.append(f"{name}: the normal question after it got {follow.get('amount_yuan')}")
    return problems
