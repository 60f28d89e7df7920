"""The ``/v1`` endpoints: models, chat completions, feedback.

Every request is checked in the same order: API key (401), rate limit (429),
then its JSON (400); the body size was checked before (413, ``api.guards``).
The assistant itself runs in worker threads that take turns in arrival order:
the server keeps accepting requests while turns are answered. Without an LLM
a turn is pure Python, so one worker answers them one at a time (twenty
threads sharing one interpreter lock would only finish together, late); with
an LLM endpoint turns mostly wait on the network, and up to
``Settings.queue_concurrency`` run at once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ValidationError

from api import formats
from api.formats import MODEL_ID, ApiError, ChatRequest, FeedbackRequest
from api.guards import ApiKeys, RateLimiter

log = logging.getLogger("api")
Body = TypeVar("Body", bound=BaseModel)
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def build_router(assistant: Any, cache: Any, settings: Any) -> APIRouter:
    """The ``/v1`` routes over one assistant.

    Args:
        assistant: the ``assistant.core.Assistant`` (its ``audit`` stores feedback).
        cache: the ``assistant.service.ConversationCache`` that answers turns.
        settings: ``assistant.settings.Settings`` (keys, rate limit, turn limits).
    """
    endpoints = Endpoints(assistant, cache, settings)
    router = APIRouter(prefix="/v1")
    router.add_api_route("/models", endpoints.models, methods=["GET"])
    router.add_api_route("/models/{model_id}", endpoints.model, methods=["GET"])
    router.add_api_route("/chat/completions", endpoints.chat_completions, methods=["POST"])
    router.add_api_route("/feedback", endpoints.feedback, methods=["POST"])
    return router


class Endpoints:
    """The handlers of ``build_router``; each first names the client (key and rate limit)."""

    def __init__(self, assistant: Any, cache: Any, settings: Any) -> None:
        self.assistant, self.cache, self.settings = assistant, cache, settings
        self.keys = ApiKeys(settings.api_keys)
        self.limiter = RateLimiter(settings.api_rate_per_minute)
        self.workers = ThreadPoolExecutor(max_workers=turn_workers(settings), thread_name_prefix="api-turn")

    def client(self, request: Request) -> str:
        """The caller's identity, once its key and rate limit are checked (else ApiError)."""
        identity = self.keys.identify(request.headers.get("authorization"),
                                      request.client.host if request.client else "unknown")
        self.limiter.check(identity)
        return identity

    async def models(self, request: Request) -> JSONResponse:
        """``GET /v1/models``: the one model."""
        self.client(request)
        return JSONResponse({"object": "list", "data": [formats.model_card()]})

    async def model(self, model_id: str, request: Request) -> JSONResponse:
        """``GET /v1/models/{id}``."""
        self.client(request)
        _check_model(model_id)
        return JSONResponse(formats.model_card())

    async def chat_completions(self, request: Request) -> Response:
        """``POST /v1/chat/completions``: answer the last user turn after the earlier ones."""
        from assistant.service import turn_limit_problem

        identity = self.client(request)
        body = _parse(ChatRequest, await request.body())
        _check_model(body.model)
        turns = formats.user_turns(body.messages)
        problem = turn_limit_problem(turns, self.settings.max_turn_chars, self.settings.max_turns)
        if problem:
            raise ApiError(400, problem, "context_length_exceeded", param="messages")
        reply = await asyncio.get_running_loop().run_in_executor(self.workers, self.cache.answer, turns, identity)
        created = int(time.time())
        if body.stream:
            return StreamingResponse(formats.sse(formats.chunks(reply, created)),
                                     media_type="text/event-stream", headers=STREAM_HEADERS)
        return JSONResponse(formats.completion(reply, created))  # a plain dict: no re-encoding by FastAPI

    async def feedback(self, request: Request) -> JSONResponse:
        """``POST /v1/feedback``: a rating (and comment) stored on the turn's audit row."""
        self.client(request)
        body = _parse(FeedbackRequest, await request.body())
        turn_id = formats.turn_id_of(body.turn_id)
        stored = await run_in_threadpool(_store_feedback, self.assistant.audit, turn_id, body)
        if not stored:
            raise ApiError(404, f"No answered turn {turn_id!r} in the audit log: use the turn_id (or id) of a "
                           "chat completion from this server.", "turn_not_found", param="turn_id")
        return JSONResponse({"object": "feedback", "turn_id": turn_id, "rating": body.rating, "stored": True})


def turn_workers(settings: Any) -> int:
    """Threads that answer ``/v1`` turns: 1 for the deterministic assistant, else the queue concurrency."""
    return settings.queue_concurrency if settings.llm_base_url else 1


def _check_model(name: str | None) -> None:
    if name not in (None, "", MODEL_ID):
        raise ApiError(404, f"The model {name!r} does not exist; this server has one model: {MODEL_ID!r}.",
                       "model_not_found", param="model")


def _parse(model: type[Body], raw: bytes) -> Body:
    """The request body as ``model``; 400 in OpenAI's shape naming the first bad field."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        if first.get("type") == "json_invalid":
            raise ApiError(400, "The request body is not valid JSON.", "invalid_json") from None
        raise ApiError(400, f"{where}: {first.get('msg', 'invalid')}", "invalid_request",
                       param=where) from None


def _store_feedback(audit: Any, turn_id: str, body: FeedbackRequest) -> bool:
    if audit is None:
        raise ApiError(503, "Feedback is stored in the audit log, and this server keeps none "
                       "(it was started without one).", "audit_unavailable", kind="server_error")
    try:
        return audit.feedback(turn_id, body.rating, body.comment)
    except ValueError as exc:
        raise ApiError(400, str(exc), "invalid_rating", param="rating") from None
    except (sqlite3.Error, OSError) as exc:
        log.warning("feedback for turn %s not stored: %s", turn_id, exc)
        raise ApiError(503, "The audit log cannot be written right now; try again later.",
                       "audit_unavailable", kind="server_error") from None


def error_response(request: Request, exc: ApiError) -> JSONResponse:
    """The exception handler for ``ApiError``."""
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)
