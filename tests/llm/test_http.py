"""The real ChatOpenAI client against an OpenAI-compatible server the test runs on loopback.

The server replays scripted ``/v1/chat/completions`` responses (a tool call,
then the final message), plain or as server-sent events, and records what the
client sent. An endpoint that is down or too slow must cost only the LLM's
phrasing: the deterministic answer arrives within the timeout.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.core import Assistant
from assistant.llm import TOOL_NAME, build_llm
from assistant.settings import Settings
from rules import engine
from tests.llm.conftest import KeywordRetriever, ask, fell_back, grounded
from tests.llm.test_adversaries import GOOD, LOAN

TOOL_CALL = {"id": "call_1", "type": "function",
             "function": {"name": TOOL_NAME,
                          "arguments": json.dumps({"item": "loan_interest", "facts": {"interest_yuan": 2000000}})}}


class ScriptedServer:
    """An OpenAI-compatible chat endpoint replaying ``script`` (assistant messages) in order."""

    def __init__(self, script: list[dict[str, Any]], delay: float = 0.0) -> None:
        self.script, self.delay, self.requests = list(script), delay, []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                time.sleep(server.delay)
                message = server.script.pop(0)
                if body.get("stream"):
                    self._send("text/event-stream", "".join(f"data: {json.dumps(c)}\n\n" for c in _chunks(message))
                               + "data: [DONE]\n\n")
                else:
                    self._send("application/json", json.dumps(_completion(message)))

            def _send(self, kind: str, text: str) -> None:
                data = text.encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (the slow test)
                    pass

        return Handler


def _completion(message: dict) -> dict:
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunks(message: dict) -> list[dict]:
    def chunk(delta: dict, finish: str | None = None) -> dict:
        return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    text = message.get("content") or ""
    out = [chunk({"role": "assistant", "content": ""})]
    out += [chunk({"content": text[i:i + 5]}) for i in range(0, len(text), 5)]
    out += [chunk({"tool_calls": [{"index": i, **call}]}) for i, call in enumerate(message.get("tool_calls") or [])]
    return [*out, chunk({}, "tool_calls" if message.get("tool_calls") else "stop")]


def _assistant(policy, url: str, timeout: float = 10.0) -> Assistant:
    settings = Settings(llm_base_url=url, llm_model="scripted", llm_api_key="test-key", llm_timeout=timeout)
    return Assistant(policy, KeywordRetriever(policy), engine, llm=build_llm(settings))


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def test_chat_openai_calls_the_tool_and_answers(policy):
    server = ScriptedServer([{"content": None, "tool_calls": [TOOL_CALL]}, {"content": GOOD}])
    try:
        asst = _assistant(policy, server.url)
        session, reply = ask(asst, LOAN)
    finally:
        server.close()
    assert not fell_back(reply), reply.guard_events
    assert reply.answer.startswith(GOOD) and reply.amount_yuan == 600000 and grounded(asst, session, reply)
    first, second = server.requests
    assert first["model"] == "scripted" and first["tools"][0]["function"]["name"] == TOOL_NAME
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    assert "60万元" in tool_message["content"]


def test_chat_openai_streams(policy):
    server = ScriptedServer([{"content": None, "tool_calls": [TOOL_CALL]}, {"content": GOOD}])
    try:
        asst = _assistant(policy, server.url)
        session, layer = asst.new_session(), asst.llm
        asst.llm = None
        reply = asst.respond(session, LOAN)
        asst.llm = layer
        *partials, final = layer.stream_refine(asst, session, LOAN, reply)
    finally:
        server.close()
    assert len(partials) > 3 and partials[-1] == GOOD
    assert not fell_back(final) and final.amount_yuan == 600000
    assert all(r.get("stream") for r in server.requests)


def test_an_endpoint_that_is_down_gives_the_deterministic_answer(policy):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    asst = _assistant(policy, f"http://127.0.0.1:{port}/v1", timeout=2.0)
    started = time.monotonic()
    session, reply = ask(asst, LOAN)
    assert time.monotonic() - started < 2.0
    assert "llm_fallback: endpoint unreachable" in reply.guard_events
    assert reply.amount_yuan == 600000 and grounded(asst, session, reply)


def test_a_slow_endpoint_gives_the_deterministic_answer_within_the_timeout(policy):
    server = ScriptedServer([{"content": GOOD}], delay=3.0)
    try:
        asst = _assistant(policy, server.url, timeout=1.0)
        started = time.monotonic()
        session, reply = ask(asst, LOAN)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert elapsed < 2.0, elapsed
    assert "llm_fallback: timeout" in reply.guard_events
    assert reply.amount_yuan == 600000 and grounded(asst, session, reply)
