"""Articles by role, and their sentences by the rule data: no article number or sentence in code.

The policy here is the bundled one with its last chapter reordered (支持原则 18, 实施效力 19,
支持范围 20): the same shape, other numbers.
"""

from __future__ import annotations

import re

import pytest

from assistant.articles import opening, point_quote, role_article, stacking_sentence
from assistant.core import Assistant
from knowledge.numerals import article_label
from knowledge.policy import DEFAULT_POLICY_PATH, load_policy, parse_policy
from rules import engine
from ui.format import about_html, esc


class NoRetrieval:
    def search(self, query, k=5, mode="hybrid"):
        return []


@pytest.fixture(scope="module")
def reordered():
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8-sig")
    head, last = text.split("\n六、附则\n")
    blocks = dict(re.findall(r"（(十八|十九|二十)）([^\n]+)", last))
    tail = "\n".join(f"（{n}）{blocks[old]}" for n, old in (("十八", "十九"), ("十九", "二十"), ("二十", "十八")))
    return parse_policy(f"{head}\n六、附则\n{tail}\n")


def test_roles_follow_the_titles(reordered):
    assert [role_article(load_policy(), r) for r in ("scope", "stacking", "dates")] == [18, 19, 20]
    assert [role_article(reordered, r) for r in ("scope", "stacking", "dates")] == [20, 18, 19]


def test_the_budget_sentence_comes_from_the_rule_data():
    quote = point_quote(engine, "budget_limit")
    assert quote and quote.startswith("有数量和额度限制")
    number, sentence = stacking_sentence(load_policy(), engine)
    assert number == 19 and quote in sentence and sentence == load_policy().article(19).sentences[0].text
    assert point_quote(engine, "no_such_point") is None


def test_without_a_stacking_article_or_its_quote():
    other = parse_policy("某区若干措施\n（征求意见稿）\n为了发展，制定本措施。\n一、总则\n（一）支持原则。资金按年度安排。\n"
                         "（二）实施效力。本措施自****年*月*日起施行。\n")
    assert stacking_sentence(other, engine) == (1, other.article(1).text)  # no sentence holds the quote
    none = parse_policy("某区若干措施\n为了发展，制定本措施。\n一、总则\n（一）实施效力。本措施自发布之日起施行。\n")
    assert stacking_sentence(none, engine) is None


def test_a_computed_amount_cites_the_stacking_article_wherever_it_stands(reordered):
    asst = Assistant(reordered, NoRetrieval(), engine)
    reply = asst.respond(asst.new_session(), "我们在认定的专业园区租了800平米办公，规上企业，新入驻，每年租金补贴多少").to_dict()
    assert reply["amount_yuan"] == 288000
    assert [c["clause"] for c in reply["citations"]] == [11, 18]
    assert reply["citations"][1]["quote"] == stacking_sentence(reordered, engine)[1]


def test_the_catalogue_quotes_the_scope_article_wherever_it_stands(reordered):
    asst = Assistant(reordered, NoRetrieval(), engine)
    reply = asst.respond(asst.new_session(), "我们能申请什么补贴？").to_dict()
    assert reply["citations"] == [{"clause": 20, "title": "支持范围", "quote": opening(reordered.article(20))}]
    assert f"{article_label(20)}「支持范围」" in reply["answer"]


def test_the_about_page_quotes_the_dates_article(reordered):
    page = about_html(reordered, engine.list_items(), "某局", "范围")
    assert f"<blockquote>{esc(opening(reordered.article(19)))}</blockquote>" in page


def test_every_label_is_the_one_label():
    from assistant import compose
    from assistant.session import CitationOut
    from knowledge.cli import _format_text
    from knowledge.retriever import Hit
    from ui.format import citation_title

    assert compose.quote_line(CitationOut(11, "加强企业产业用房支持", "对…")).startswith(article_label(11) + "「")
    assert compose.quote_line(CitationOut(0, "", "为…")).startswith(article_label(0) + "：")
    assert citation_title({"clause": 19, "title": "支持原则"}) == f"{article_label(19)}「支持原则」"
    assert f"{article_label(1)}至{article_label(20)}" in compose.out_of_range(20)
    assert article_label(17) in _format_text("展会", [Hit(17, "支持举办重大产业活动", 1.0, "…", "17.1")])
