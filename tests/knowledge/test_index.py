"""The Chroma index: built when missing, rebuilt when corrupted or stale, reused when fresh."""

from __future__ import annotations

import json
import logging
import os

import pytest

import knowledge.index as index_module
from knowledge.errors import IndexUnavailable
from knowledge.index import MANIFEST_NAME, collection_name, open_index, policy_chunks
from knowledge.policy import DEFAULT_POLICY_PATH, parse_policy


def _open(policy, embeddings, data_dir, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        index = open_index(policy, embeddings, data_dir)
    rebuilt = [r.getMessage() for r in caplog.records if "rebuilding" in r.getMessage()]
    return index, rebuilt


def _index_dir(data_dir, embeddings):
    return data_dir / "index" / collection_name(embeddings.name)


@pytest.fixture
def built(tmp_path, policy, hash_embeddings, caplog):
    index, rebuilt = _open(policy, hash_embeddings, tmp_path, caplog)
    index.close()
    assert rebuilt and "missing" in rebuilt[0]
    return tmp_path


def test_chunks_and_metadata(policy, hash_embeddings, tmp_path):
    chunks = policy_chunks(policy)
    assert len([c for c in chunks if c.kind == "article"]) == 20
    assert len([c for c in chunks if c.kind == "sentence"]) == sum(len(a.sentences) for a in policy.all_articles())
    index = open_index(policy, hash_embeddings, tmp_path)
    try:
        stored = index.collection.get(ids=["a11", "s11.2"], include=["metadatas", "documents"])
        meta = dict(zip(stored["ids"], stored["metadatas"]))
        assert meta["s11.2"] == {"clause": 11, "chapter": "三、拓展产业发展空间", "title": "加强企业产业用房支持",
                                 "sentence_id": "11.2", "kind": "sentence"}
        assert meta["a11"]["kind"] == "article" and meta["a11"]["sentence_id"] == "11"
        docs = dict(zip(stored["ids"], stored["documents"]))
        assert docs["s11.2"] == policy.sentence("11.2").text
        assert docs["a11"] == policy.article(11).text
    finally:
        index.close()


def test_fresh_index_is_reused(built, policy, hash_embeddings, caplog):
    directory = _index_dir(built, hash_embeddings)
    before = directory.stat().st_ino  # a rebuild swaps in a new directory
    index, rebuilt = _open(policy, hash_embeddings, built, caplog)
    index.close()
    assert rebuilt == []
    assert directory.stat().st_ino == before
    manifest = json.loads((_index_dir(built, hash_embeddings) / MANIFEST_NAME).read_text())
    assert manifest["embedding"] == "test-hash" and manifest["text_hash"] == policy.text_hash


@pytest.mark.parametrize("damage", ["garbage_sqlite", "no_sqlite", "garbage_manifest", "no_manifest"])
def test_damaged_index_is_rebuilt(built, policy, hash_embeddings, caplog, damage):
    directory = _index_dir(built, hash_embeddings)
    if damage == "garbage_sqlite":
        (directory / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    elif damage == "no_sqlite":
        (directory / "chroma.sqlite3").unlink()
    elif damage == "garbage_manifest":
        (directory / MANIFEST_NAME).write_text("{not json")
    else:
        (directory / MANIFEST_NAME).unlink()
    index, rebuilt = _open(policy, hash_embeddings, built, caplog)
    try:
        assert len(rebuilt) == 1
        assert index.collection.count() == len(policy_chunks(policy))
    finally:
        index.close()
    index, rebuilt = _open(policy, hash_embeddings, built, caplog)
    index.close()
    assert rebuilt == []


def test_stale_index_is_rebuilt(built, policy, hash_embeddings, caplog, monkeypatch):
    raw = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    changed = parse_policy(raw.replace("最高200万元给予资助", "最高300万元给予资助"))
    index, rebuilt = _open(changed, hash_embeddings, built, caplog)
    try:
        assert rebuilt and "text_hash" in rebuilt[0]
        text = index.collection.get(ids=["a2"], include=["documents"])["documents"][0]
        assert "最高300万元给予资助" in text
    finally:
        index.close()
    monkeypatch.setattr(index_module, "PARSER_VERSION", "test-next")
    index, rebuilt = _open(changed, hash_embeddings, built, caplog)
    index.close()
    assert rebuilt and "parser_version" in rebuilt[0]


def test_unusable_data_dir_says_what_to_do(tmp_path, policy, hash_embeddings):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(IndexUnavailable) as info:
        open_index(policy, hash_embeddings, not_a_dir)
    assert "ASSISTANT_DATA_DIR" in str(info.value) and str(not_a_dir) in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only directories")
def test_read_only_data_dir_says_what_to_do(tmp_path, policy, hash_embeddings):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(IndexUnavailable, match="可写"):
            open_index(policy, hash_embeddings, tmp_path / "data")
    finally:
        tmp_path.chmod(0o700)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` server on a free local port (skipped if it cannot start)."""
    import shutil
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    binary = Path(sys.executable).with_name("chroma")
    if not binary.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma command is not installed")
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        port = sock.getsockname()[1]
    path = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen([str(binary) if binary.exists() else "chroma", "run", "--path", str(path),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("localhost", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.skip("the chroma server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_client_server_mode(chroma_server, policy, hash_embeddings, caplog, tmp_path):
    def on_server(p):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="knowledge.index"):
            index = open_index(p, hash_embeddings, tmp_path, chroma_host="localhost", chroma_port=chroma_server)
        index.close()
        return [r.getMessage() for r in caplog.records if "rebuilding" in r.getMessage()]

    assert "missing" in on_server(policy)[0]
    assert on_server(policy) == []
    raw = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    assert "stale" in on_server(parse_policy(raw.replace("最高200万元给予资助", "最高300万元给予资助")))[0]
    assert not (tmp_path / "index").exists()  # nothing stored locally in server mode


def test_unreachable_server_says_what_to_do(policy, hash_embeddings, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket closes
    with pytest.raises(IndexUnavailable, match="CHROMA_HOST"):
        open_index(policy, hash_embeddings, tmp_path, chroma_host="localhost", chroma_port=port)
