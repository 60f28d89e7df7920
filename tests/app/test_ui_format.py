"""The web app's formatting (ui/): escaping, replies from their parts, amounts, article search, calculator facts."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from assistant import compose
from assistant.session import CitationOut, Parts, Reply
from knowledge.lookup import ArticleOutOfRange, parse_article_ref
from knowledge.policy import load_policy
from rules import engine
from rules.model import Citation, InputSpec, ItemSpec, Result, Step
from ui import calculator as calc_fmt
from ui import format as fmt

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RENT_QUOTE = "对新入驻区主管部门认定的专业人工智能、软件信息产业园…给予30元/平方米/月的租金补贴"
RENT_CITATION = {"clause": 11, "title": "加强企业产业用房支持", "quote": RENT_QUOTE}
RENT_LINE = f"第（十一）条「加强企业产业用房支持」：“{RENT_QUOTE}”"


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def rent_reply(conclusion: str | None = None, **changes) -> dict:
    """A rent reply as ``Reply.to_dict()`` gives it: its answer written from its parts."""
    parts = Parts(layout="rules", conclusion=conclusion or "按第（十一）条，贵企业每年最多可获租金补贴28.8万元，最长3年。",
                  steps=["800平方米 × 30元/平方米/月 × 12个月 = 288000元"],
                  caveats=["假定贵企业为规模以上（规上）企业。"], quotes=[CitationOut(**RENT_CITATION)])
    reply = Reply.from_parts(parts, route="rules", citations=[CitationOut(**RENT_CITATION)], amount_yuan=288000,
                             eligible=True, latency_ms=3.0, trace=["800平方米 × 30元/平方米/月 × 12个月 = 288000元"])
    return {**reply.to_dict(), **changes}


# -- escaping ---------------------------------------------------------------


def test_user_text_is_escaped():
    out = fmt.user_html(HOSTILE + "\n第二行")
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "<br>" in out


def test_draft_is_escaped():
    out = fmt.draft_html(HOSTILE + "\n\n下一段")
    assert "<script" not in out and out.startswith('<div class="qa-draft">') and "\n" not in out


def test_reply_escapes_answer_quotes_titles_and_trace():
    hostile = {"clause": 11, "title": HOSTILE, "quote": HOSTILE}
    out = fmt.reply_html(rent_reply(f"你说：{HOSTILE}", citations=[hostile], trace=[HOSTILE]))
    assert "<script" not in out and "<img" not in out
    assert out.count("&lt;script&gt;") == 4


def test_reply_html_has_no_blank_lines():
    """A blank line would end the raw HTML block inside the chat's Markdown."""
    assert "\n\n" not in fmt.reply_html(rent_reply())


# -- chat replies -------------------------------------------------------------


def test_reply_shows_answer_amount_calculation_and_expandable_quote():
    out = fmt.reply_html(rent_reply())
    assert "28.8万元" in out and "符合条件" in out
    assert '<div class="qa-formula">计算：<ul><li>800平方米 × 30元' in out
    assert '<details class="qa-calc"><summary>计算过程（1步）</summary>' in out
    assert "<summary>第（十一）条「加强企业产业用房支持」</summary>" in out
    assert f"<blockquote>{RENT_QUOTE}</blockquote>" in out
    assert "假定贵企业为规模以上" in out


def test_reply_is_laid_out_from_its_parts_not_from_its_text():
    """The conclusion is shown whole, whatever it holds; nothing is looked for in the answer text."""
    conclusion = "第一段。\n\n计算过程：\n- 这不是计算"
    out = fmt.reply_html(rent_reply(conclusion, answer="（与各部分无关的文字）"))
    assert "这不是计算" in out and out.index("这不是计算") < out.index("qa-amount")
    assert "与各部分无关的文字" not in out
    assert '<div class="qa-formula">计算：<ul><li>800平方米 × 30元/平方米/月 × 12个月 = 288000元</li></ul></div>' in out
    assert "<p>说明：</p><ul><li>假定贵企业为规模以上（规上）企业。</li></ul>" in out
    assert "依据：" not in out and out.count(RENT_QUOTE) == 1  # the quotes as expandable blocks only


def test_lookup_reply_keeps_its_lead_and_quotes_once():
    parts = compose.lookup_parts([CitationOut(**RENT_CITATION)], whole_article=True, notes=["该条没有金额。"])
    reply = Reply.from_parts(parts, route="lookup", citations=[CitationOut(**RENT_CITATION)])
    out = fmt.reply_html(reply.to_dict())
    assert "您查询的条款" in out and out.count(RENT_QUOTE) == 1
    assert "<p>注意：</p><ul><li>该条没有金额。</li></ul>" in out
    assert "qa-amount" not in out and "qa-calc" not in out


