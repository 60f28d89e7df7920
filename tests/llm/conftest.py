"""Shared pieces of the LLM-mode tests: a scripted chat model and a fast assistant.

``ScriptedChatModel`` replays AIMessages (tool calls included) and raises
scripted exceptions, so each test reads as the model's side of a conversation.
The assistant is the real one (policy, rule engine, number guard) with a tiny
keyword retriever instead of the embedding index, so the tests stay offline
and fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.core import Assistant
from assistant.guard import check_answer
from assistant.llm import TOOL_NAME, LLMLayer
from knowledge.policy import load_policy
from knowledge.retriever import Hit
from rules import engine


class ScriptedChatModel(GenericFakeChatModel):
    """A fake chat model that replays ``script``: AIMessages, strings, or exceptions to raise.

    ``bind_tools`` records the tools and returns the model itself; ``seen`` keeps
    the messages of every call; streaming yields the content in small pieces and
    then the tool calls as chunks, like an OpenAI-compatible server.
    """

    script: list[Any] = Field(default_factory=list)
    messages: Iterator[Any] = Field(default_factory=lambda: iter(()))
    tools: list[Any] = Field(default_factory=list)
    seen: list[list[BaseMessage]] = Field(default_factory=list)

    def bind_tools(self, tools, **kwargs):
        self.tools = list(tools)
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.seen.append(list(messages))
        if not self.script:
            raise AssertionError("the scripted model was called more often than scripted")
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        return AIMessage(content=step) if isinstance(step, str) else step

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        message = self._next(messages)
        text = message.content if isinstance(message.content, str) else ""
        for piece in re.findall(r".{1,4}", text, re.DOTALL):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        chunks = [{"name": c["name"], "args": _json(c["args"]), "id": c["id"], "index": i}
                  for i, c in enumerate(message.tool_calls)]
        if chunks:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))


def _json(args: dict) -> str:
    import json

    return json.dumps(args, ensure_ascii=False)


def call(args: dict | None = None, name: str = TOOL_NAME, id: str = "call_1") -> AIMessage:
    """An AIMessage asking for one tool call."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args or {}, "id": id}])


class KeywordRetriever:
    """Articles ranked by shared character bigrams with the query (enough for these tests)."""

    def __init__(self, policy) -> None:
        self.articles = list(policy.articles.values())

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        grams = {query[i:i + 2] for i in range(len(query) - 1)}
        scored = [(sum(g in a.text for g in grams), a) for a in self.articles]
        scored = sorted((s for s in scored if s[0] > 1), key=lambda s: -s[0])[:k]
        return [Hit(a.number, a.title, float(score), a.sentences[0].text if a.sentences else a.text,
                        f"{a.number}.1") for score, a in scored]


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture
def make_assistant(policy):
    """``make_assistant(*script)``: an Assistant whose LLM replays ``script``; the model is ``.llm.chat_model``."""
    def make(*script: Any, timeout: float = 20.0) -> Assistant:
        model = ScriptedChatModel(script=list(script))
        return Assistant(policy, KeywordRetriever(policy), engine, llm=LLMLayer(model, timeout=timeout))
    return make


def ask(asst: Assistant, *turns: str):
    """Every turn in one session; returns (session, last reply)."""
    session = asst.new_session()
    reply = None
    for turn in turns:
        reply = asst.respond(session, turn)
    return session, reply


def grounded(asst: Assistant, session, reply) -> bool:
    """No number of the answer lacks a source (the same check the assistant runs)."""
    return check_answer(reply.answer, asst.allowed_numbers(session, reply)).ok


def fell_back(reply) -> bool:
    return any(event.startswith("llm_fallback") for event in reply.guard_events)
