"""Build the assistant from settings, and run whole conversations.

The command line, the web app and the evals all go through these
functions, so they answer alike. ``ConversationCache`` serves the stateless
web APIs (``/ask``, ``/v1/chat/completions``): each request carries the whole
conversation, and the cache keeps the state after every turn so that a
request adding one turn costs one turn.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from assistant.core import Assistant
from assistant.session import Reply, Session
from assistant.settings import Settings

log = logging.getLogger("assistant")


def build_assistant(settings: Settings | None = None, retrieval_mode: str = "hybrid",
                    llm: Any = None, audit: Any = None, search_cache: int = 0) -> Assistant:
    """Wire the policy, the retriever, the rule engine (and the optional LLM) together.

    Args:
        settings: configuration; ``Settings.from_env()`` when None.
        retrieval_mode: "hybrid" (default), "bm25" or "dense".
        llm: an LLM layer to use instead of the one the settings describe.
        audit: an audit log object with ``record(session, text, reply)``; None opens
            the SQLite log at ``settings.audit_db``, False keeps no log.
        search_cache: remember the results of this many searches (``SearchCache``);
            the server sets it, the CLI and the benchmarks measure real searches.
    """
    from knowledge.policy import load_policy
    from knowledge.retriever import build_retriever
    from rules import engine

    settings = settings or Settings.from_env()
    policy = load_policy(settings.policy_path)
    retriever = build_retriever(
        policy, embedding=settings.embedding, data_dir=settings.data_dir,
        chroma_host=settings.chroma_host, chroma_port=settings.chroma_port,
    )
    if retrieval_mode != "hybrid":
        retriever = _FixedMode(retriever, retrieval_mode)
    if search_cache > 0:
        retriever = SearchCache(retriever, search_cache)
    if llm is None and settings.llm_base_url:
        from assistant.llm import (
            build_llm,  # imported only when an endpoint is configured
        )

        llm = build_llm(settings)
    if audit is None:
        from assistant.audit import AuditLog

        audit = AuditLog(settings.audit_db, policy_version=policy.text_hash)
    return Assistant(policy, retriever, engine, llm=llm, audit=audit or None)


class _FixedMode:
    """A retriever that always searches in one mode (for side-by-side evals)."""

    def __init__(self, retriever: Any, mode: str) -> None:
        self._retriever = retriever
        self._mode = mode

    def search(self, query: str, k: int = 5, mode: str | None = None):
        return self._retriever.search(query, k=k, mode=self._mode)


class SearchCache:
    """A retriever that remembers its latest ``size`` searches: a question many users ask is searched once.

    The index does not change while the process runs, so a remembered result is
    the result. Hits are frozen; each call gets a list of its own. Every other
    attribute is the wrapped retriever's.
    """

    def __init__(self, retriever: Any, size: int = 1024) -> None:
        self._retriever = retriever
        self._search = lru_cache(maxsize=size)(
            lambda query, k, mode: tuple(retriever.search(query, k=k, mode=mode)))

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list:
        """``retriever.search``, remembered."""
        return list(self._search(query, k, mode))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._retriever, name)


def run_conversation(assistant: Assistant, turns: Iterable[Any], id: str | None = None,
                     audit_earlier: bool = True) -> dict:
    """Answer every turn of one conversation in a fresh session.

    Args:
        assistant: the assistant.
        turns: the user's turns, in order.
        id: the conversation's id, copied into the row.
        audit_earlier: False logs only the last turn (a client replaying its history).

    Returns:
        The final turn's reply fields plus ``id`` and ``turns`` (every turn's
        reply), i.e. one line of ``python -m assistant batch``.
    """
    session = assistant.new_session()
    turns = list(turns) or [""]
    replies = [assistant.respond(session, turn, record=audit_earlier or i == len(turns) - 1).to_dict()
               for i, turn in enumerate(turns)]
    row = dict(replies[-1])
    row["id"] = id
    row["turns"] = replies
    return row


def turn_limit_problem(turns: Sequence[Any], max_chars: int, max_turns: int) -> str | None:
    """Why a conversation is over the server's limits, or None when it is within them.

    Args:
        turns: the user's turns, in order.
        max_chars: characters allowed in one turn (``Settings.max_turn_chars``).
        max_turns: user turns allowed in one conversation (``Settings.max_turns``).

    Returns:
        A message in Chinese and English that says what to do, or None.
    """
    if len(turns) > max_turns:
        return (f"对话过长：共{len(turns)}轮提问，每次对话最多{max_turns}轮，请开始新的对话。"
                f" (the conversation has {len(turns)} user turns; at most {max_turns}: start a new one)")
    for number, turn in enumerate(turns, 1):
        if isinstance(turn, str) and len(turn) > max_chars:
            return (f"提问过长：第{number}轮有{len(turn)}个字符，每轮最多{max_chars}个字符，请精简后再问。"
                    f" (turn {number} has {len(turn)} characters; at most {max_chars} per turn)")
    return None


class ConversationCache:
    """The session state after each prefix of user turns, kept in a bounded LRU.

    Keys chain a hash over the turns (and a namespace, e.g. the client's API
    key), so the state after turns 1..n is found from turns 1..n alone and
    differs whenever any earlier turn differs. States go in and come out as
    deep copies: a cached ``Session`` is never shared by two requests, so
    concurrent requests of the same conversation cannot disturb each other.
    The answers equal a full replay in a fresh session (tested).

    Args:
        assistant: the assistant that answers the turns.
        size: states kept at most (least recently used go first); 0 keeps none,
            so every request replays its whole history.
    """

    def __init__(self, assistant: Assistant, size: int = 4096) -> None:
        self.assistant = assistant
        self.size = size
        self.hits = 0
        self.misses = 0
        self.replayed = 0  # earlier turns answered again because their state was not kept
        self._states: OrderedDict[bytes, Session] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, turns: Sequence[Any], namespace: str = "") -> Reply:
        """Answer the last of ``turns`` after the earlier ones; only the last is audited.

        Args:
            turns: the user's turns, in order (at least one; an empty list answers "").
            namespace: keeps the states of different clients apart.
        """
        turns = list(turns) or [""]
        keys = _chain_keys(namespace, turns)
        start, session = self._resume(keys[:-1])
        for index in range(start, len(turns) - 1):
            self.assistant.respond(session, turns[index], record=False)
            self._put(keys[index], session)
            self.replayed += 1
        reply = self.assistant.respond(session, turns[-1])
        self._put(keys[-1], session)
        return reply

    def _resume(self, keys: list[bytes]) -> tuple[int, Session]:
        """(number of turns already answered, a copy of their state) for the longest kept prefix."""
        with self._lock:
            for done in range(len(keys), 0, -1):
                state = self._states.get(keys[done - 1])
                if state is not None:
                    self._states.move_to_end(keys[done - 1])
                    self.hits += 1
                    return done, copy.deepcopy(state)
            self.misses += 1 if keys else 0
        return 0, self.assistant.new_session()

    def _put(self, key: bytes, session: Session) -> None:
        if self.size <= 0:
            return
        state = copy.deepcopy(session)
        with self._lock:
            self._states[key] = state
            self._states.move_to_end(key)
            while len(self._states) > self.size:
                self._states.popitem(last=False)

    def __len__(self) -> int:
        return len(self._states)


def _chain_keys(namespace: str, turns: Sequence[Any]) -> list[bytes]:
    """``keys[i]`` names the state after ``turns[0..i]`` (within ``namespace``)."""
    key = hashlib.sha256(namespace.encode("utf-8", "surrogatepass")).digest()
    keys = []
    for turn in turns:
        text = turn if isinstance(turn, str) else repr(turn)
        key = hashlib.sha256(key + b"\x1f" + text.encode("utf-8", "surrogatepass")).digest()
        keys.append(key)
    return keys