def test_guard_fallback_of_only_quotes_still_reads():
    citations = [CitationOut(**RENT_CITATION)]
    reply = Reply.from_parts(compose.fallback_parts(citations), route="lookup", citations=citations)
    assert reply.answer == RENT_LINE
    out = fmt.reply_html(reply.to_dict())
    assert "以下为相关条款原文" in out and out.count(RENT_QUOTE) == 1


def test_reply_without_parts_shows_its_answer_text():
    out = fmt.reply_html({"answer": f"第一行\n\n{RENT_LINE}", "route": "lookup", "citations": [RENT_CITATION],
                          "amount_yuan": None, "eligible": None, "trace": [], "parts": None})
    assert "<p>第一行</p>" in out and RENT_QUOTE in out and "qa-formula" not in out


@pytest.mark.parametrize(("item", "facts", "deciding"), [
    ("loan_interest", {"interest_yuan": 10000000}, "3000000元 超过每年贴息上限2000000元，按2000000元计"),
    ("event", {"event_cost_yuan": 6000000}, "3000000元 超过单次活动资助上限2000000元，按2000000元计"),
    ("rent_subsidy", {"area_m2": 800, "actual_rent_yuan": 200000}, "288000元 超过实际租金支出200000元，按200000元计"),
    ("rent_subsidy", {"area_m2": 20000, "park_type": "recognized"},
     "7200000元 超过认定园区每家企业每年补贴上限3600000元，按3600000元计"),
])
def test_the_formula_shows_the_step_that_decided_the_amount(item, facts, deciding):
    result = engine.compute(item, facts)
    citation = CitationOut(result.citation.clause, result.citation.title, result.citation.quote)
    reply = Reply.from_parts(compose.rules_parts(result, [citation]), route="rules", citations=[citation],
                             amount_yuan=result.amount_yuan, eligible=True, trace=[s.text for s in result.trace])
    formula = fmt.reply_html(reply.to_dict()).split('<div class="qa-formula">')[1].split("</div>")[0]
    assert f"<li>{deciding}</li>" in formula  # unlabelled: the actual rent caps the amount, not the alternative
    assert formula.index(" = ") < formula.index(deciding)


@pytest.mark.parametrize(("amount", "text"), [
    (288000, "28.8万元"), (2000000, "200万元"), (150000000, "1.5亿元"), (12345, "12345元"), (None, "—"),
])
def test_amount_text(amount, text):
    assert fmt.amount_text(amount) == text


@pytest.mark.parametrize(("eligible", "text"), [(True, "符合条件"), (False, "暂不符合条件"), (None, "待确认")])
def test_eligibility_text(eligible, text):
    assert fmt.eligibility_text(eligible) == text


def test_standard_reply_adds_missing_quotes_and_the_office():
    text = fmt.standard_reply(rent_reply(answer="按第（十一）条，每年最多28.8万元。"), "某某局")
    assert text.startswith("按第（十一）条") and RENT_LINE in text and text.endswith("请联系某某局。")
    already = fmt.standard_reply(rent_reply(), "某某局")
    assert already.count(RENT_QUOTE) == 1


# -- articles -----------------------------------------------------------------


@pytest.mark.parametrize("query", ["17", "十七", "（十七）", "(17)", "１７", "第十七条", "第17条", "第（十七）条", " 17 "])
def test_article_number_forms(query):
    assert fmt.article_number(query, parse_article_ref) == 17


@pytest.mark.parametrize("query", ["房租", "贷款贴息怎么申请", "800平米"])
def test_keywords_are_not_numbers(query):
    assert fmt.article_number(query, parse_article_ref) is None


@pytest.mark.parametrize("query", ["21", "0", "第二十五条"])
def test_out_of_range_numbers_raise_the_user_message(query):
    with pytest.raises(ArticleOutOfRange):
        fmt.article_number(query, parse_article_ref)


def test_highlight_marks_the_sentence_and_escapes():
    assert fmt.highlight("甲<b>。乙。", "乙。") == "甲&lt;b&gt;。<mark>乙。</mark>"
    assert fmt.highlight("甲。", "不在其中") == "甲。"


def test_article_html_shows_label_chapter_and_text(policy):
    out = fmt.article_html(policy.article(17))
    assert "第（十七）条「支持举办重大产业活动」" in out and "五、优化产业发展环境" in out
    assert "最高200万元资助" in out


@dataclass
class FakeHit:
    clause: int
    title: str
    score: float
    snippet: str
    sentence_id: str


