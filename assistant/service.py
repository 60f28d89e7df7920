"""Build the assistant from settings, and run whole conversations.

The command line, the web app and the evals all go through these two
functions, so they answer alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from assistant.core import Assistant
from assistant.settings import Settings

log = logging.getLogger("assistant")


def build_assistant(settings: Settings | None = None, retrieval_mode: str = "hybrid",
                    llm: Any = None, audit: Any = None) -> Assistant:
    """Wire the policy, the retriever, the rule engine (and the optional LLM) together.

    Args:
        settings: configuration; ``Settings.from_env()`` when None.
        retrieval_mode: "hybrid" (default), "bm25" or "dense".
        llm: an LLM layer to use instead of the one the settings describe.
        audit: an audit log object with ``record(session, text, reply)``; None opens
            the SQLite log at ``settings.audit_db``, False keeps no log.
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
