"""The OpenAI-compatible HTTP API, served beside the web app on the same port.

- ``api.formats``: request models and the OpenAI JSON shapes (completion,
  stream chunks, model list, errors).
- ``api.guards``: API keys, the per-client rate limit, the request body limit,
  and whether an address is loopback.
- ``api.routes``: ``GET /v1/models``, ``POST /v1/chat/completions``,
  ``POST /v1/feedback``.
- ``api.server``: the one FastAPI application: limits, ``/v1`` (when allowed)
  and the Gradio app mounted at ``/``.

The contract is in docs/DESIGN.md ("HTTP API").
"""