def test_hits_are_ranked_with_the_sentence_highlighted(policy):
    sentence = policy.article(11).sentences[1]
    hits = [FakeHit(11, "加强企业产业用房支持", 0.9, sentence.text, sentence.id),
            FakeHit(17, "支持举办重大产业活动", 0.5, "x", "17.99")]
    out = fmt.hits_html(policy, hits)
    assert out.index("#1") < out.index("第（十一）条") < out.index("#2") < out.index("第（十七）条")
    assert f"<mark>{sentence.text}</mark>" in out
    assert "没有找到" in fmt.hits_html(policy, [])


def test_chapters_list_every_article_under_its_chapter(policy):
    out = fmt.chapters_html(policy)
    assert out.count('<details class="qa-toc">') == 20
    assert out.index("一、构建人工智能产业生态") < out.index("第（一）条") < out.index("六、附则")
    assert len(fmt.article_choices(policy)) == 20


def test_about_gives_title_status_unfilled_dates_and_office(policy):
    items = [ItemSpec("rent_subsidy", 11, "加强企业产业用房支持", "租金补贴", (), (), True, 3)]
    out = fmt.about_html(policy, items, "深圳市光明区工业和信息化局", "我可以解答…")
    assert policy.title in out and "征求意见稿" in out and "****年*月*日" in out
    assert "深圳市光明区工业和信息化局" in out and "租金补贴" in out


# -- calculator ---------------------------------------------------------------

AREA = InputSpec("area_m2", "area", "平方米", "租赁的产业用房面积（平方米）", True)
PARK = InputSpec("park_type", "choice", "", "入驻园区类型：recognized＝认定园区；other＝其他产业园", False,
                 ("recognized", "other"))
LEVEL = InputSpec("recognition_level", "choice", "", "认定级别：national国家级 / provincial省级", True,
                  ("national", "provincial"))
SCALE = InputSpec("above_scale", "bool", "", "是否为规模以上（规上）企业", False)
RENT = InputSpec("actual_rent_yuan", "money", "元", "当年实际支付的租金（元）", False)


def test_field_kinds_and_labels():
    assert [calc_fmt.field_kind(s) for s in (AREA, PARK, SCALE, RENT)] == ["number", "choice", "bool", "number"]
    assert calc_fmt.field_label(AREA) == "租赁的产业用房面积（平方米）（必填）"
    assert calc_fmt.field_label(PARK) == "入驻园区类型（选填，留空按默认）"
    assert calc_fmt.field_label(InputSpec("growth_percent", "percent", "%", "增速", True)) == "增速（单位：%）（必填）"


@pytest.mark.parametrize(("spec", "code", "text"), [
    (PARK, "recognized", "认定园区（recognized）"), (PARK, "other", "其他产业园（other）"),
    (LEVEL, "provincial", "省级（provincial）"), (LEVEL, "unknown", "unknown"),
])
def test_choice_labels_come_from_the_description(spec, code, text):
    assert calc_fmt.choice_label(spec, code) == text


def test_collect_facts_types_values_and_skips_unknowns():
    specs = (AREA, PARK, SCALE, RENT)
    assert calc_fmt.collect_facts(specs, ["800", "other", "是", "30万"]) == {
        "area_m2": 800, "park_type": "other", "above_scale": True, "actual_rent_yuan": "30万"}
    assert calc_fmt.collect_facts(specs, [" 12.5 ", fmt.UNKNOWN, "否", ""]) == {"area_m2": 12.5, "above_scale": False}
    assert calc_fmt.collect_facts(specs, [None, fmt.UNKNOWN, fmt.UNKNOWN, "  "]) == {}
    assert calc_fmt.collect_facts((RENT,), ["1,000"]) == {"actual_rent_yuan": 1000}


def make_result(**changes) -> Result:
    result = Result("rent_subsidy", 11, "加强企业产业用房支持", "租金补贴", True, 288000, "upper_bound", None,
                    True, 3, [Step("800平方米 × 30元/平方米/月 × 12个月 = 288000元", 288000, "计算")],
                    Citation(11, "加强企业产业用房支持", RENT_QUOTE),
                    assumptions=["假定贵企业为规模以上（规上）企业。"])
    for key, value in changes.items():
        setattr(result, key, value)
    return result


def test_result_html_shows_amount_trace_notes_and_citation():
    out = calc_fmt.result_html(make_result())
    assert "租金补贴：<b>28.8万元</b>（每年） · 符合条件" in out
    assert "<li>800平方米 × 30元/平方米/月 × 12个月 = 288000元</li>" in out
    assert "假定贵企业为规模以上" in out and f"<blockquote>{RENT_QUOTE}</blockquote>" in out


