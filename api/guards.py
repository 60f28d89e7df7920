"""What stands between the network and the assistant: keys, rate limit, body size.

- ``ApiKeys`` checks ``Authorization: Bearer <key>`` against ``ASSISTANT_API_KEYS``
  (constant-time); with no keys configured every caller is let in, which the
  server allows on a loopback bind only (``api_allowed``).
- ``RateLimiter`` is a token bucket per client (its key, else its IP): a
  burst of ``per_minute`` requests, refilled at ``per_minute`` a minute; an
  empty bucket gets 429 with ``Retry-After``.
- ``BodyLimit`` is ASGI middleware for the whole server (API and web UI): a
  request body over the limit gets 413 before any endpoint reads it, whether
  it declares its length or streams it in chunks.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from api.formats import ApiError, error_body

MAX_BUCKETS = 10_000  # clients tracked at once; full (idle) buckets are dropped beyond this
DRAIN_FACTOR = 8  # an over-long body is read (and dropped) up to 8 × the limit, so the client sees the 413


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine ("127.0.0.1", "::1", "localhost")."""
    host = (host or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_allowed(host: str, keys: tuple[str, ...]) -> tuple[bool, str]:
    """(serve /v1?, the log line saying why) for a bind address and the configured keys."""
    if keys:
        return True, f"API /v1 on, {len(keys)} key(s) required (Authorization: Bearer <key>)"
    if is_loopback(host):
        return True, (f"API /v1 on without keys: {host} is a loopback address "
                      "(set ASSISTANT_API_KEYS before putting it behind a proxy)")
    return False, (f"API /v1 is OFF: the server binds {host}, which is not loopback, and ASSISTANT_API_KEYS "
                   "is not set. Set ASSISTANT_API_KEYS (comma-separated keys, or @file) to serve it")


class ApiKeys:
    """The accepted API keys; ``identify`` names the caller for rate limits and the cache."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._keys = tuple(k.encode("utf-8") for k in keys)

    def identify(self, authorization: str | None, client_ip: str) -> str:
        """The caller's identity ("key:<hash>" or "ip:<address>").

        Raises:
            ApiError: 401 when keys are configured and the header carries none of them.
        """
        if not self._keys:
            return f"ip:{client_ip}"
        scheme, _, token = (authorization or "").partition(" ")
        presented = token.strip().encode("utf-8", "surrogatepass")
        valid = scheme.lower() == "bearer" and presented and any(
            hmac.compare_digest(presented, key) for key in self._keys)
        if not valid:
            raise ApiError(401, "Missing or incorrect API key: send the header "
                           "'Authorization: Bearer <key>' with a key from ASSISTANT_API_KEYS.",
                           "invalid_api_key", kind="authentication_error",
                           headers={"WWW-Authenticate": "Bearer"})
        return "key:" + hashlib.sha256(presented).hexdigest()[:16]


class RateLimiter:
    """A token bucket per client identity.

    Args:
        per_minute: requests a client may make per minute (also the burst); 0 turns the limit off.
        clock: seconds, monotonic (a fake one in tests).
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # identity -> (tokens, time)
        self._lock = threading.Lock()

    def check(self, identity: str) -> None:
        """Take one request from ``identity``'s bucket.

        Raises:
            ApiError: 429 with ``Retry-After`` when the bucket is empty.
        """
        if self.capacity <= 0:
            return
        with self._lock:
            now = self.clock()
            tokens, then = self._buckets.get(identity, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[identity] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.rate)
                raise ApiError(429, f"Rate limit reached: at most {int(self.capacity)} requests a minute "
                               f"per client. Retry after {wait} s.", "rate_limit_exceeded",
                               kind="rate_limit_error", headers={"Retry-After": str(wait)})
            self._buckets[identity] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_BUCKETS:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """Drop buckets that have refilled (their clients have been quiet)."""
        idle = [k for k, (tokens, then) in self._buckets.items()
                if tokens + (now - then) * self.rate >= self.capacity]
        for key in idle:
            del self._buckets[key]


class BodyLimit:
    """ASGI middleware: 413 (OpenAI's error JSON) for a request body over ``max_bytes``.

    The body is read here first (it is at most ``max_bytes``) and handed on
    unchanged, so an endpoint never sees a body larger than the limit. An
    over-long body is read on and dropped (up to ``DRAIN_FACTOR`` × the
    limit) before the 413, as a client that is still sending would otherwise
    see a broken connection instead of the answer.
    """

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        fits = declared is None or (declared.isdigit() and int(declared) <= self.max_bytes)
        limit = self.max_bytes if fits else -1  # a declared length over the limit: nothing is kept
        body, size, more = bytearray(), 0, True
        while more and size <= self.max_bytes * DRAIN_FACTOR:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size <= limit:
                body += chunk
        if size > limit:
            await self._too_large(send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _too_large(self, send: Callable) -> None:
        payload = json.dumps(error_body(
            f"Request body too large: at most {self.max_bytes} bytes (ASSISTANT_MAX_BODY_BYTES). "
            "Send a shorter message or fewer earlier turns.", "request_too_large")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def _has_body(scope: dict) -> bool:
    return _header(scope, b"content-length") not in (None, "0") or _header(scope, b"transfer-encoding") is not None


def _replay(body: bytes, receive: Callable) -> Callable:
    """A ``receive`` that returns the buffered body once, then the client's own messages."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
