"""Audit log: one row per answered turn, export, and answering goes on when it cannot be written."""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sqlite3
import threading

import pytest

from assistant import audit as audit_mod
from assistant.audit import MAX_QUESTION_CHARS, AuditLog, add_commands
from assistant.session import CitationOut, Reply, Session

VERSION = "sha256-test"


def _reply(route: str = "rules", amount: int | None = 288000, events=()) -> Reply:
    cites = [CitationOut(11, "加强企业产业用房支持", "…"), CitationOut(19, "支持原则", "…")]
    return Reply(answer="28.8万元", route=route, citations=cites, amount_yuan=amount,
                 latency_ms=3.14159, guard_events=list(events))


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers())
    return parser.parse_args(argv)


def test_one_row_per_turn_with_every_field(tmp_path):
    log = AuditLog(tmp_path / "a" / "audit.sqlite3", policy_version=VERSION)
    session = Session()
    assert log.record(session, "房租能补多少？", _reply(events=["unsupported number '9'"]))
    assert log.record(session, "你好", _reply(route="smalltalk", amount=None))
    rows = list(log.rows())
    assert [r["route"] for r in rows] == ["rules", "smalltalk"]
    first = rows[0]
    assert first["session"] == session.id and first["question"] == "房租能补多少？"
    assert first["articles"] == [11, 19] and first["amount_yuan"] == 288000
    assert first["policy_version"] == VERSION and first["latency_ms"] == 3.14
    assert first["guard_events"] == ["unsupported number '9'"]
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert rows[1]["amount_yuan"] is None
    mode = sqlite3.connect(log.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_question_is_cut_and_odd_text_is_stored(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3")
    assert log.record(Session(), "长" * 100_000, _reply())
    assert log.record(Session(), "bad \ud800 surrogate \x00 nul", _reply())
    assert log.record(Session(), b"\xff bytes", _reply())
    rows = list(log.rows())
    assert len(rows[0]["question"]) == MAX_QUESTION_CHARS
    assert "surrogate" in rows[1]["question"] and rows[2]["question"].startswith("b'")


def test_export_jsonl_csv_since(tmp_path, monkeypatch, capsys):
    db = tmp_path / "audit.sqlite3"
    log = AuditLog(db, policy_version=VERSION)
    times = iter(["2025-01-01T00:00:00.000+00:00", "2025-03-01T12:00:00.000+00:00"])
    monkeypatch.setattr(audit_mod, "utc_now", lambda: next(times))
    log.record(Session(), "一月的问题", _reply())
    log.record(Session(), "三月的问题", _reply(route="lookup", amount=None))
    args = _cli(["audit-export", "--db", str(db)])
    assert args.handler(args) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["question"] for x in lines] == ["一月的问题", "三月的问题"]
    out = tmp_path / "out.csv"
    # 2025-03-01 08:00 in Shenzhen is 00:00 UTC: only the March row is after it.
    args = _cli(["audit-export", "--db", str(db), "--format", "csv", "--since", "2025-03-01T08:00+08:00",
                 "--out", str(out)])
    assert args.handler(args) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["question"] for r in rows] == ["三月的问题"]
    assert json.loads(rows[0]["articles"]) == [11, 19] and rows[0]["policy_version"] == VERSION


def test_export_errors_are_clear(tmp_path, capsys):
    args = _cli(["audit-export", "--db", str(tmp_path / "none.sqlite3")])
    assert args.handler(args) == 1
    assert "no audit log" in capsys.readouterr().err
    args = _cli(["audit-export", "--db", str(tmp_path / "none.sqlite3"), "--since", "last tuesday"])
    assert args.handler(args) == 2
    assert "ISO 8601" in capsys.readouterr().err


