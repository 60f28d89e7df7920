"""Load through ``/v1/chat/completions``: 20 concurrent clients × 25 turns, the official ``openai`` client.

    OMP_NUM_THREADS=1 .venv/bin/python -m tests.ops.api_load [--sessions 20]

starts ``python app.py`` twice on a free loopback port, first with the
conversation cache off (``ASSISTANT_SESSION_CACHE=0``: every request replays
its history), then on, and prints the latency figures of each run. It is a
benchmark, not a timed test: ``test_load_api.py`` runs the cached load and
checks only correctness (0 errors, 0 cross-talk).

Each client has an API key of its own (so its own rate-limit bucket), resends
the whole conversation on every request (its user turns and the answers it
got, as OpenAI clients do), and checks its own amounts (``load_script``).
The clients speak plain HTTP with a kept-alive connection (``http.client``):
the load generator shares this machine's two cores with the server, and the
``openai`` client costs about 15 ms of CPU a request, more than the server
(``--openai`` uses it anyway; the API tests use it throughout).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.ops.load_script import SESSIONS, mismatch, percentile, script

MODEL = "guangming-policy"
DEADLINE_S = 300
KEYS = tuple(f"load-key-{i:02d}" for i in range(SESSIONS + 1))  # the last one: the solo warm-up session


@contextlib.contextmanager
def api_server(data_dir: Path, log: Path, **env: str) -> Iterator[str]:
    """``python app.py`` with ``KEYS`` on a free loopback port; yields the base URL (".../v1")."""
    from tests.ops.conftest import PYTHON, REPO, child_env, free_port, server_process

    port = free_port()
    extra = {"GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
             "ASSISTANT_API_KEYS": ",".join(KEYS), **env}
    url = f"http://127.0.0.1:{port}/"
    with server_process([PYTHON, str(REPO / "app.py")], child_env(data_dir, **extra), lambda: _up(url), log,
                        timeout=300):
        yield url + "v1"


def _up(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


Complete = Callable[[list[dict]], dict]  # messages -> the completion as JSON


def http_client(base_url: str, key: str) -> Complete:
    """``POST /chat/completions`` over one kept-alive connection."""
    host, _, path = base_url.removeprefix("http://").partition("/")
    conn = http.client.HTTPConnection(host, timeout=120)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}

    def complete(messages: list[dict]) -> dict:
        conn.request("POST", f"/{path}/chat/completions", json.dumps({"model": MODEL, "messages": messages}), headers)
        response = conn.getresponse()
        body = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body}")
        return body

    return complete


def openai_client(base_url: str, key: str) -> Complete:
    """The same through the official ``openai`` client."""
    import openai

    api = openai.OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=120)
    return lambda messages: api.chat.completions.create(model=MODEL, messages=messages).model_dump()


def run_session(complete: Complete, i: int, deadline: float, out: dict[str, list], lock: threading.Lock) -> list[str]:
    """Client ``i``'s 25 turns; latencies (s) and the assistant's own times (ms) go into ``out``."""
    messages: list[dict] = []
    errors: list[str] = []
    for number, (question, expect) in enumerate(script(i)):
        if time.monotonic() > deadline:
            return errors + [f"client {i}: deadline passed at turn {number}"]
        messages.append({"role": "user", "content": question})
        started = time.perf_counter()
        try:
            completion = complete(messages)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            errors.append(f"client {i} turn {number}: {type(exc).__name__}: {exc}")
            messages.pop()
            continue
        finally:
            with lock:
                out["latencies"].append(time.perf_counter() - started)
        result = completion["result"]
        with lock:
            out["inside"].append(float(result.get("latency_ms") or 0.0))
        problem = mismatch(result, expect)
        if problem:
            errors.append(f"client {i} turn {number} ({question}): {problem}")
        messages.append({"role": "assistant", "content": completion["choices"][0]["message"]["content"]})
    return errors


def run_load(base_url: str, sessions: int = SESSIONS, client: Callable[[str, str], Complete] = http_client
             ) -> tuple[dict, list[str]]:
    """One solo client (the uncontended figure), then ``sessions`` at once; (summary, errors)."""
    lock, deadline = threading.Lock(), time.monotonic() + DEADLINE_S
    solo = {"latencies": [], "inside": []}
    errors = run_session(client(base_url, KEYS[-1]), sessions, deadline, solo, lock)
    load = {"latencies": [], "inside": []}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(run_session, client(base_url, KEYS[i]), i, deadline, load, lock)
                   for i in range(sessions)]
        errors += [e for f in futures for e in f.result(timeout=DEADLINE_S + 60)]
    wall = time.perf_counter() - started
    ms = [x * 1000 for x in load["latencies"]]
    summary = {
        "clients": sessions, "requests": len(ms), "errors": len(errors), "wall_s": round(wall, 1),
        "requests_per_s": round(len(ms) / wall, 1), "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1), "max_ms": round(max(ms), 1),
        "assistant_turn_p95_ms": round(percentile(load["inside"], 95), 1),
        "solo_p95_ms": round(percentile([x * 1000 for x in solo["latencies"]], 95), 1),
    }
    return summary, errors


def main(argv: list[str] | None = None) -> int:
    """Both runs, cache off then on; prints one JSON summary each and the p95 side by side."""
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m tests.ops.api_load", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=SESSIONS, help=f"concurrent clients ({SESSIONS})")
    parser.add_argument("--data-dir", type=Path, default=Settings.from_env().data_dir, help="index and audit log")
    parser.add_argument("--openai", action="store_true", help="clients use the openai package, not http.client")
    parser.add_argument("--concurrency", type=int, default=Settings().queue_concurrency,
                        help="the server's ASSISTANT_QUEUE_CONCURRENCY (turns answered at once)")
    args = parser.parse_args(argv)
    client = openai_client if args.openai else http_client
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    p95 = {}
    for label, size in (("before the cache (replay)", "0"), ("with the cache", "4096")):
        with api_server(args.data_dir, args.data_dir / f"api-load-{size}.log", ASSISTANT_SESSION_CACHE=size,
                        ASSISTANT_QUEUE_CONCURRENCY=str(args.concurrency)) as url:
            summary, errors = run_load(url, args.sessions, client)
        print(f"{label}: {json.dumps(summary)}")
        for error in errors[:5]:
            print(f"  error: {error}")
        p95[label] = summary["p95_ms"]
    print("p95 per request: " + ", ".join(f"{k} {v:.0f} ms" for k, v in p95.items()) + "  (target ≤ 300 ms); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
