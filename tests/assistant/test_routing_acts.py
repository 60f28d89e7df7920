"""Routing by what the turn asks: scope answers, out of scope by the thing asked, articles by role."""

from __future__ import annotations

import pytest

from assistant.articles import role_article
from assistant.scope import judge, scope_fields
from knowledge.policy import load_policy, parse_policy
from tests.assistant.conftest import ask as ask_all


def ask(asst, *turns):
    return ask_all(asst, *turns)[-1]


@pytest.mark.parametrize("text, eligible", [
    ("做新能源电池的企业能适用这个措施吗", False),
    ("我们开连锁奶茶店的，属于支持范围吗", False),
    ("做网络安全服务的公司在支持范围里吗", True),
    ("我们是做集成电路设计的，算不算支持范围", True),
    ("做企业管理SaaS的公司适用这些措施吗", True),
    ("我们做芯片封装测试，在不在支持范围", None),
])
def test_scope_questions_answer_yes_no_or_undecided(asst, text, eligible):
    reply = ask(asst, text)
    assert reply["citations"][0]["clause"] == 18 and reply["eligible"] is eligible
    assert reply["answer"].startswith({True: "属于", False: "不属于", None: "仅凭"}[eligible])


def test_the_scope_article_itself_is_quoted_when_no_business_is_named(asst):
    reply = ask(asst, "这个措施的支持范围是什么")
    assert reply["citations"][0]["clause"] == 18 and reply["eligible"] is None


@pytest.mark.parametrize("text", [
    "公司要做工商变更登记，找哪个部门办？",
    "公司注销一般要多久？",
    "公司想在光明买块地建厂，工业用地多少钱一亩？",
    "公司年度审计报告怎么出具",
])
def test_out_of_scope_by_what_is_asked_even_with_policy_words(asst, text):
    reply = ask(asst, text)
    assert reply["route"] == "out_of_scope" and not reply["citations"]
    assert "工业和信息化局" in reply["answer"]


@pytest.mark.parametrize("text", ["这个政策什么时候开始执行", "补贴政策由哪个部门负责解释", "有效期到什么时候"])
def test_dates_and_interpretation_of_the_policy_stay_in(asst, text):
    assert ask(asst, text)["citations"][0]["clause"] == 20


def test_articles_are_found_by_their_role_not_their_number():
    policy = load_policy()
    assert [role_article(policy, r) for r in ("scope", "stacking", "dates")] == [18, 19, 20]
    other = parse_policy("某区若干措施\n（征求意见稿）\n为了发展，制定本措施。\n一、总则\n（一）支持范围。本措施支持范围为软件产业。\n"
                         "（二）实施效力。本措施自****年*月*日起施行。\n")
    assert (role_article(other, "scope"), role_article(other, "dates"), role_article(other, "stacking")) == (1, 2, None)


def test_scope_fields_come_from_the_article():
    fields = scope_fields(load_policy().article(18).sentences[0].text)
    assert {"集成电路设计", "互联网安全服务", "软件"} <= set(fields)
    assert judge("做网安的", fields)[0] is True and judge("做光伏的", fields)[0] is False


@pytest.mark.parametrize("text, clauses", [
    ("租金补贴和担保费补贴分别怎么算？", [11, 15]),
    ("举办展会的资助比例和上市奖励各是多少", [17, 14]),
    ("上市奖励与展会资助分别是多少", [14, 17]),
])
def test_several_items_are_all_answered_first_named_first(asst, text, clauses):
    reply = ask(asst, text)
    assert [c["clause"] for c in reply["citations"]][:2] == clauses


def test_several_items_with_their_figures_each_get_an_amount(asst):
    reply = ask(asst, "贷款利息一年100万，担保费50万，贴息和贴保各多少")
    assert "30万元" in reply["answer"] and "25万元" in reply["answer"] and reply["route"] == "rules"


def test_a_descriptor_that_names_another_item_is_no_list(asst):
    reply = ask(asst, "我们和大模型厂商合作开发的垂类模型已经形成了8个应用案例，能拿多少奖励？")
    assert reply["amount_yuan"] == 1_000_000