def _unwritable(tmp_path, kind: str):
    """Audit paths that fail even for root (chmod does not stop root)."""
    if kind == "under_a_file":
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        return blocker / "sub" / "audit.sqlite3"
    if kind == "corrupted":
        path = tmp_path / "audit.sqlite3"
        path.write_bytes(b"\x00garbage, not a database" * 200)
        return path
    if kind == "a_directory":
        path = tmp_path / "audit.sqlite3"
        path.mkdir()
        return path
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["under_a_file", "corrupted", "a_directory"])
def test_unwritable_log_warns_once_and_never_raises(tmp_path, caplog, kind):
    log = AuditLog(_unwritable(tmp_path, kind))
    with caplog.at_level(logging.WARNING, logger="assistant.audit"):
        results = [log.record(Session(), f"问题{i}", _reply()) for i in range(5)]
    assert results == [False] * 5 and log.failed == 5
    warnings = [r for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(warnings) == 1 and "ASSISTANT_AUDIT_DB" in warnings[0].getMessage()


def test_locked_and_full_database(tmp_path, caplog, monkeypatch):
    db = tmp_path / "audit.sqlite3"
    log = AuditLog(db, timeout=0.05)
    assert log.record(Session(), "first", _reply())
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    with caplog.at_level(logging.WARNING, logger="assistant.audit"):
        assert log.record(Session(), "while locked", _reply()) is False
    holder.execute("ROLLBACK")
    holder.close()
    assert "cannot be written" in caplog.text
    # After the retry pause the log is written again (here: no pause).
    monkeypatch.setattr(audit_mod, "RETRY_SECONDS", 0.0)
    log._retry_at = 0.0
    assert log.record(Session(), "after", _reply())

    class FullDisk:
        def execute(self, *args):
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            pass

    log._conn = FullDisk()
    assert log.record(Session(), "disk full", _reply()) is False
    assert [r["question"] for r in log.rows()] == ["first", "after"]


def test_concurrent_writes_from_many_threads(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3", policy_version=VERSION)
    sessions = [Session() for _ in range(16)]
    errors: list[BaseException] = []

    def worker(session: Session) -> None:
        try:
            for turn in range(25):
                assert log.record(session, f"{session.id} turn {turn}", _reply())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    rows = list(log.rows())
    assert len(rows) == 16 * 25 and log.written == 16 * 25
    for session in sessions:
        mine = [r["question"] for r in rows if r["session"] == session.id]
        assert mine == [f"{session.id} turn {t}" for t in range(25)]


# -- through the assistant ------------------------------------------------------------

NORMAL = "我们租了800平米，在认定的专业园区，房租能补多少？"


def _with_log(assistant, log: AuditLog):
    from assistant.core import Assistant

    return Assistant(assistant.policy, assistant.retriever, assistant.rules, audit=log)


def test_assistant_turns_are_logged(assistant, tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3", policy_version=assistant.policy.text_hash)
    asst = _with_log(assistant, log)
    session = asst.new_session()
    for turn in ("你好", NORMAL, "第二十条说了什么", ""):
        asst.respond(session, turn)
    rows = list(log.rows())
    assert [r["route"] for r in rows] == ["smalltalk", "rules", "lookup", "smalltalk"]
    assert {r["session"] for r in rows} == {session.id}
    assert rows[1]["amount_yuan"] == 288000 and rows[1]["articles"][0] == 11
    assert rows[2]["articles"] == [20] and rows[1]["policy_version"] == assistant.policy.text_hash


def test_assistant_answers_when_the_log_cannot_be_written(assistant, tmp_path, caplog):
    asst = _with_log(assistant, AuditLog(_unwritable(tmp_path, "under_a_file")))
    with caplog.at_level(logging.WARNING, logger="assistant.audit"):
        replies = [asst.respond(asst.new_session(), NORMAL) for _ in range(3)]
    assert all(r.route == "rules" and r.amount_yuan == 288000 for r in replies)
    assert caplog.text.count("cannot be written") == 1


def test_build_assistant_opens_the_configured_log(assistant, ops_settings):
    from assistant.service import build_assistant

    asst = build_assistant(ops_settings)  # the session's index is reused as it is
    asst.respond(asst.new_session(), NORMAL)
    assert isinstance(asst.audit, AuditLog) and asst.audit.path == ops_settings.audit_db
    assert asst.audit.policy_version == assistant.policy.text_hash
    assert any(r["question"] == NORMAL for r in asst.audit.rows())
