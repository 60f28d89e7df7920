"""Faults: a lost or damaged index, an unusable data directory, an LLM endpoint down or slow.

Index faults are made on a copy of the session's built index; rebuilds reuse
the vectors already computed (``fast_rebuilds``), so every rebuild step runs
but no test pays for embedding the policy again.

Unusable data directories must fail as root too (``chmod`` does not stop
root), so they are made so that the kernel refuses: a data dir *below a
regular file* (ENOTDIR for everyone), and a "full disk" by a file-size limit
(``RLIMIT_FSIZE``) on a subprocess, which makes writes fail with EFBIG.
"""

from __future__ import annotations

import json
import logging
import resource
import shutil
import signal
import socket
import threading
import time

import pytest

from assistant.settings import Settings
from tests.ops.conftest import child_env, copy_index, free_port, run_cli

LOOKUP = "买算力有补贴吗"
LOOKUPS = ("企业上市有什么奖励", "举办人工智能产业大会能补贴吗", LOOKUP)
RULES = "我们租了800平米，在认定的专业园区，房租能补多少？"


def _build(data_dir, caplog, **settings):
    from assistant.service import build_assistant

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        asst = build_assistant(Settings(data_dir=data_dir, audit_db=data_dir / "audit.sqlite3", **settings))
    return asst, [r.getMessage() for r in caplog.records if "rebuilding" in r.getMessage()]


def _clauses(asst, query: str) -> list[int]:
    return [h.clause for h in asst.retriever.search(query, k=5)]


def _answers_like(asst, reference) -> None:
    for query in LOOKUPS:
        assert _clauses(asst, query) == _clauses(reference, query), query
    reply = asst.respond(asst.new_session(), RULES)
    assert reply.route == "rules" and reply.amount_yuan == 288000


# -- the index, before a run ------------------------------------------------------


def _delete(index_dir):
    shutil.rmtree(index_dir)


def _garbage_sqlite(index_dir):
    (index_dir / "chroma.sqlite3").write_bytes(b"\x13garbage, not SQLite\xff" * 4096)


def _truncated_sqlite(index_dir):
    path = index_dir / "chroma.sqlite3"
    path.write_bytes(path.read_bytes()[:5000])


def _garbage_manifest(index_dir):
    (index_dir / "manifest.json").write_text("{not json", encoding="utf-8")


def _lost_vectors(index_dir):
    for segment in [p for p in index_dir.iterdir() if p.is_dir()]:
        shutil.rmtree(segment)


