"""``ask`` and ``batch``: the conversation from the command line.

JSON output is the contract the evaluation suite and integrations rely on:
one object per turn (``ask --json``) or per conversation (``batch``).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``ask`` and ``batch``."""
    ask = sub.add_parser("ask", help="ask one conversation's turns")
    ask.add_argument("turns", nargs="+", metavar="TURN", help="the user's turns, in order")
    ask.add_argument("--json", action="store_true", help="one JSON object per turn")
    ask.set_defaults(handler=cmd_ask)
    batch = sub.add_parser("batch", help='JSON Lines {"id", "turns"} on stdin, one result line each')
    batch.set_defaults(handler=cmd_batch)


def _assistant():
    from assistant.service import build_assistant

    return build_assistant()


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer the turns of one conversation, in order."""
    from assistant.render import reply_text

    asst = _assistant()
    session = asst.new_session()
    for turn in args.turns:
        reply = asst.respond(session, turn)
        if args.json:
            print(json.dumps(reply.to_dict(), ensure_ascii=False))
        else:
            print(reply_text(reply))
            print()
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Read conversations as JSON Lines from stdin; write one result line each."""
    from assistant.service import run_conversation

    asst = _assistant()
    status = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            turns = record["turns"]
            if isinstance(turns, str) or not isinstance(turns, list):
                raise TypeError('"turns" must be a list of strings')
            row = run_conversation(asst, turns, id=str(record.get("id", number)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            row = {"id": str(number), "error": f"line {number}: {exc}. Expected "
                   '{"id": "...", "turns": ["...", ...]}'}
            status = 1
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return status
