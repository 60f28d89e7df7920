"""One FastAPI server: the body limit, ``/v1`` (when allowed) and the Gradio app at ``/``.

The ``/v1`` routes are added before ``gr.mount_gradio_app``: a route added
after the mount at "/" is shadowed by it. On an address that is not loopback
``/v1`` is served only with API keys (``ASSISTANT_API_KEYS``); otherwise every
``/v1`` path answers 404 in OpenAI's error shape, and the log says why.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.formats import ApiError, error_body
from api.guards import BodyLimit, api_allowed, is_loopback
from api.routes import build_router, error_response

log = logging.getLogger("api")


def build_server(demo: Any, assistant: Any, cache: Any, settings: Any, ui_options: dict | None = None) -> FastAPI:
    """The ASGI app to serve: API and web UI on one port.

    Args:
        demo: the ``gr.Blocks`` of ``app.build_app`` (its queue is configured here).
        assistant: the ``assistant.core.Assistant``.
        cache: the ``assistant.service.ConversationCache`` shared by ``/v1`` and ``/ask``.
        settings: ``assistant.settings.Settings`` (address, keys, logins, limits).
        ui_options: extra ``gr.mount_gradio_app`` arguments (theme, css).
    """
    import gradio as gr

    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    server.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    server.add_exception_handler(ApiError, error_response)
    serve_api, why = api_allowed(settings.server_name, settings.api_keys)
    (log.info if serve_api else log.warning)(why)
    server.state.api_on = serve_api
    if serve_api:
        server.include_router(build_router(assistant, cache, settings))
    else:
        server.add_api_route("/v1/{path:path}", _api_off, methods=["GET", "POST"])
    if not settings.ui_auth and not is_loopback(settings.server_name):
        log.warning("the web UI on %s has no login: set ASSISTANT_UI_AUTH=user:password to require one",
                    settings.server_name)
    demo.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size)
    return gr.mount_gradio_app(server, demo, path="/", server_name=settings.server_name,
                               server_port=settings.server_port, auth=list(settings.ui_auth) or None,
                               auth_message="请登录后使用政策问答助手。", ssr_mode=False, **(ui_options or {}))


async def _api_off(path: str, request: Request) -> JSONResponse:
    return JSONResponse(error_body(
        "The API is not served on this address: it binds a public interface and no ASSISTANT_API_KEYS "
        "are set.", "api_disabled"), status_code=404)


def run(server: FastAPI, settings: Any) -> None:
    """Serve ``server`` with uvicorn on ``settings.server_name:server_port`` until stopped.

    Everything built so far (models, index, the app: millions of objects that live as long
    as the process) is moved out of the garbage collector's sight first (``gc.freeze``):
    otherwise every full collection walks all of it, several milliseconds each time.
    """
    import gc

    import uvicorn

    gc.collect()
    gc.freeze()

    api = "and the API on /v1" if getattr(server.state, "api_on", False) else "(API /v1 off)"
    log.info("serving the web app on http://%s:%d/ %s", settings.server_name, settings.server_port, api)
    uvicorn.run(server, host=settings.server_name, port=settings.server_port, log_level="warning",
                access_log=False, timeout_graceful_shutdown=5)
