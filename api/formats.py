"""Request models and the OpenAI JSON shapes of the API.

A completion carries the answer where every OpenAI client reads it
(``choices[0].message.content``, the text ``assistant.render`` writes from the
reply's parts) and, beside it, the whole ``ask --json`` object as ``result``
(with those parts as ``result.parts``) and the audit log's ``turn_id`` (for
``/v1/feedback``).
A stream sends the same answer as ``chat.completion.chunk`` events, then one
last chunk with ``finish_reason`` "stop", ``turn_id`` and ``result``, then
``data: [DONE]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.render import reply_text

MODEL_ID = "guangming-policy"
OWNER = "guangming-district"
MODEL_CREATED = 1735689600  # 2025-01-01: a fixed date, so the model list never changes
ROLES = ("system", "developer", "user", "assistant", "tool", "function")
TURN_PREFIX = "chatcmpl-"


class ApiError(Exception):
    """An error answered in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``.

    Args:
        status: the HTTP status.
        message: what happened and what to do.
        code: a short machine-readable code (``invalid_api_key``, ``rate_limit_exceeded`` …).
        kind: OpenAI's ``type`` (``invalid_request_error``, ``authentication_error`` …).
        param: the request field at fault, if any.
        headers: extra response headers (``Retry-After``, ``WWW-Authenticate``).
    """

    def __init__(self, status: int, message: str, code: str, kind: str = "invalid_request_error",
                 param: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.kind = status, message, code, kind
        self.param, self.headers = param, headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return error_body(self.message, self.code, self.kind, self.param)


def error_body(message: str, code: str, kind: str = "invalid_request_error",
               param: str | None = None) -> dict[str, Any]:
    """OpenAI's error JSON."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


class Message(BaseModel):
    """One message of the conversation; unknown fields are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[Any] | None = None


class ChatRequest(BaseModel):
    """``POST /v1/chat/completions``; OpenAI's other fields (temperature …) are ignored."""

    model_config = ConfigDict(extra="allow")
    model: str | None = None
    messages: list[Message]
    stream: bool | None = False


class FeedbackRequest(BaseModel):
    """``POST /v1/feedback``: a rating of one answered turn."""

    turn_id: str
    rating: str
    comment: str | None = None


def user_turns(messages: list[Message]) -> list[str]:
    """The conversation's user turns, in order; other roles are never read as facts.

    Raises:
        ApiError: no messages, an unknown role, or the last message is not the user's.
    """
    if not messages:
        raise ApiError(400, "messages is empty: send the conversation, ending with the user's question",
                       "invalid_messages", param="messages")
    for number, message in enumerate(messages):
        if message.role not in ROLES:
            raise ApiError(400, f"messages[{number}].role is {message.role!r}; use one of {', '.join(ROLES)}",
                           "invalid_role", param=f"messages[{number}].role")
    if messages[-1].role != "user":
        raise ApiError(400, "the last message must be the user's question (role \"user\")",
                       "invalid_messages", param="messages")
    return [message_text(m.content, number) for number, m in enumerate(messages) if m.role == "user"]


def message_text(content: str | list[Any] | None, number: int = 0) -> str:
    """A message's text: a string, or the ``text`` parts of a content list joined by newlines."""
    if content is None or isinstance(content, str):
        return content or ""
    texts = []
    for part in content:
        if not isinstance(part, dict):
            raise ApiError(400, f"messages[{number}].content must be a string or a list of "
                           '{"type": "text", "text": "..."} parts', "invalid_content",
                           param=f"messages[{number}].content")
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
    return "\n".join(texts)


def turn_id_of(value: str) -> str:
    """A turn id from ``turn_id`` or from a completion's ``id`` ("chatcmpl-<turn id>")."""
    return value.strip().removeprefix(TURN_PREFIX)


def model_card() -> dict[str, Any]:
    """The one model of ``/v1/models``."""
    return {"id": MODEL_ID, "object": "model", "created": MODEL_CREATED, "owned_by": OWNER}


def completion(reply: Any, created: int) -> dict[str, Any]:
    """A ``chat.completion`` for one answered turn (``reply``: ``assistant.session.Reply``)."""
    return {
        "id": TURN_PREFIX + reply.turn_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply_text(reply)},
                     "logprobs": None, "finish_reason": "stop"}],
        "turn_id": reply.turn_id,
        "result": reply.to_dict(),
    }


def chunks(reply: Any, created: int) -> Iterator[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a streamed answer; the last carries ``result``."""

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        return {"id": TURN_PREFIX + reply.turn_id, "object": "chat.completion.chunk", "created": created,
                "model": MODEL_ID, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                "finish_reason": finish}], **extra}

    yield chunk({"role": "assistant", "content": ""})
    for piece in reply_text(reply).splitlines(keepends=True):
        yield chunk({"content": piece})
    yield chunk({}, "stop", turn_id=reply.turn_id, result=reply.to_dict())


def sse(events: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Server-sent events: ``data: <json>`` per object, then ``data: [DONE]``."""
    for event in events:
        yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"
