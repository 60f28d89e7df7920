"""Scale-out: the retriever against ``chroma run`` on loopback answers like the embedded store.

The test starts the Chroma server from the venv (``chroma run --path <tmp> --host 127.0.0.1
--port <free>``), waits for its heartbeat, builds the retriever with ``chroma_host`` /
``chroma_port`` set (as ``CHROMA_HOST`` / ``CHROMA_PORT`` do through ``Settings``), compares
the clause order of its results with the embedded ``PersistentClient`` store, and stops the
server. Bounded: 60 s for start-up, a handful of queries.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.ops.conftest import PYTHON, child_env, free_port, run_cli, server_process

pytestmark = pytest.mark.server

QUERIES = (
    "我们拿了国家科技计划项目的资助，区里还会再配套一笔钱吗？",
    "买算力有补贴吗",
    "从区内企业采购训练数据，能补贴多少？",
    "我们租了800平米的办公室，房租能补多少？",
    "公司准备上市，有什么奖励？",
    "举办人工智能产业大会能补贴吗",
    "企业核心团队人才有什么支持",
    "这个政策什么时候开始实施，由谁解释？",
)
MODES = ("dense", "hybrid", "bm25")


def _chroma_cli() -> str:
    """The ``chroma`` command installed next to this Python (the venv's chromadb)."""
    beside = Path(PYTHON).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the chroma command is missing: install chromadb (scripts/setup.sh --dev)")
    return found


def _heartbeat(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as resp:
        return resp.status == 200


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A ``chroma run`` server on a free loopback port; yields the port."""
    base = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    cmd = [_chroma_cli(), "run", "--path", str(base / "db"), "--host", "127.0.0.1", "--port", str(port)]
    env = child_env(base / "unused")
    with server_process(cmd, env, lambda: _heartbeat(port), base / "server.log", timeout=60):
        yield port


def _orders(retriever, mode: str) -> list[list[int]]:
    return [[hit.clause for hit in retriever.search(q, k=5, mode=mode)] for q in QUERIES]


def test_server_store_gives_the_embedded_results(assistant, fast_rebuilds, chroma_server, tmp_path, caplog):
    """The first client fills the empty server (with the session's vectors); a second one reuses it."""
    from knowledge.retriever import build_retriever

    embedded = assistant.retriever  # the embedded PersistentClient store of the session
    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        served = build_retriever(assistant.policy, data_dir=tmp_path / "served", chroma_host="127.0.0.1",
                                 chroma_port=chroma_server)
    assert served.index.location == f"127.0.0.1:{chroma_server}"
    assert "rebuilding the policy index on 127.0.0.1" in caplog.text
    assert not (tmp_path / "served").exists()  # nothing stored locally in server mode
    for mode in MODES:
        expected = _orders(embedded, mode)
        assert all(expected), f"{mode}: the embedded store returned no hits"
        assert _orders(served, mode) == expected, mode
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        again = build_retriever(assistant.policy, data_dir=tmp_path / "served2", chroma_host="127.0.0.1",
                                chroma_port=chroma_server)
    assert "rebuilding" not in caplog.text
    assert _orders(again, "hybrid") == _orders(embedded, "hybrid")
    # A collection left by an older policy version is replaced, not trusted.
    collection = again.index.collection
    collection.modify(metadata={**collection.metadata, "fingerprint": "an older policy"})
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        renewed = build_retriever(assistant.policy, data_dir=tmp_path / "served3", chroma_host="127.0.0.1",
                                  chroma_port=chroma_server)
    assert "rebuilding the policy index on 127.0.0.1" in caplog.text
    assert _orders(renewed, "dense") == _orders(embedded, "dense")
    for retriever in (served, again, renewed):
        retriever.close()


def test_server_down_is_a_clear_error(assistant, tmp_path):
    from knowledge.errors import IndexUnavailable
    from knowledge.retriever import build_retriever

    with pytest.raises(IndexUnavailable) as raised:
        build_retriever(assistant.policy, data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    assert "CHROMA_HOST" in str(raised.value)


def test_cli_selects_the_server_through_environment(chroma_server, tmp_path):
    env = child_env(tmp_path / "data", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma_server))
    done = run_cli(["ask", "--json", "买算力有补贴吗"], env, timeout=120)
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout.splitlines()[-1])
    assert reply["route"] in ("lookup", "rules", "clarify") and reply["answer"]
    assert 2 in [c["clause"] for c in reply["citations"]]
    assert "Traceback" not in done.stderr


class SlowEmbeddings:
    """Cached vectors, but each batch of passages takes ``delay`` seconds, like a real model."""

    def __init__(self, inner, delay: float) -> None:
        self.inner, self.name, self.delay = inner, inner.name, delay

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        time.sleep(self.delay)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_replicas_starting_together_all_come_up(assistant, cached_embeddings, chroma_server, monkeypatch, tmp_path):
    import chromadb

    import knowledge.retriever
    from knowledge.index import collection_name

    slow = SlowEmbeddings(cached_embeddings, delay=1.0)
    monkeypatch.setattr(knowledge.retriever, "make_embeddings", lambda name=None: slow)
    admin = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    with contextlib.suppress(Exception):
        admin.delete_collection(collection_name(slow.name))  # a fresh server, as on first deployment

    def replica(number: int):
        time.sleep(0.3 * number)  # replicas rarely start in the same millisecond
        return build_retriever(assistant.policy, data_dir=tmp_path / str(number), chroma_host="127.0.0.1",
                               chroma_port=chroma_server)

    from knowledge.retriever import build_retriever

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(replica, n) for n in range(3)]
        outcomes = [f.exception(timeout=60) or f.result() for f in futures]
    failures = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    for retriever in outcomes:
        if not isinstance(retriever, BaseException):
            assert _orders(retriever, "dense") == _orders(assistant.retriever, "dense")
            retriever.close()
    assert not failures, failures