def test_result_html_for_missing_facts_and_bound_only():
    missing = calc_fmt.result_html(make_result(amount_yuan=None, eligible=None, missing=["area_m2"], trace=[]),
                              {"area_m2": "租赁面积"})
    assert "—" in missing and "待确认" in missing and "还需填写：租赁面积" in missing
    bound = calc_fmt.result_html(make_result(amount_yuan=None, amount_kind="bound_only", bound_yuan=20000000))
    assert "最高2000万元" in bound


def test_error_html_escapes():
    assert calc_fmt.error_html("<b>坏</b>") == '<div class="qa-error">&lt;b&gt;坏&lt;/b&gt;</div>'


# -- /ask history ----------------------------------------------------------------


@pytest.mark.parametrize(("history", "turns"), [
    (None, []), ("", []), ("  ", []), ([], []),
    (["我们租了800平米"], ["我们租了800平米"]),
    (json.dumps(["a", "b"], ensure_ascii=False), ["a", "b"]),
    ([{"role": "user", "content": "a"}, {"role": "assistant", "content": "x"}, {"content": "b"}], ["a", "b"]),
    ("我们租了800平米", ["我们租了800平米"]),
    ('"一句话"', ["一句话"]),
])
def test_parse_history(history, turns):
    assert fmt.parse_history(history) == turns


def test_parse_history_rejects_bad_shapes():
    with pytest.raises(TypeError):
        fmt.parse_history({"turns": []})
    with pytest.raises(TypeError):
        fmt.parse_history("42")
    with pytest.raises(ValueError):
        fmt.parse_history([1, 2])
    with pytest.raises(ValueError):
        fmt.parse_history(["q"] * (fmt.MAX_HISTORY_TURNS + 1))


# -- found in the new-user pass ---------------------------------------------------


def test_alternative_formulas_are_labelled():
    result = engine.compute("rent_subsidy", {"area_m2": 800})
    reply = Reply.from_parts(compose.rules_parts(result, []), route="rules", amount_yuan=288000,
                             trace=[s.text for s in result.trace])
    out = fmt.reply_html(reply.to_dict())
    assert "<li>800平方米 × 30元/平方米/月 × 12个月 = 288000元</li>" in out
    assert "<li>若为其他产业园：800平方米 × 15元/平方米/月 × 12个月 = 144000元</li>" in out


def test_several_items_keep_their_list_under_the_lead_and_show_no_loose_formulas():
    parts = Parts(layout="list", conclusion="按您提供的情况，可能适用以下支持（逐项条件以条款原文为准）：",
                  listing=["第（十一）条 租金补贴：每年54万元", "第（十五）条 贷款贴息：每年60万元"],
                  caveats=["金额以审核为准。"])
    out = fmt.reply_html(Reply.from_parts(parts, route="rules",
                                          trace=["1500平方米 × 30元/平方米/月 × 12个月 = 540000元"]).to_dict())
    assert out.index("可能适用以下支持") < out.index("租金补贴：每年54万元") < out.index("计算过程")
    assert "qa-formula" not in out and "qa-amount" not in out and "qa-calc" in out


def test_keyword_search_terms_are_bold_and_escaped():
    assert fmt.search_terms("算力 补贴，a") == ["算力", "补贴"]
    out = fmt.highlight("甲算力<乙。丙算力。", "丙算力。", ["算力"])
    assert out == '甲<b class="qa-kw">算力</b>&lt;乙。<mark>丙<b class="qa-kw">算力</b>。</mark>'


@pytest.mark.parametrize(("typed", "fact"), [
    ("８００", 800), ("八百", 800), ("一千二百", 1200), ("三十万", "30万"), ("abc", "abc"), ("-5", -5)])
def test_calculator_reads_full_width_and_chinese_numbers(typed, fact):
    assert calc_fmt.collect_facts((AREA,), [typed]) == {"area_m2": fact}


def test_invalid_fact_message_names_the_field_not_its_code():
    from rules.errors import InvalidFact

    exc = InvalidFact("area_m2", "abc", "不是数字", "大于0的数值（单位：平方米）", "租赁面积")
    text = calc_fmt.invalid_fact_text(exc, {"area_m2": "租赁的产业用房面积（平方米）"})
    assert text.startswith("“租赁的产业用房面积（平方米）”填写的“abc”无效：不是数字。")
    assert "area_m2" not in text and "'abc'" not in text
    assert calc_fmt.invalid_fact_text(ValueError("坏"), {}) == "坏 请修改后再计算。"


def test_missing_fact_note_with_the_code_is_not_repeated():
    result = make_result(amount_yuan=None, eligible=None, missing=["area_m2"], trace=[],
                         reasons=["缺少以下信息，暂无法计算：area_m2（租赁面积）。"])
    out = calc_fmt.result_html(result, {"area_m2": "租赁面积"})
    assert "还需填写：租赁面积" in out and "area_m2" not in out
