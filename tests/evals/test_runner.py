"""The runner's metrics, on a fake assistant that replays scripted replies."""

from __future__ import annotations

import json

import pytest

from evals import __main__ as cli
from evals import runner
from evals.metrics import check_thresholds, percentile
from evals.numbers import fallback_checker, guard_checker
from evals.schema import parse_case

POLICY = "按30元/平方米/月给予租金补贴，每年最高资助360万元。按不超过实际支出利息的30%，每年最高200万元。给予最高1000万元。"


def reply(answer="", route="lookup", clauses=(), amount=None, eligible=None, missing=(), trace=(),
          latency=5.0):
    return {"answer": answer, "route": route, "amount_yuan": amount, "eligible": eligible,
            "missing": list(missing), "trace": list(trace), "latency_ms": latency,
            "citations": [{"clause": c, "title": "t", "quote": "q"} for c in clauses]}


class FakeAssistant:
    """Answers each turn text from a script; unknown text raises (a crashing case)."""

    def __init__(self, script: dict[str, dict]):
        self.script = script

    def converse(self, turns: list[str], case_id: str) -> dict:
        replies = [self.script[t] for t in turns]
        return {**replies[-1], "id": case_id, "turns": replies}


RENT = reply("每年可补28.8万元（800平方米 × 30元/平方米/月 × 12个月）。", "rules", [11, 19], 288000, True,
             trace=["800平方米 × 30元/平方米/月 × 12个月 = 288000元"], latency=10.0)
SCRIPT = {
    "rent": RENT,
    "rent-second-cited": reply("x", "rules", [19, 11, 1], 288000, True),
    "rent-wrong": reply("补贴14.4万元", "rules", [19, 1, 2, 11], 144000, True, latency=30.0),
    "bound": reply("最高1000万元", "lookup", [7], None),
    "weather": reply("不在范围内", "out_of_scope"),
    "tax-routed-lookup": reply("见第（十九）条", "lookup", [19]),
    "hello-as-oos": reply("你好", "out_of_scope"),
    "invented": reply("补贴是999万元", "rules", [11], 9990000, trace=["1 + 1 = 2"]),
}


def case(cid, turns, category="rules", **expect):
    return parse_case({"id": cid, "category": category, "turns": turns, "expect": expect})


CASES = [
    case("hit1", ["rent"], clauses=[11], amount_yuan=288000, eligible=True, must_include=["28.8万元"]),
    case("hit3-only", ["rent-second-cited"], clauses=[11], amount_yuan=288000),
    case("miss", ["rent-wrong"], clauses=[11], amount_yuan=288000, must_include=["28.8万元"]),
    case("bound-null", ["bound"], "lookup", clauses=[7], amount_yuan=None, route=["rules", "lookup"]),
    case("bound-not-null", ["rent"], amount_yuan=None),
    case("oos-ok", ["weather"], "out_of_scope", route="out_of_scope"),
    case("oos-missed", ["tax-routed-lookup"], "out_of_scope", route="out_of_scope"),
    case("oos-false-alarm", ["hello-as-oos"], "smalltalk", route="smalltalk"),
    case("invented", ["invented"], amount_yuan=9990000),
    case("emoji-declined", ["weather"], "hostile", amount_yuan=None),
    case("crash", ["not in the script"], clauses=[11], amount_yuan=288000),
]


def fake_suite(script=SCRIPT, build=None) -> runner.Suite:
    return runner.Suite(build=build or (lambda mode: FakeAssistant(script)),
                        converse=lambda asst, turns, cid: asst.converse(turns, cid),
                        check=fallback_checker, policy_text=POLICY, checker_name="fallback")


@pytest.fixture(scope="module")
def result():
    return runner.run_cases(CASES, ["hybrid"], fake_suite())


def by_id(result, mode="hybrid"):
    return {r["id"]: r for r in result.rows[mode]}


def test_hit_at_1_and_hit_at_3(result):
    rows = by_id(result)
    assert rows["hit1"]["checks"]["hit_at_1"] and rows["hit1"]["checks"]["hit_at_3"]
    assert not rows["hit3-only"]["checks"]["hit_at_1"] and rows["hit3-only"]["checks"]["hit_at_3"]
    assert not rows["miss"]["checks"]["hit_at_1"] and not rows["miss"]["checks"]["hit_at_3"]
    metrics = runner.summarize(result)["metrics"]
    # hit1, hit3-only, miss, bound-null, crash
    assert metrics["hit_at_1"] == pytest.approx(2 / 5)
    assert metrics["hit_at_3"] == pytest.approx(3 / 5)


def test_amount_exact_including_null(result):
    rows = by_id(result)
    assert rows["hit1"]["checks"]["amount_exact"]
    assert not rows["miss"]["checks"]["amount_exact"]
    assert rows["bound-null"]["checks"]["amount_exact"]
    assert not rows["bound-not-null"]["checks"]["amount_exact"]
    assert "amount_exact" not in rows["oos-ok"]["checks"]


def test_route_list_and_required_facts(result):
    rows = by_id(result)
    assert rows["bound-null"]["checks"]["route"]
    assert rows["hit1"]["checks"]["required_facts"] and rows["hit1"]["checks"]["eligibility"]
    assert not rows["miss"]["checks"]["required_facts"]


def test_out_of_scope_precision_and_recall(result):
    metrics = runner.summarize(result)["metrics"]
    # predicted oos: oos-ok (right), oos-false-alarm (wrong), emoji-declined (no route expected:
    # not judged); expected oos: oos-ok, oos-missed
    assert metrics["oos_precision"] == pytest.approx(0.5)
    assert metrics["oos_recall"] == pytest.approx(0.5)


