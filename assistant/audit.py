"""The audit log for hotline quality review: one SQLite row per answered turn.

Each row holds the time (UTC, ISO 8601), the session id, the question (cut to
``MAX_QUESTION_CHARS``), the route, the cited article numbers (a JSON list),
the amount in yuan, the policy version (the policy's ``text_hash``), the
number-guard events (a JSON list), the latency in milliseconds and the turn id
(``Reply.turn_id``). Feedback from hotline review or users (👍/👎 and an optional
comment, ``AuditLog.feedback``) is stored on the turn's own row: ``rating``
("up" or "down"), ``comment`` and ``feedback_time``. A log written before these
columns existed gains them when it is next opened for writing.

Writing the log must never cost an answer: ``AuditLog.record`` catches every
failure (read-only directory, full disk, a locked or corrupted file), logs one
warning, and the assistant keeps answering. It retries now and then, so a
disk that frees up again is written to again. One connection, guarded by a
lock, serves every thread of the web app.

Export with ``python -m assistant audit-export [--format csv|jsonl]
[--since ISO] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger("assistant.audit")

MAX_QUESTION_CHARS = 500
"""Longer questions are cut; the log is for review, not for storing pasted documents."""

RETRY_SECONDS = 30.0
"""After a failed write, the next attempt waits this long (each failed try costs time)."""

MAX_COMMENT_CHARS = 1000
"""Feedback comments are cut to this length."""

RATINGS = ("up", "down")

TURN_COLUMNS = ("time", "session", "question", "route", "articles", "amount_yuan",
                "policy_version", "guard_events", "latency_ms", "turn_id")
FEEDBACK_COLUMNS = ("rating", "comment", "feedback_time")
COLUMNS = TURN_COLUMNS + FEEDBACK_COLUMNS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    session TEXT NOT NULL,
    question TEXT NOT NULL,
    route TEXT NOT NULL,
    articles TEXT NOT NULL,
    amount_yuan INTEGER,
    policy_version TEXT NOT NULL,
    guard_events TEXT NOT NULL,
    latency_ms REAL
);
CREATE INDEX IF NOT EXISTS turns_time ON turns(time);
"""
_ADDED = {"turn_id": "TEXT", "rating": "TEXT", "comment": "TEXT", "feedback_time": "TEXT"}  # later columns
_INSERT = f"INSERT INTO turns ({', '.join(TURN_COLUMNS)}) VALUES ({', '.join('?' * len(TURN_COLUMNS))})"
_FEEDBACK = "UPDATE turns SET rating = ?, comment = ?, feedback_time = ? WHERE turn_id = ?"


def utc_now() -> str:
    """The current time as UTC ISO 8601 with milliseconds ("2025-01-02T03:04:05.678+00:00")."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def normalize_since(value: str) -> str:
    """An ISO date or time as the log stores it (UTC, same format), for comparing as text.

    A value without a time zone is read as UTC. Raises ValueError for a value
    that is not ISO 8601.
    """
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _clean(text: str, limit: int | None = None) -> str:
    """Text SQLite can store: lone surrogates replaced, optionally cut to ``limit`` characters."""
    text = text if limit is None else text[:limit]
    return text.encode("utf-8", "replace").decode("utf-8")


def turn_row(session: Any, text: Any, reply: Any, policy_version: str) -> tuple:
    """The values of one row, in ``TURN_COLUMNS`` order."""
    clauses = [int(c.clause) for c in getattr(reply, "citations", [])]
    amount = getattr(reply, "amount_yuan", None)
    return (
        utc_now(),
        _clean(str(getattr(session, "id", ""))),
        _clean(text if isinstance(text, str) else repr(text), MAX_QUESTION_CHARS),
        _clean(str(getattr(reply, "route", ""))),
        json.dumps(clauses),
        int(amount) if isinstance(amount, (int, float)) else None,
        _clean(str(policy_version or "")),
        json.dumps([_clean(str(e)) for e in getattr(reply, "guard_events", [])], ensure_ascii=False),
        round(float(getattr(reply, "latency_ms", 0.0) or 0.0), 2),
        _clean(str(getattr(reply, "turn_id", "") or "")) or None,
    )


def _columns(conn: sqlite3.Connection) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA table_info(turns)")}


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a log written by an earlier version up to the current columns."""
    for name in _ADDED.keys() - _columns(conn):
        conn.execute(f"ALTER TABLE turns ADD COLUMN {name} {_ADDED[name]}")
    conn.execute("CREATE INDEX IF NOT EXISTS turns_turn_id ON turns(turn_id)")


