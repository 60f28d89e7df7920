"""Hostile input: every odd turn gets a clear reply, and the conversation goes on.

Each input of ``hostile_inputs.HOSTILE`` goes through the in-process assistant,
``python -m assistant batch`` (one subprocess for all) and, for a few,
``python -m assistant ask --json``. Each reply must have a known route and a
non-empty answer, show no traceback, contain no number that the policy text,
the user's turns or the reply's own trace do not support (re-checked with
``assistant.guard``), and the normal question that follows in the same
session must still get its exact amount.
"""

from __future__ import annotations

import json

import pytest

from assistant.session import ROUTES
from tests.ops.conftest import child_env, run_cli
from tests.ops.hostile_inputs import HOSTILE, NORMAL, NORMAL_AMOUNT, as_argv

ASK_SAMPLE = ("empty", "long_100k", "binary_junk", "injection_cn", "astronomical_yi",
              "contradiction_scale", "fullwidth_digits")


@pytest.fixture(scope="module")
def check():
    """The evals' re-check of every answer with ``assistant.guard`` (policy + user turns + trace)."""
    from evals.numbers import guard_checker

    checker = guard_checker()
    assert checker is not None, "assistant.guard must be importable"
    return checker


def policy_text(policy) -> str:
    return "\n".join([policy.preamble.text, *(a.text for a in policy.articles.values())])


def assert_clear(check, policy, turns: list[str], replies: list[dict], where: str) -> None:
    """Every reply: a known route, a non-empty answer, no traceback, no unsupported number."""
    from evals.numbers import unsupported_numbers

    for reply in replies:
        assert reply.get("route") in ROUTES, f"{where}: route {reply.get('route')!r}"
        answer = reply.get("answer")
        assert isinstance(answer, str) and answer.strip(), f"{where}: empty answer"
        assert "Traceback" not in answer, where
    found = unsupported_numbers(check, policy_text(policy), turns, {"turns": replies})
    assert not found, f"{where}: unsupported numbers {found} in {[r['answer'] for r in replies]}"


def assert_normal(reply: dict, where: str) -> None:
    assert reply.get("route") == "rules" and reply.get("amount_yuan") == NORMAL_AMOUNT, \
        f"{where}: the normal follow-up got {reply.get('route')} / {reply.get('amount_yuan')}"


def test_enough_kinds_of_hostile_input():
    assert len(HOSTILE) >= 40 and len({name for name, _ in HOSTILE}) == len(HOSTILE)
    assert any(len(text) >= 100_000 for _, text in HOSTILE)


@pytest.mark.parametrize(("name", "text"), HOSTILE, ids=[name for name, _ in HOSTILE])
def test_in_process(assistant, check, name, text, caplog):
    session = assistant.new_session()
    replies = [assistant.respond(session, turn).to_dict() for turn in (text, NORMAL)]
    assert_clear(check, assistant.policy, [text, NORMAL], replies, name)
    assert_normal(replies[1], name)
    assert "Traceback" not in caplog.text and "turn failed" not in caplog.text, name


def test_batch_subprocess(assistant, check, ops_data_dir):
    # ASCII JSON carries NUL bytes and lone surrogates as \u escapes.
    lines = [json.dumps({"id": name, "turns": [text, NORMAL]}) for name, text in HOSTILE]
    lines.append("this line is not JSON")
    lines.append(json.dumps({"id": "turns_not_a_list", "turns": "房租补贴"}, ensure_ascii=False))
    done = run_cli(["batch"], child_env(ops_data_dir), stdin="\n".join(lines) + "\n", timeout=120)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == len(lines)
    by_id = {row["id"]: row for row in rows}
    for name, text in HOSTILE:
        replies = by_id[name]["turns"]
        assert_clear(check, assistant.policy, [text, NORMAL], replies, f"batch {name}")
        assert_normal(replies[1], f"batch {name}")
    bad = [row for row in rows if "error" in row]
    assert len(bad) == 2 and all("Expected" in row["error"] for row in bad)
    assert done.returncode == 1  # bad lines are reported in the exit status


@pytest.mark.parametrize("names", [ASK_SAMPLE[:4], ASK_SAMPLE[4:]], ids=["ask1", "ask2"])
def test_ask_subprocess(assistant, check, ops_data_dir, names):
    """A few ``ask --json`` processes; in each, every hostile turn is followed by the normal one."""
    texts = [as_argv(dict(HOSTILE)[name]) for name in names]  # 100,000 chars: batch and in-process
    turns = [turn for text in texts for turn in (text, NORMAL)]
    done = run_cli(["ask", "--json", *turns], child_env(ops_data_dir), timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(replies) == len(turns)
    assert_clear(check, assistant.policy, turns, replies, f"ask {names}")
    for name, follow in zip(names, replies[1::2]):
        assert_normal(follow, f"ask {name}")
