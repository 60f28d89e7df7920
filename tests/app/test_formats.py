"""The API's answer shapes and the command line, without a server: the text is rendered from the parts."""

from __future__ import annotations

import argparse
import json

from api.formats import chunks, completion
from assistant import cli, compose
from assistant.render import render_text
from assistant.session import CitationOut, Reply
from rules import engine

RENT = CitationOut(11, "加强企业产业用房支持", "对新入驻…给予30元/平方米/月的租金补贴。")


def rules_reply() -> Reply:
    result = engine.compute("loan_interest", {"interest_yuan": 10000000})
    return Reply.from_parts(compose.rules_parts(result, [RENT]), route="rules", citations=[RENT],
                            amount_yuan=result.amount_yuan)


def test_a_completion_carries_the_rendered_text_and_the_parts():
    reply = rules_reply()
    body = completion(reply, created=1)
    assert body["choices"][0]["message"]["content"] == render_text(reply.parts) == reply.answer
    assert body["result"]["parts"]["steps"] == reply.steps
    assert "3000000元 超过每年贴息上限2000000元，按2000000元计" in body["result"]["parts"]["steps"]


def test_a_stream_joins_to_the_rendered_text():
    reply = rules_reply()
    events = list(chunks(reply, created=1))
    assert "".join(e["choices"][0]["delta"].get("content", "") for e in events) == render_text(reply.parts)
    assert events[-1]["result"]["parts"]["conclusion"] == reply.conclusion


class FakeAssistant:
    def __init__(self, replies):
        self.replies = list(replies)

    def new_session(self):
        return None

    def respond(self, session, turn):
        return self.replies.pop(0)


def test_the_command_line_prints_the_rendered_text(monkeypatch, capsys):
    plain = Reply(answer="一句直接写的话。", route="smalltalk")
    monkeypatch.setattr(cli, "_assistant", lambda: FakeAssistant([rules_reply(), plain]))
    cli.cmd_ask(argparse.Namespace(turns=["甲", "乙"], json=False))
    assert capsys.readouterr().out == f"{rules_reply().answer}\n\n一句直接写的话。\n\n"
    monkeypatch.setattr(cli, "_assistant", lambda: FakeAssistant([rules_reply()]))
    cli.cmd_ask(argparse.Namespace(turns=["甲"], json=True))
    assert json.loads(capsys.readouterr().out)["parts"]["layout"] == "rules"
