"""The server as ``app.build`` assembles it, in-process (no socket is opened).

Which address it binds decides whether ``/v1`` is served; the web UI's login,
the Gradio queue limits and the body limit come from ``Settings``.
"""

from __future__ import annotations

import logging

import pytest

from assistant.settings import Settings

testclient = pytest.importorskip("fastapi.testclient")


def serve(assistant, **settings):
    import app

    return testclient.TestClient(app.build(Settings(**settings), assistant))


def test_public_bind_without_keys_does_not_serve_v1(assistant, caplog):
    with caplog.at_level(logging.WARNING, logger="api"):
        server = serve(assistant, server_name="0.0.0.0")
    assert any("/v1 is OFF" in r.getMessage() and "ASSISTANT_API_KEYS" in r.getMessage() for r in caplog.records)
    with server as http:
        for method, path in [("GET", "/v1/models"), ("POST", "/v1/chat/completions"), ("POST", "/v1/feedback")]:
            response = http.request(method, path, json={"messages": [{"role": "user", "content": "你好"}]})
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "api_disabled"
        assert http.get("/").status_code == 200  # the web UI itself is still served
    assert any("has no login" in r.getMessage() for r in caplog.records)


def test_public_bind_with_keys_serves_v1_behind_them(assistant):
    with serve(assistant, server_name="0.0.0.0", api_keys=("k1",)) as http:
        assert http.get("/v1/models").status_code == 401
        assert http.get("/v1/models", headers={"Authorization": "Bearer k2"}).status_code == 401
        response = http.get("/v1/models", headers={"Authorization": "Bearer k1"})
        assert response.status_code == 200 and response.json()["data"][0]["id"] == "guangming-policy"


def test_ui_login_when_configured(assistant):
    with serve(assistant, ui_auth=(("hotline", "s3cret"),)) as http:
        assert http.get("/gradio_api/login_check").status_code == 401
        assert http.post("/login", data={"username": "hotline", "password": "wrong"}).status_code == 400
        assert http.post("/login", data={"username": "hotline", "password": "s3cret"}).status_code == 200
        assert http.get("/gradio_api/login_check").status_code == 200
        assert http.get("/v1/models").status_code == 200  # the API has keys of its own, not the UI login


def test_queue_limits_come_from_settings(assistant):
    import app

    server = app.build(Settings(queue_concurrency=3, queue_max_size=7), assistant)
    blocks = next(r.app.get_blocks() for r in server.routes if hasattr(getattr(r, "app", None), "get_blocks"))
    assert blocks._queue.max_size == 7 and blocks._queue.default_concurrency_limit == 3


def test_body_limit_covers_the_ui_too(assistant):
    with serve(assistant, max_body_bytes=2048) as http:
        big = {"data": ["长" * 2000], "fn_index": 0, "session_hash": "x"}
        response = http.post("/gradio_api/queue/join", json=big)
        assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
        chunked = http.post("/v1/chat/completions", content=iter([b"{" + b" " * 1500, b" " * 1500 + b"}"]))
        assert chunked.status_code == 413  # no Content-Length: counted as it streams in
        small = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "你好"}]})
        assert small.status_code == 200 and small.json()["result"]["route"] == "smalltalk"
