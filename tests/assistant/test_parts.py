"""Replies as parts: every layout renders to the text the assistant wrote before, the reply keeps its
parts and its answer together, and the shown calculation holds the step that decided the amount."""

from __future__ import annotations

import copy

import pytest

from assistant import compose
from assistant.compose import REPLIES
from assistant.render import quote_line, render_text, reply_text
from assistant.session import CitationOut, Parts, Reply
from rules import engine
from tests.assistant.conftest import ask

RENT = CitationOut(11, "加强企业产业用房支持", "对新入驻…给予30元/平方米/月的租金补贴。")
BUDGET = CitationOut(19, "支持原则", "受区经济发展专项资金年度总额控制，具体以当年发布的申请指南为准。")
PREAMBLE = CitationOut(0, "", "为深入贯彻落实…制定本措施。")
OPEN = CitationOut(12, "支持企业做大做强", "按一定比例给予奖励。")
CAVEATS = [REPLIES["upper_caveat"], REPLIES["budget_caveat"], REPLIES["draft_caveat"]]


def capped_interest():
    return engine.compute("loan_interest", {"interest_yuan": 10000000})


# -- render_text writes the answers as the string functions wrote them -----------------------------

def test_a_rules_answer():
    parts = compose.rules_parts(capped_interest(), [RENT, BUDGET], ["更正：…"])
    assert render_text(parts) == "\n\n".join([
        "更正：…\n按第（十五）条，贵企业每年最多可获贷款贴息200万元，最长3年。",
        ("计算过程：\n- 当年银行经营贷款实际支出的利息10000000元 × 30% = 3000000元\n"
         "- 3000000元 超过每年贴息上限2000000元，按2000000元计"),
        "说明：\n" + "\n".join(f"- {line}" for line in CAVEATS),
        f"依据：\n- {quote_line(RENT)}\n- {quote_line(BUDGET)}",
    ])


def test_a_total_over_the_years_and_the_articles_seen_also():
    result = engine.compute("rent_subsidy", {"area_m2": 800, "park_type": "recognized"})
    reply = Reply.from_parts(compose.rules_parts(result, [RENT, BUDGET], (), 864000, "28.8万元/年 × 3年 = 86.4万元"),
                             route="rules", citations=[RENT, BUDGET])
    before = reply.answer
    assert before.startswith("按第（十一）条，租金补贴每年28.8万元，合计86.4万元。\n\n计算过程：")
    assert "- 28.8万元/年 × 3年 = 86.4万元\n\n说明：" in before
    compose.add_related(reply, [PREAMBLE])
    assert reply.answer == before + f"\n\n另见：\n- {quote_line(PREAMBLE)}"
    assert reply.parts.related == [PREAMBLE] and reply.citations == [RENT, PREAMBLE, BUDGET]


def test_a_question_back_for_the_missing_facts():
    parts = compose.clarify_parts(engine.compute("loan_interest", {}), ["利息", "本金"], [RENT], ["甲"])
    assert render_text(parts) == f"甲\n要测算贷款贴息（第（十五）条），还需要您提供：利息；本金。\n\n依据：\n- {quote_line(RENT)}"


def test_a_lookup_with_caveats_related_articles_and_questions():
    text = compose.lookup_answer([OPEN, RENT, PREAMBLE], ["甲"], notes=["注"], asks=["面积", "费用"])
    assert text == "\n\n".join([
        "甲\n该问题对应第（十二）条「支持企业做大做强」。", quote_line(OPEN),
        "注意：\n- 注\n- " + compose.OPEN_VALUES["一定比例"],
        f"相关条款：\n- {quote_line(RENT)}\n- {quote_line(PREAMBLE)}",
        REPLIES["ask_facts"] + "面积；费用。",
    ])
    assert compose.lookup_answer([PREAMBLE], whole_article=True) == f"您查询的条款对应序言。\n\n{quote_line(PREAMBLE)}"


