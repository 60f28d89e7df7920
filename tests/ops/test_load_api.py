"""Load through ``/v1/chat/completions``: 20 concurrent clients × 25 turns, each checking its own amounts.

Correctness only (0 errors, 0 facts leaking between clients, every turn
audited); the latency figures are printed (``pytest -s``) and written to
``load-api-summary.json``, not asserted. ``python -m tests.ops.api_load``
compares them with the cache off.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.ops.api_load import api_server, run_load
from tests.ops.load_script import SESSIONS, TURNS

pytestmark = pytest.mark.server


def _audit_rows(path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=5) as conn:
        return conn.execute("SELECT count(*) FROM turns").fetchone()[0]


def test_concurrent_clients_through_chat_completions(assistant, ops_data_dir, tmp_path):
    audit = ops_data_dir / "audit.sqlite3"
    before = _audit_rows(audit)
    with api_server(ops_data_dir, tmp_path / "app.log") as url:
        summary, errors = run_load(url)
    (tmp_path / "load-api-summary.json").write_text(json.dumps(summary), encoding="utf-8")
    print(f"\nload /v1/chat/completions: {json.dumps(summary)}")
    assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}"
    assert summary["requests"] == SESSIONS * TURNS
    assert _audit_rows(audit) - before >= (SESSIONS + 1) * TURNS  # the solo client's turns too
