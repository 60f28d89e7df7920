"""The web app, started as ``python app.py`` on free loopback ports, and the assistant in-process.

Servers run exactly as a user starts them (``main()``), with the test data
directory of the environment (``ASSISTANT_DATA_DIR``, set by scripts/test.sh)
and an audit log of their own. The first start builds the index there, so
the wait allows a few minutes.

- ``app_url``: no API keys (loopback, so ``/v1`` is open), the browser tests' server.
- ``keyed_app``: ``ASSISTANT_API_KEYS`` from a file and a low rate limit, for the API tests.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 300
API_KEYS = ("key-chat", "key-stream", "key-limits", "key-rate", "key-feedback")
RATE_PER_MINUTE = 20


@dataclass(frozen=True)
class RunningApp:
    """A started server: its base URL (ending in "/"), audit log and log file."""

    url: str
    audit_db: Path
    log: Path


def free_port() -> int:
    """A port nothing listens on right now (loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"app.py did not answer on {url} within {START_TIMEOUT_S}s:\n"
                f"{log.read_text(errors='replace')[-4000:]}")


@contextlib.contextmanager
def running_app(folder: Path, **extra_env: str) -> Iterator[RunningApp]:
    """``python app.py`` on a free loopback port with ``extra_env``; stopped afterwards."""
    port = free_port()
    log, audit = folder / "app.log", folder / "audit.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_API", "ASSISTANT_UI", "ASSISTANT_LLM"))}
    env.update(GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port), OMP_NUM_THREADS="1",
               PYTHONUNBUFFERED="1", ASSISTANT_AUDIT_DB=str(audit), NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost", **extra_env)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process, log)
        yield RunningApp(url, audit, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def running(tmp_path_factory) -> Iterator[RunningApp]:
    """The app without API keys on loopback (``/v1`` open), its audit log apart."""
    with running_app(tmp_path_factory.mktemp("app")) as app:
        yield app


@pytest.fixture(scope="session")
def app_url(running) -> str:
    """The base URL of a running app (``http://127.0.0.1:<port>/``)."""
    return running.url


@pytest.fixture(scope="session")
def keyed_app(tmp_path_factory) -> Iterator[RunningApp]:
    """The app with ``ASSISTANT_API_KEYS=@file`` and ``RATE_PER_MINUTE`` requests a minute per key."""
    folder = tmp_path_factory.mktemp("keyed-app")
    keys = folder / "keys.txt"
    keys.write_text("# one key per line\n" + "\n".join(API_KEYS) + "\n", encoding="utf-8")
    with running_app(folder, ASSISTANT_API_KEYS=f"@{keys}", ASSISTANT_API_RATE_LIMIT=str(RATE_PER_MINUTE)) as app:
        yield app


@pytest.fixture(scope="session")
def assistant():
    """The assistant as the app builds it (hybrid retrieval, no LLM, no audit log), in-process."""
    from assistant.service import build_assistant
    from assistant.settings import Settings

    return build_assistant(Settings.from_env(), audit=False)