def test_unsupported_numbers_are_counted(result):
    rows = by_id(result)
    assert rows["hit1"]["unsupported"] == []  # 28.8万 = 288000 of the trace, 800 of the trace
    assert rows["invented"]["unsupported"] == ["turn 1: 999万"]
    assert not rows["invented"]["checks"]["unsupported_numbers"]
    assert rows["miss"]["unsupported"] == ["turn 1: 14.4万"]  # no source says 144000
    assert runner.summarize(result)["metrics"]["unsupported_numbers"] == 2


def test_fallback_checker_units_and_sources():
    assert fallback_checker("补贴60万元，即30%", ["30%", "= 600000元"], ["利息200万元"]) == []
    assert fallback_checker("补贴1亿元", ["最高360万元"], []) == ["1亿"]
    assert fallback_checker("租了８００平米", ["800平方米"], []) == []


def test_the_assistant_guard_is_used_when_there():
    check = guard_checker()
    if check is None:
        pytest.skip("assistant.guard is not there yet")
    assert check("补贴28.8万元", ["= 288000元"], ["我们租了800平米"]) == []
    assert check("补贴是200年", ["最高200万元"], []) == ["200年"]


def test_a_crash_is_a_failed_case_not_a_crashed_run(result):
    row = by_id(result)["crash"]
    assert row["error"].startswith("KeyError")
    assert not row["passed"] and not row["checks"]["completed"] and not row["checks"]["amount_exact"]
    assert runner.summarize(result)["metrics"]["errors"] == 1


def test_latency_and_categories(result):
    summary = runner.summarize(result)
    assert summary["metrics"]["latency_p50_ms"] == 5.0
    assert summary["by_category"]["rules"]["cases"] == 6 and summary["by_category"]["hostile"]["cases"] == 1
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([], 95) is None


def test_other_modes_run_the_retrieval_cases_only():
    cases = [*CASES, case("lookup-hit", ["bound"], "lookup", clauses=[7])]
    built = []

    def build(mode):
        built.append(mode)
        if mode == "dense":
            raise RuntimeError("no model")
        return FakeAssistant(SCRIPT)

    result = runner.run_cases(cases, ["hybrid", "bm25", "dense"], fake_suite(build=build))
    assert built == ["hybrid", "bm25", "dense"]
    assert len(result.rows["hybrid"]) == len(cases)
    assert [r["id"] for r in result.rows["bm25"]] == ["bound-null", "lookup-hit"]
    modes = runner.summarize(result)["modes"]
    assert modes["bm25"]["hit_at_1"] == 1.0 and modes["hybrid"]["cases"] == 2
    assert "no model" in modes["dense"]["error"]


def test_threshold_check_names_each_failing_metric():
    metrics = {"hit_at_1": 0.8, "hit_at_3": 0.99, "unsupported_numbers": 2, "oos_recall": None}
    thresholds = {"min": {"hit_at_1": 0.85, "hit_at_3": 0.95, "oos_recall": 0.9},
                  "max": {"unsupported_numbers": 0}}
    failures = check_thresholds(metrics, thresholds)
    assert len(failures) == 2
    assert failures[0].startswith("hit_at_1") and failures[1].startswith("unsupported_numbers")
    assert "unknown metric" in check_thresholds(metrics, {"min": {"hit@1": 1}})[0]


def write_case_file(tmp_path, cases):
    path = tmp_path / "cases.yaml"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return str(path)


def run_cli(tmp_path, cases, thresholds, *flags, suite=None):
    (tmp_path / "t.yaml").write_text(json.dumps(thresholds), encoding="utf-8")
    argv = ["--cases", write_case_file(tmp_path, cases), "--thresholds", str(tmp_path / "t.yaml"),
            "--out", str(tmp_path / "reports"), "--modes", "hybrid,bm25", *flags]
    return cli.main(argv, suite=suite or fake_suite())


GOOD = {"id": "g", "category": "rules", "turns": ["rent"], "expect": {"clauses": [11], "amount_yuan": 288000}}
BAD = {"id": "b", "category": "rules", "turns": ["rent-wrong"], "expect": {"clauses": [11]}}


def test_check_exit_code(tmp_path, capsys):
    thresholds = {"min": {"hit_at_1": 0.85}, "max": {"unsupported_numbers": 0}}
    assert run_cli(tmp_path, [GOOD], thresholds, "--check") == 0
    assert run_cli(tmp_path, [GOOD, BAD], thresholds, "--check") == 1
    assert "FAIL hit_at_1" in capsys.readouterr().err
    assert run_cli(tmp_path, [GOOD, BAD], thresholds) == 0  # without --check: report only


def test_cli_writes_reports_and_json(tmp_path, capsys):
    assert run_cli(tmp_path, [GOOD, BAD], {"min": {}}, "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["cases"] == 2 and set(summary) >= {"metrics", "by_category", "modes"}
    assert summary["metrics"]["hit_at_1"] == 0.5
    reports = tmp_path / "reports"
    rows = [json.loads(line) for line in (reports / "results.jsonl").read_text().splitlines()]
    assert {r["id"] for r in rows} == {"g", "b"} and rows[0]["checks"]["hit_at_1"] is True
    assert "## Failed cases" in (reports / "report.md").read_text()
    assert (reports / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_input_exits_2(tmp_path, capsys):
    assert cli.main(["--cases", str(tmp_path / "none-*.yaml")], suite=fake_suite()) == 2
    assert cli.main(["--modes", "sparse"], suite=fake_suite()) == 2
    assert "choose from" in capsys.readouterr().err
