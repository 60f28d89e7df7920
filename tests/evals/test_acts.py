"""The act a case asks for, and the per-act table of the eval report, on a fake assistant."""

from __future__ import annotations

import json

import pytest

from evals import acts, report, runner
from evals.schema import load_cases
from tests.evals.test_runner import case, fake_suite, reply, run_cli


@pytest.mark.parametrize(("expected", "built"), [
    ("out_of_scope", case("c", ["q"], "out_of_scope")),
    ("out_of_scope", case("c", ["q"], "hostile", route="out_of_scope", amount_yuan=None)),
    ("smalltalk", case("c", ["q"], "smalltalk", route="smalltalk", amount_yuan=None)),
    ("preamble", case("c", ["q"], "lookup", route="lookup", clauses=[0])),
    ("scope", case("c", ["q"], "lookup", clauses=[18], eligible=True)),
    ("stacking", case("c", ["q"], "lookup", clauses=[19], must_include=["就高不就低"])),
    ("dates", case("c", ["q"], "unspecified", clauses=[20])),
    ("clarify", case("c", ["q"], "clarify", route="clarify", clauses=[11], amount_yuan=None)),
    ("correction", case("c", ["q"], "wrong_number", clauses=[11], amount_yuan=288000)),
    ("several", case("c", ["q"], route="rules", clauses=[15], must_include=["15万元", "10万元"])),
    ("several", case("c", ["q"], "lookup", clauses=[7, 13], must_include=["1000万", "500万"])),
    ("amount", case("c", ["q"], clauses=[11], amount_yuan=288000, eligible=True,
                    must_include=["28.8万元", "30元"])),
    ("amount", case("c", ["q"], clauses=[11], amount_yuan=0, eligible=False)),
    ("eligibility", case("c", ["q"], clauses=[11], eligible=False, must_include=["500平方米"])),
    ("eligibility", case("c", ["q"], clauses=[11], eligible=False, amount_yuan=None)),
    ("amount", case("c", ["q"], clauses=[7], eligible=True, amount_yuan=None)),  # a bound: how much
    ("eligibility", case("c", ["q"], clauses=[7], eligible=True)),
    ("other", case("c", ["q"], "lookup", clauses=[7], amount_yuan=None, must_include=["1000万元"])),
    ("other", case("c", ["q"], "lookup", clauses=[18, 19])),  # not exactly one topic article
    ("other", case("c", ["q"], "rules", clauses=[11], must_include=["28.8万元", "30元"],
                   amount_yuan=None)),  # two figures but an amount (none) is expected
    ("other", case("c", ["q"], "hostile")),
])
def test_expected_act_mapping(expected, built):
    assert acts.expected_act(built) == expected


def test_every_real_case_maps_to_a_known_act():
    known = {*acts.READER_ACTS, *acts.NOT_READER_ACTS}
    assert {acts.expected_act(c) for c in load_cases()} <= known


def test_money_figures_and_read_act():
    assert acts.money_figures(["补 15 万元", "10万", "30元", "500平方米", "一次性"]) == {"15万元", "10万", "30元"}
    assert acts.read_act({"understood": {"act": "amount"}}) == "amount"
    assert acts.read_act({"understood": {}}) is None and acts.read_act(None) is None


def said(act, **kwargs):
    return {**reply(**kwargs), "understood": {"act": act, "items": []}}


TRACE = ["800平方米 × 30元/平方米/月 × 12个月 = 288000元"]
SCRIPT = {
    "rent": said("amount", answer="28.8万元", route="rules", clauses=[11], amount=288000, trace=TRACE),
    "rent-read-as-question": said("question", answer="28.8万元", route="rules", clauses=[11], amount=288000,
                                   trace=TRACE),
    "rent-wrong": said("amount", answer="14.4万元", route="rules", clauses=[11], amount=144000),
    "scope-read-as-article": said("article", answer="（十八）", route="lookup", clauses=[18]),
    "weather": said("out_of_scope", answer="不在范围内", route="out_of_scope"),
    "tax-read-as-question": said("question", answer="见（十九）", route="lookup", clauses=[19]),
    "garbage": reply(answer="？", route="clarify"),
    "short": said("amount", answer="请告诉我面积", route="clarify"),
}
CASES = [
    case("a1", ["rent"], clauses=[11], amount_yuan=288000),
    case("a2", ["rent-read-as-question"], clauses=[11], amount_yuan=288000),
    case("a3", ["rent-wrong"], clauses=[11], amount_yuan=288000),
    case("a4", ["weather", "rent-read-as-question"], clauses=[11], amount_yuan=288000),
    case("s1", ["scope-read-as-article"], "lookup", clauses=[18], route="lookup"),
    case("o1", ["weather"], "out_of_scope", route="out_of_scope"),
    case("o2", ["tax-read-as-question"], "out_of_scope", route="out_of_scope"),
    case("x1", ["garbage"], "hostile", amount_yuan=None),
    case("c1", ["short"], "clarify", route="clarify", amount_yuan=None),
]