def _stale(index_dir):
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["fingerprint"], manifest["text_hash"] = "0" * 64, "an older policy"
    (index_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(("damage", "reason"), [
    (_delete, "missing"), (_garbage_sqlite, "corrupted"), (_truncated_sqlite, "corrupted"),
    (_garbage_manifest, "corrupted manifest"), (_stale, "stale"),
], ids=["deleted", "garbage_sqlite", "truncated_sqlite", "garbage_manifest", "stale"])
def test_damaged_index_is_rebuilt_with_a_log_line(assistant, ops_data_dir, fast_rebuilds, tmp_path, caplog,
                                                   damage, reason):
    index_dir = copy_index(ops_data_dir, tmp_path)
    damage(index_dir)
    asst, rebuilt = _build(tmp_path, caplog)
    try:
        assert len(rebuilt) == 1 and reason in rebuilt[0], rebuilt
        assert str(index_dir) in rebuilt[0]
        _answers_like(asst, assistant)
    finally:
        asst.retriever.close()
    again, rebuilt = _build(tmp_path, caplog)  # the rebuilt index is reused as it is
    again.retriever.close()
    assert rebuilt == []


def test_lost_vector_files_heal_or_rebuild(assistant, ops_data_dir, fast_rebuilds, tmp_path, caplog):
    """Chroma rebuilds its HNSW files from its own SQLite log; either way the answers stay."""
    _lost_vectors(copy_index(ops_data_dir, tmp_path))
    asst, rebuilt = _build(tmp_path, caplog)
    try:
        assert len(rebuilt) <= 1
        _answers_like(asst, assistant)
    finally:
        asst.retriever.close()


# -- the index, during a run -------------------------------------------------------


def test_index_deleted_during_a_run_keeps_answering(assistant, ops_data_dir, fast_rebuilds, tmp_path, caplog):
    index_dir = copy_index(ops_data_dir, tmp_path)
    asst, rebuilt = _build(tmp_path, caplog)
    assert rebuilt == []
    try:
        before = _clauses(asst, LOOKUP)
        shutil.rmtree(tmp_path / "index")
        assert not index_dir.exists()
        assert _clauses(asst, LOOKUP) == before  # the open store keeps serving
        reply = asst.respond(asst.new_session(), LOOKUP)
        assert reply.route in ("lookup", "clarify") and 2 in [c.clause for c in reply.citations]
        _answers_like(asst, assistant)
    finally:
        asst.retriever.close()
    fresh, rebuilt = _build(tmp_path, caplog)  # the next run rebuilds it
    try:
        assert len(rebuilt) == 1 and "missing" in rebuilt[0]
        _answers_like(fresh, assistant)
    finally:
        fresh.retriever.close()


def test_index_corrupted_during_a_run_keeps_answering(assistant, ops_data_dir, fast_rebuilds, tmp_path, caplog):
    index_dir = copy_index(ops_data_dir, tmp_path)
    asst, _ = _build(tmp_path, caplog)
    try:
        assert _clauses(asst, LOOKUP)
        with open(index_dir / "chroma.sqlite3", "r+b") as db:  # overwritten in place, same inode
            db.write(b"\x13garbage, not SQLite\xff" * 4096)
        reply = asst.respond(asst.new_session(), "企业上市有什么奖励？")
        assert reply.route == "lookup" and reply.citations and reply.citations[0].clause == 14
    finally:
        asst.retriever.close()


# -- an unusable data directory ------------------------------------------------------


def test_data_dir_below_a_file_is_a_clear_error(tmp_path, caplog):
    from knowledge.errors import IndexUnavailable

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(IndexUnavailable) as raised:
        _build(blocker / "data", caplog)
    assert "ASSISTANT_DATA_DIR" in str(raised.value)
    assert str(blocker / "data") in str(raised.value)


def _fsize_limit(limit: int):
    """preexec_fn for a subprocess: writes past ``limit`` bytes fail with EFBIG, like a full disk."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("kind", ["below_a_file", "full_disk"])
def test_cli_reports_an_unusable_data_dir(tmp_path, kind):
    data_dir, preexec = tmp_path / "data", None
    if kind == "below_a_file":
        (tmp_path / "a-file").write_text("x", encoding="utf-8")
        data_dir = tmp_path / "a-file" / "data"
    else:
        preexec = _fsize_limit(100_000)
    done = run_cli(["ask", LOOKUP], child_env(data_dir), timeout=120, preexec_fn=preexec)
    assert done.returncode != 0
    assert "ASSISTANT_DATA_DIR" in done.stderr
    if kind == "full_disk":
        assert not [p for p in (data_dir / "index").iterdir() if ".building-" in p.name]
    assert "Traceback" not in done.stderr


# -- the LLM endpoint ----------------------------------------------------------------


class SilentServer:
    """Accepts connections on loopback and never answers (an LLM endpoint that hangs)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


@pytest.mark.parametrize("endpoint", ["closed_port", "hangs"])
def test_llm_down_or_slow_gives_the_deterministic_answer(assistant, ops_data_dir, fast_rebuilds, tmp_path,
                                                         caplog, silent_server, endpoint):
    pytest.importorskip("assistant.llm")
    port = free_port() if endpoint == "closed_port" else silent_server.port
    timeout = 2.0
    copy_index(ops_data_dir, tmp_path)
    asst, _ = _build(tmp_path, caplog, llm_base_url=f"http://127.0.0.1:{port}/v1", llm_timeout=timeout)
    try:
        assert asst.llm is not None
        for question in (RULES, LOOKUP):
            expected = assistant.respond(assistant.new_session(), question)
            started = time.monotonic()
            reply = asst.respond(asst.new_session(), question)
            elapsed = time.monotonic() - started
            assert elapsed < timeout + 1.5, f"{endpoint}: {elapsed:.1f} s for {question}"
            assert reply.answer == expected.answer and reply.amount_yuan == expected.amount_yuan
            assert any(e.startswith("llm_fallback") for e in reply.guard_events), reply.guard_events
    finally:
        asst.retriever.close()


def test_cli_with_llm_endpoint_down(assistant, ops_data_dir, tmp_path):
    pytest.importorskip("assistant.llm")
    expected = assistant.respond(assistant.new_session(), RULES).to_dict()
    env = child_env(ops_data_dir, ASSISTANT_LLM_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
                    ASSISTANT_LLM_TIMEOUT="3")
    started = time.monotonic()
    done = run_cli(["ask", "--json", RULES], env, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    reply = json.loads(done.stdout.splitlines()[-1])
    assert reply["answer"] == expected["answer"] and reply["amount_yuan"] == 288000
    assert "Traceback" not in done.stderr and elapsed < 30