class AuditLog:
    """An append-only SQLite log of answered turns; safe to share between threads.

    Args:
        path: the database file (``Settings.audit_db``); its directory is created if needed.
            None keeps no log (``record`` does nothing and returns False).
        policy_version: the policy's ``text_hash``, written into every row. It may
            also be set later through the attribute of the same name.
        timeout: seconds to wait for a lock held by another process before giving up.
    """

    def __init__(self, path: Path | str | None, policy_version: str = "", timeout: float = 0.5) -> None:
        self.path = Path(path) if path is not None else None
        self.policy_version = policy_version
        self.timeout = timeout
        self.written = 0
        self.failed = 0
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._warned = False
        self._retry_at = 0.0

    def record(self, session: Any, text: Any, reply: Any) -> bool:
        """Write one answered turn. Never raises; returns whether the row was written."""
        if self.path is None:
            return False
        try:
            row = turn_row(session, text, reply, self.policy_version)
            with self._lock:
                return self._write(row)
        except Exception as exc:  # noqa: BLE001 - the log must never cost an answer
            self._failed(exc)
            return False

    def _write(self, row: tuple) -> bool:
        if self._conn is None and time.monotonic() < self._retry_at:
            self.failed += 1
            return False
        try:
            conn = self._conn or self._open()
            conn.execute(_INSERT, row)  # autocommit: one transaction per row
        except Exception:
            self._drop_connection()
            raise
        self.written += 1
        if self._warned:
            log.warning("audit log %s is being written again", self.path)
            self._warned = False
        return True

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False,
                               isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            _add_missing_columns(conn)
        except Exception:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        self._retry_at = time.monotonic() + RETRY_SECONDS
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _failed(self, exc: BaseException) -> None:
        self.failed += 1
        if not self._warned:
            self._warned = True
            log.warning("audit log %s cannot be written (%s: %s); answering goes on without it. "
                        "Check the file and its directory, or set ASSISTANT_AUDIT_DB to a writable path.",
                        self.path, type(exc).__name__, exc)

    def feedback(self, turn_id: str, rating: str | None, comment: str | None = None) -> bool:
        """Store a rating ("up", "down", or None to clear it) and a comment on an answered turn.

        The latest feedback on a turn replaces the earlier one.

        Returns:
            True when stored; False when no logged turn has ``turn_id`` (or no log is kept).

        Raises:
            ValueError: ``rating`` is not one of ``RATINGS`` (or None).
            sqlite3.Error, OSError: the log cannot be written.
        """
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}, got {rating!r}")
        if self.path is None or not turn_id:
            return False
        note = _clean(comment, MAX_COMMENT_CHARS) if comment else None
        with self._lock:
            conn = self._conn or self._open()
            changed = conn.execute(_FEEDBACK, (rating, note, utc_now(), _clean(turn_id))).rowcount
        return changed > 0

    def rows(self, since: str | None = None) -> Iterator[dict]:
        """Every row (oldest first), as dicts with ``articles``/``guard_events`` decoded.

        Columns a log written by an earlier version lacks are None.

        Args:
            since: only rows at or after this ISO 8601 time (UTC when no zone is given).
        """
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=self.timeout)
        try:
            present = _columns(conn)
            fields = ", ".join(c if c in present else f"NULL AS {c}" for c in COLUMNS)
            query = f"SELECT {fields} FROM turns"
            params: tuple = ()
            if since:
                query, params = query + " WHERE time >= ?", (normalize_since(since),)
            for values in conn.execute(query + " ORDER BY id", params):
                row = dict(zip(COLUMNS, values))
                row["articles"] = json.loads(row["articles"])
                row["guard_events"] = json.loads(row["guard_events"])
                yield row
        finally:
            conn.close()

    def export(self, out: TextIO, fmt: str = "jsonl", since: str | None = None) -> int:
        """Write the rows to ``out`` as "jsonl" or "csv"; returns the number of rows."""
        count = 0
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
        for row in self.rows(since):
            if fmt == "csv":
                writer.writerow({**row, "articles": json.dumps(row["articles"]),
                                 "guard_events": json.dumps(row["guard_events"], ensure_ascii=False)})
            else:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count

    def close(self) -> None:
        """Close the connection (a later ``record`` opens it again)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


# -- command line ------------------------------------------------------------


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``audit-export``."""
    cmd = sub.add_parser("audit-export", help="export the audit log of answered turns")
    cmd.add_argument("--format", choices=("csv", "jsonl"), default="jsonl", help="output format (jsonl)")
    cmd.add_argument("--since", metavar="ISO", help="only turns at or after this time, e.g. 2025-01-31 or "
                     "2025-01-31T08:00+08:00 (UTC when no zone is given)")
    cmd.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    cmd.add_argument("--db", metavar="FILE", help="the audit database (default: ASSISTANT_AUDIT_DB, "
                     "else <ASSISTANT_DATA_DIR>/audit.sqlite3)")
    cmd.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Export the audit log; 1 with a message when it is missing or unreadable."""
    from assistant.settings import Settings

    path = Path(args.db) if args.db else Settings.from_env().audit_db
    if args.since:
        try:
            normalize_since(args.since)
        except ValueError:
            print(f"--since: “{args.since}” is not an ISO 8601 date or time; "
                  "use e.g. 2025-01-31 or 2025-01-31T08:00:00+08:00", file=sys.stderr)
            return 2
    if path is None or not Path(path).is_file():
        print(f"no audit log at {path}: nothing has been answered yet with this data directory, "
              "or ASSISTANT_AUDIT_DB / --db points elsewhere", file=sys.stderr)
        return 1
    audit = AuditLog(path)
    try:
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                count = audit.export(out, args.format, args.since)
        else:
            count = audit.export(sys.stdout, args.format, args.since)
    except (sqlite3.Error, OSError) as exc:
        print(f"cannot read the audit log {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"{count} turns exported", file=sys.stderr)
    return 0