@pytest.fixture(scope="module")
def summary():
    return runner.summarize(runner.run_cases(CASES, ["hybrid"], fake_suite(SCRIPT)))


def test_rows_record_the_final_turns_act():
    rows = {r["id"]: r for r in runner.run_cases(CASES, ["hybrid"], fake_suite(SCRIPT)).rows["hybrid"]}
    assert rows["a4"]["act"] == "question" and rows["a4"]["expected_act"] == "amount"
    assert [t["act"] for t in rows["a4"]["got"]["turn_replies"]] == ["out_of_scope", "question"]
    assert rows["x1"]["act"] is None and rows["x1"]["expected_act"] == "other"


def test_by_act_groups_by_the_expected_act(summary):
    table = summary["by_act"]
    assert list(table) == ["amount", "out_of_scope", "clarify", "other", "scope"]  # largest first
    assert table["amount"] == {"cases": 4, "case_pass_rate": 0.75, "act_agreement": 0.5,
                               "hit_at_1": 1.0, "route_accuracy": None}
    assert table["out_of_scope"]["act_agreement"] == 0.5 and table["out_of_scope"]["route_accuracy"] == 0.5
    assert table["scope"]["hit_at_1"] == 1.0 and table["scope"]["act_agreement"] == 0.0
    assert table["clarify"]["act_agreement"] is None and table["other"]["act_agreement"] is None
    assert summary["metrics"]["oos_precision"] == 1.0 and summary["metrics"]["oos_recall"] == 0.5


def test_confusion_lists_only_disagreeing_pairs(summary):
    assert summary["act_confusion"] == [
        {"expected": "amount", "read": "question", "cases": 2},
        {"expected": "out_of_scope", "read": "question", "cases": 1},
        {"expected": "scope", "read": "article", "cases": 1},
    ]
    rows = [{"expected_act": "amount", "act": None}, {"expected_act": "other", "act": "amount"},
            {"expected_act": "clarify", "act": "amount"}] + [
        {"expected_act": "dates", "act": f"a{i}"} for i in range(20)]
    pairs = acts.confusion(rows)
    assert len(pairs) == acts.CONFUSION_TOP and pairs[0] == {"expected": "amount", "read": "none", "cases": 1}


def test_console_and_markdown_show_the_table(summary, tmp_path):
    text = report.summary_table(summary)
    assert "by expected act" in text and "amount→question 2" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("amount "))
    assert line.split() == ["amount", "4", "0.750", "0.500", "1.000", "–"]
    report.write_markdown(summary, [], tmp_path / "report.md")
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## By act" in md and "| amount | 4 | 0.750 | 0.500 | 1.000 | – |" in md
    assert "| scope | article | 1 |" in md and "precision 1.000, recall 0.500" in md


def test_json_summary_carries_by_act(tmp_path, capsys):
    cases = [{"id": "g", "category": "rules", "turns": ["rent"], "expect": {"amount_yuan": 288000}}]
    assert run_cli(tmp_path, cases, {"min": {}}, "--json", suite=fake_suite(SCRIPT)) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["by_act"] == {"amount": {"cases": 1, "case_pass_rate": 1.0, "act_agreement": 1.0,
                                        "hit_at_1": None, "route_accuracy": None}}
    assert out["act_confusion"] == []
    row = json.loads((tmp_path / "reports" / "results.jsonl").read_text().splitlines()[0])
    assert row["act"] == "amount" and row["expected_act"] == "amount"
