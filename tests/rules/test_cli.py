"""``python -m assistant calc``: listing, computing, and clear errors (exit 2)."""

from __future__ import annotations

import json

import pytest

from assistant.__main__ import main


def run(capsys, *argv):
    code = main(["calc", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_shape(capsys):
    code, out, _ = run(capsys, "--list", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) == 32
    rent = next(i for i in items if i["item"] == "rent_subsidy")
    assert rent["clause"] == 11 and rent["title"] == "加强企业产业用房支持"
    assert {"name": "area_m2", "type": "area", "unit": "平方米"}.items() <= rent["inputs"][0].items()


def test_list_text(capsys):
    code, out, _ = run(capsys, "--list")
    assert code == 0 and "rent_subsidy  第（十一）条" in out


def test_compute_text(capsys):
    code, out, _ = run(capsys, "rent_subsidy", "area_m2=800", "park_type=recognized")
    assert code == 0 and "每年288000元" in out and "第（十一）条" in out and "原文：" in out


def test_compute_json(capsys):
    code, out, _ = run(capsys, "loan_interest", "interest_yuan=100000", "--json")
    assert code == 0 and json.loads(out)["amount_yuan"] == 30000


@pytest.mark.parametrize(("value", "expected"), [("是", 288000), ("true", 288000), ("1", 288000),
                                                  ("否", None), ("false", None), ("0", None)])
def test_bool_values(capsys, value, expected):
    code, out, _ = run(capsys, "rent_subsidy", "area_m2=800", f"above_scale={value}", "--json")
    assert code == 0 and json.loads(out)["amount_yuan"] == expected


def test_money_with_wan(capsys):
    code, out, _ = run(capsys, "revenue_milestone", "revenue_yuan=5000万", "--json")
    assert code == 0 and json.loads(out)["amount_yuan"] == 1_500_000


@pytest.mark.parametrize("argv", [
    ["rent_subsidy", "area_m2=abc"],
    ["rent_subsidy", "area_m2=-5"],
    ["rent_subsidy", "are_m2=800"],
    ["rent_subsidy", "area_m2"],
    ["rent_subsidy", "above_scale=maybe"],
    ["free_money"],
    [],
])
def test_bad_input_exits_2_with_a_message(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and err.startswith("错误：") and "Traceback" not in err and not out