def test_one_line_replies():
    decline = REPLIES["out_of_scope"] + REPLIES["scope"] + REPLIES["office"]
    assert compose.out_of_scope_answer() == decline
    assert render_text(compose.out_of_scope_parts([REPLIES["injection"]])) == REPLIES["injection"] + "\n" + decline
    greeting = REPLIES["greeting"] + REPLIES["scope"]
    assert compose.smalltalk_answer(["甲"]) == f"甲\n{greeting}\n{REPLIES['examples']}"
    assert render_text(compose.smalltalk_parts(opening=REPLIES["empty"])) == REPLIES["empty"] + compose.smalltalk_answer()
    assert render_text(compose.out_of_range_parts(20, ["甲"])) == "甲\n" + compose.out_of_range(20)
    assert compose.out_of_range(20).startswith("本措施只有第（一）条至第（二十）条，没有您查询的条款")
    assert render_text(compose.plain_parts(REPLIES["which_item"], ["甲"])) == "甲\n" + REPLIES["which_item"]


def test_a_chapter_and_the_guards_fallback():
    text = compose.chapter_answer("三、拓展产业发展空间", [RENT, BUDGET], ["甲"])
    assert text == f"甲\n“三、拓展产业发展空间”部分包括以下条款：\n\n- {quote_line(RENT)}\n- {quote_line(BUDGET)}"
    assert render_text(compose.fallback_parts([RENT, BUDGET])) == f"{quote_line(RENT)}\n\n{quote_line(BUDGET)}"
    assert render_text(compose.fallback_parts([])) == compose.out_of_scope_answer()


def test_a_list_and_prose():
    parts = Parts(layout="list", notes=["甲"], conclusion="可能适用：", listing=["一", "二"], caveats=["注"],
                  closing="请告诉我。", quotes=[RENT])
    assert render_text(parts) == f"甲\n可能适用：\n\n- 一\n- 二\n\n说明：\n- 注\n\n请告诉我。\n\n{quote_line(RENT)}"
    prose = Parts(layout="prose", conclusion="模型的话。\n\n- 一点", steps=["不在文字里"], quotes=[RENT])
    assert render_text(prose) == f"模型的话。\n\n- 一点\n\n依据：\n- {quote_line(RENT)}"


# -- the reply keeps its parts and its answer together ----------------------------------------------

def test_a_reply_is_built_from_its_parts_and_drops_them_when_its_text_is_replaced():
    parts = compose.rules_parts(capped_interest(), [RENT])
    reply = Reply.from_parts(parts, route="rules", citations=[RENT])
    assert reply.answer == render_text(parts) == reply_text(reply)
    assert reply.conclusion == parts.conclusion and reply.steps == parts.steps and reply.caveats == parts.caveats
    copied = copy.deepcopy(reply)
    assert copied.parts == parts and copied.answer == reply.answer
    reply.answer += "\n\n（另加的文字）"  # core.py's way until it builds from parts: the parts no longer fit
    assert reply.parts is None and reply_text(reply) == reply.answer and reply.steps == []
    reply.replace_text("只剩这一句。")
    assert reply.answer == "只剩这一句。" and reply.conclusion == "只剩这一句。" and reply.parts.steps == []
    reply.set_parts(compose.fallback_parts([RENT]))
    assert reply.answer == quote_line(RENT) and reply.parts.layout == "quotes"
    with pytest.raises(ValueError, match="from_parts"):
        Reply(answer="别的文字", route="rules", parts=parts)
    with pytest.raises(ValueError, match="layout"):
        Parts(layout="poster")


def test_to_dict_adds_the_parts_and_keeps_every_key():
    reply = Reply.from_parts(compose.rules_parts(capped_interest(), [RENT]), route="rules", citations=[RENT])
    data = reply.to_dict()
    assert {"answer", "route", "citations", "amount_yuan", "eligible", "missing", "latency_ms", "trace",
            "understood", "parts"} == set(data)
    assert data["parts"]["conclusion"] == reply.conclusion and data["parts"]["steps"] == reply.steps
    assert data["parts"]["quotes"] == [{"clause": 11, "title": RENT.title, "quote": RENT.quote}]
    assert Reply(answer="x", route="smalltalk").to_dict()["parts"] is None


# -- the paths outside core.py give parts that render to their answer -------------------------------

