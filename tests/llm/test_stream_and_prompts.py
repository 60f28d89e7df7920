"""Streaming for the web app, strict prompt filling, and no LLM imports at start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.prompts import PromptError, fill, load_prompts
from assistant.session import Reply
from tests.llm.conftest import call, fell_back, grounded
from tests.llm.test_adversaries import GOOD, LOAN

REPO = Path(__file__).resolve().parents[2]


def _stream(asst, text):
    """What the web app does: the deterministic reply, then ``stream_refine`` over it.

    (``Assistant.respond`` runs the layer itself, so the layer is detached for the
    deterministic step; the app will use ``Assistant.respond_stream`` once core has it.)
    """
    session, layer = asst.new_session(), asst.llm
    asst.llm = None
    reply = asst.respond(session, text)
    asst.llm = layer
    return session, list(layer.stream_refine(asst, session, text, reply))


def test_stream_yields_growing_text_then_the_checked_reply(make_assistant):
    asst = make_assistant(call({"item": "loan_interest", "facts": {"interest_yuan": 2000000}}), GOOD)
    session, events = _stream(asst, LOAN)
    *partials, final = events
    assert partials and all(isinstance(p, str) for p in partials)
    assert all(GOOD.startswith(p) for p in partials) and partials[-1] == GOOD
    assert isinstance(final, Reply) and final.answer.startswith(GOOD) and final.amount_yuan == 600000
    assert grounded(asst, session, final) and not fell_back(final)


def test_a_stream_that_fails_the_check_ends_with_the_deterministic_reply(make_assistant):
    asst = make_assistant("按第（十五）条，贷款贴息最高可达10万元。")
    _session, events = _stream(asst, LOAN)
    *partials, final = events
    assert any("10万元" in p for p in partials)  # shown while streaming, replaced at the end
    assert fell_back(final) and "10万元" not in final.answer and final.amount_yuan == 600000


def test_a_stream_that_raises_ends_with_the_deterministic_reply(make_assistant):
    asst = make_assistant(TimeoutError("read timed out"))
    _, events = _stream(asst, LOAN)
    assert len(events) == 1 and "llm_fallback: timeout" in events[0].guard_events


def test_reasoning_blocks_are_not_shown(make_assistant):
    asst = make_assistant("<think>用户问利息，年利率大概5%……</think>" + GOOD)
    _, events = _stream(asst, LOAN)
    assert all("think" not in p and "5%" not in p for p in events[:-1])
    assert events[-1].answer.startswith(GOOD) and not fell_back(events[-1])


def test_prompts_fill_strictly():
    prompts = load_prompts()
    assert {"system", "context", "tool_refused"} <= prompts.keys()
    with pytest.raises(PromptError, match=r"'system' needs variable\(s\) office, policy_status"):
        fill(prompts["system"], "system", policy_title="若干措施", tool_name="calculate_subsidy")
    text = fill("价格 {\"a\": 1} $x", "t", x="五")
    assert text == "价格 {\"a\": 1} 五"


def test_no_llm_import_at_start_up():
    code = ("import sys, assistant.service, assistant.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('langchain_openai', 'openai', 'langchain_core', 'langchain') or m == 'assistant.llm'))")
    env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
