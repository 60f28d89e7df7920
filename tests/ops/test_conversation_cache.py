"""``ConversationCache``: resuming from a kept state answers exactly as replaying the whole history.

A client of a stateless API resends the conversation on every request; the
cache must give the very replies a fresh session would, whatever it kept or
dropped, and must never let one request's session change another's.
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.service import ConversationCache, _chain_keys
from tests.ops.load_script import script


def without_latency(reply) -> dict:
    return {k: v for k, v in reply.to_dict().items() if k != "latency_ms"}


def replayed(assistant, turns: list[str]) -> list[dict]:
    """Every turn's reply in one fresh session: the reference."""
    session = assistant.new_session()
    return [without_latency(assistant.respond(session, t, record=False)) for t in turns]


def as_a_client(cache: ConversationCache, turns: list[str], namespace: str = "") -> list[dict]:
    """Every turn's reply as an API client gets it: the whole history resent each time."""
    return [without_latency(cache.answer(turns[:n], namespace)) for n in range(1, len(turns) + 1)]


@pytest.fixture(scope="module")
def conversations() -> list[list[str]]:
    """Every multi-turn eval case, plus two of the load test's 25-turn scripts."""
    from evals.schema import load_cases

    cases = [list(case.turns) for case in load_cases() if len(case.turns) > 1]
    return cases + [[question for question, _ in script(i)] for i in (0, 7)]


@pytest.mark.parametrize("size", [4096, 3, 0])
def test_cached_answers_equal_a_full_replay(assistant, conversations, size):
    cache = ConversationCache(assistant, size=size)
    for turns in conversations:
        assert as_a_client(cache, turns) == replayed(assistant, turns), turns
    assert len(cache) <= size


def test_a_request_adding_one_turn_costs_one_turn(assistant):
    cache = ConversationCache(assistant)
    turns = [question for question, _ in script(3)]
    as_a_client(cache, turns)
    assert cache.replayed == 0 and cache.hits == len(turns) - 1
    cache.answer(turns[:10])  # a retried request: resumed from the state after turn 9, not turn 10
    assert cache.replayed == 0


def test_namespaces_and_edits_do_not_share_state(assistant):
    cache = ConversationCache(assistant)
    rent = ["我们租了800平米，房租能补多少？", "那如果是在其他园区呢？"]
    as_a_client(cache, rent, "key:a")
    misses = cache.misses
    cache.answer(rent, "key:b")
    assert cache.misses == misses + 1  # another client's states are not reused
    edited = cache.answer(["我们租了1200平米，房租能补多少？", rent[1]], "key:a")
    assert edited.amount_yuan == 1200 * 15 * 12


def test_kept_states_are_copies(assistant):
    cache = ConversationCache(assistant)
    first = ["我们租了800平米，房租能补多少？"]
    cache.answer(first)
    key = _chain_keys("", first)[0]
    kept = copy.deepcopy(cache._states[key])
    for follow in ("那如果是在其他园区呢？", "我们的实际年租金是10万元", "第十七条是什么"):
        cache.answer([*first, follow])
    after = cache._states[key]
    assert (after.facts, after.item, after.user_turns) == (kept.facts, kept.item, kept.user_turns)


def test_concurrent_requests_of_one_conversation(assistant):
    cache = ConversationCache(assistant)
    base = ["我们租了800平米，房租能补多少？"]
    cache.answer(base)
    follows = ["那如果是在其他园区呢？", "在认定的专业园区呢？"] * 20
    with ThreadPoolExecutor(max_workers=8) as pool:
        amounts = list(pool.map(lambda f: cache.answer([*base, f]).amount_yuan, follows))
    assert amounts == [144000, 288000] * 20


def test_search_cache_gives_the_retrievers_results_once(assistant):
    from assistant.service import SearchCache

    calls: list[str] = []

    class Counting:
        index = "the index"

        def search(self, query, k=5, mode="hybrid"):
            calls.append(query)
            return assistant.retriever.search(query, k=k, mode=mode)

    cached = SearchCache(Counting(), size=2)
    first = cached.search("企业上市有什么奖励？", k=3)
    first.append("mutated by a caller")
    assert cached.search("企业上市有什么奖励？", k=3) == assistant.retriever.search("企业上市有什么奖励？", k=3)
    assert calls == ["企业上市有什么奖励？"] and cached.index == "the index"
    cached.search("房租", k=3)
    cached.search("贷款", k=3)
    cached.search("企业上市有什么奖励？", k=3)  # dropped as the least recent of three
    assert len(calls) == 4