@pytest.mark.parametrize(("turns", "layout"), [
    (["我们租了800平米，房租能补多少？"], "rules"),
    (["贷款利息能贴多少？"], "rules"),  # asks for the interest: clarify
    (["我们租了-800平米，房租能补多少？"], "plain"),  # a bad figure: what is wrong, then ask again
    (["我们租了1500平米，贷款利息一年200万，能申请哪些支持？"], "list"),
    (["本措施有哪些支持？"], "list"),
    (["租金补贴和担保费补贴分别怎么算？"], "list"),
    (["做网络安全服务的公司在支持范围里吗"], "lookup"),
])
def test_replies_of_the_rules_overview_named_and_scope_paths_carry_their_parts(asst, turns, layout):
    reply = ask(asst, *turns)[-1]
    assert reply["parts"] is not None, reply["answer"]
    assert reply["parts"]["layout"] == layout
    assert render_text(_parts(reply["parts"])) == reply["answer"]


def _parts(data: dict) -> Parts:
    return Parts(**{**data, "quotes": [CitationOut(**c) for c in data["quotes"]],
                    "related": [CitationOut(**c) for c in data["related"]]})


def test_a_rules_reply_says_conclusion_steps_caveats_and_quotes(asst):
    reply = ask(asst, "贷款利息一年1000万，能贴息多少？")[-1]
    parts = reply["parts"]
    assert parts["conclusion"] == "按第（十五）条，贵企业每年最多可获贷款贴息200万元，最长3年。"
    assert parts["steps"][-1] == "3000000元 超过每年贴息上限2000000元，按2000000元计"
    assert REPLIES["upper_caveat"] in parts["caveats"] and parts["caveats"][-1] == REPLIES["draft_caveat"]
    assert [q["clause"] for q in parts["quotes"]] == [15, 19] == [c["clause"] for c in reply["citations"]]
    assert "计算过程：\n- 当年银行经营贷款" in reply["answer"]


# -- the shown calculation holds the step that decided the amount ----------------------------------

@pytest.mark.parametrize(("item", "facts", "deciding"), [
    ("loan_interest", {"interest_yuan": 10000000}, "3000000元 超过每年贴息上限2000000元，按2000000元计"),
    ("loan_interest", {"interest_yuan": 5000000}, "1500000元 未超过每年贴息上限2000000元"),
    ("rent_subsidy", {"area_m2": 800, "actual_rent_yuan": 200000}, "288000元 超过实际租金支出200000元，按200000元计"),
    ("rent_subsidy", {"area_m2": 800}, "288000元 未超过认定园区每家企业每年补贴上限3600000元"),
    ("tech_matching", {"funding_yuan": 20000000, "received_matching_yuan": 4000000},
     "2000000元 超过同一企业剩余额度1000000元，按1000000元计"),
    ("vertical_model", {"case_count": 5}, "一次性奖励金额：1000000元"),  # the amount is the policy's figure
    ("top100_landing", {}, "政策只规定上限（最高20000000元），具体金额以评审核定为准"),
])
def test_the_deciding_step_is_found_and_shown(item, facts, deciding):
    result = engine.compute(item, facts)
    assert compose.deciding_step(result).text == deciding
    assert deciding in compose.key_steps(result)


def test_no_deciding_step_without_an_amount():
    assert compose.deciding_step(engine.compute("rent_subsidy", {"area_m2": 499})) is None
    assert compose.deciding_step(engine.compute("harmony_base", {})) is None


def test_an_alternative_is_labelled_until_the_step_that_decides():
    steps = compose.key_steps(engine.compute("rent_subsidy", {"area_m2": 800, "actual_rent_yuan": 200000}))
    assert "若为其他产业园：800平方米 × 15元/平方米/月 × 12个月 = 144000元" in steps
    assert steps[-1] == "288000元 超过实际租金支出200000元，按200000元计"  # the actual rent caps the amount itself


def test_the_actual_rent_and_the_cap_reach_the_answer(asst):
    rent = ask(asst, "我们租了800平米，实际租金一年20万，房租能补多少？")[-1]
    assert "- 288000元 超过实际租金支出200000元，按200000元计\n\n说明：" in rent["answer"]
    assert "- 若为其他产业园：144000元 未超过其他产业园每家企业每年补贴上限1800000元" in rent["answer"]
    event = ask(asst, "办活动花了600万，事先备案了，在光明区举办，能补多少？")[-1]
    assert "3000000元 超过单次活动资助上限2000000元，按2000000元计" in event["parts"]["steps"]
