"""Retrieval quality on the project's question set, and the shape of search results."""

from __future__ import annotations

import pytest

from evals.bench_retrieval import evaluate, load_questions


@pytest.fixture(scope="module")
def questions():
    return load_questions()


def test_question_set_is_broad(questions):
    assert len(questions) >= 80
    for number in range(1, 21):
        assert sum(number in case["clauses"] for case in questions) >= 3, number


def test_hybrid_meets_the_quality_target(retriever, questions):
    result = evaluate(retriever, questions, "hybrid")
    report = "\n".join(f"{m['q']} expected {m['expected']} got {m['got']}" for m in result["misses"])
    assert result["hit@1"] >= 0.90, report
    assert result["hit@3"] >= 0.98, report


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_one_hit_per_article_with_its_best_sentence(retriever, policy, mode):
    hits = retriever.search("我们租了800平米，房租能补多少？", k=5, mode=mode)
    assert hits[0].clause == 11 or mode == "dense"
    assert len(hits) == len({h.clause for h in hits}) <= 5
    assert all(0.0 < h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        sentence = policy.sentence(hit.sentence_id)
        assert sentence.article == hit.clause and sentence.text == hit.snippet
        assert hit.title == policy.article(hit.clause).title


def test_everyday_words_reach_the_policy_terms(retriever):
    assert retriever.search("买算力有补贴吗", k=1)[0].clause == 2
    assert retriever.search("房租补贴", k=1, mode="bm25")[0].clause == 11


def test_edge_cases(retriever):
    assert retriever.search("   ") == []
    assert retriever.search("租金", k=0) == []
    assert retriever.search("zzzz qqqq", mode="bm25") == []
    assert len(retriever.search("租金", k=50)) == 20
    with pytest.raises(ValueError, match="hybrid"):
        retriever.search("租金", mode="fuzzy")
