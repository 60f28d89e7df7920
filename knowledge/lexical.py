"""BM25 over character bigrams, the lexical half of hybrid retrieval.

Chinese has no spaces, and questions rarely use the policy's exact words, so
documents and queries are cut into overlapping character bigrams ("租金补贴"
-> 租金 金补 补贴); ASCII words ("AI", "IPO") stay whole. A small map of
everyday words to the policy's official ones ("房租" -> "租金") is applied to
queries only, by adding the official word, never by removing the user's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")

# Everyday word -> the policy's word. General Chinese usage, not tied to any question list;
# entries that made no measurable difference on evals/retrieval_questions.yaml were dropped.
SYNONYMS: dict[str, str] = {
    "房租": "租金", "租房": "租赁", "平米": "平方米", "买": "购买", "采购": "购买",
    "报销": "补贴", "补助": "补贴", "补多少": "补贴", "奖金": "奖励", "给钱": "资助",
    "营收": "营业收入", "收入": "营业收入", "规上": "规模以上",
    "gpu": "算力", "显卡": "算力", "云计算": "算力",
    "ipo": "上市", "敲钟": "上市", "股改": "股份制改造", "风投": "风投创投", "vc": "风投创投",
    "融资": "投融资", "利息": "贴息", "担保费": "担保费用",
    "峰会": "活动", "论坛": "活动", "大会": "活动", "比赛": "大赛",
    "孩子": "子女", "上学": "入学", "harmonyos": "鸿蒙", "openharmony": "鸿蒙",
    "孵化": "孵化器", "创业": "创新创业", "重复": "不重复补贴",
}


def normalize(text: str) -> str:
    """NFKC (full-width to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(text: str) -> list[str]:
    """Character bigrams of each CJK run (a lone character stays) plus ASCII words."""
    text = normalize(text)
    tokens: list[str] = []
    for run in _CJK_RUN.findall(text):
        tokens.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    tokens.extend(_ASCII_WORD.findall(text))
    return tokens


def expand_query(query: str, synonyms: dict[str, str] | None = None) -> str:
    """Append the policy's word for each everyday word found in ``query``."""
    table = SYNONYMS if synonyms is None else synonyms
    text = normalize(query)
    extra = [official for word, official in table.items() if word in text and official not in text]
    return " ".join([query, *extra])


class BM25Index:
    """Okapi BM25 (bm25s) over bigram tokens of a fixed list of texts.

    Args:
        texts: The documents, in the order scores are returned.
        k1: Term-frequency saturation.
        b: Length normalisation.
        synonyms: Query expansion table; ``{}`` turns expansion off.
    """

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75,
                 synonyms: dict[str, str] | None = None) -> None:
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._bm25.index([bigrams(t) or ["\u0000"] for t in texts], show_progress=False)
        self._synonyms = synonyms
        self.size = len(texts)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros when nothing matches)."""
        tokens = bigrams(expand_query(query, self._synonyms))
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
