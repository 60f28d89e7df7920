"""The LangChain tools: typed schemas, JSON output, errors as messages."""

from __future__ import annotations

import json

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from rules.tool import TOOLS, compute_subsidy, list_subsidy_items, match_enterprise


def test_tools_are_langchain_tools_with_descriptions():
    assert [t.name for t in TOOLS] == ["compute_subsidy", "list_subsidy_items", "match_enterprise"]
    for tool in TOOLS:
        assert isinstance(tool, BaseTool)
        assert tool.description and any("\u4e00" <= ch <= "\u9fff" for ch in tool.description)


def test_compute_schema_is_typed():
    schema = convert_to_openai_tool(compute_subsidy)["function"]["parameters"]
    assert schema["required"] == ["item"]
    assert "rent_subsidy" in schema["properties"]["item"]["enum"]
    facts = compute_subsidy.args_schema.model_json_schema()["$defs"]["Facts"]["properties"]
    area = facts["area_m2"]["anyOf"][0]
    assert area["type"] == "number" and area["exclusiveMinimum"] == 0
    assert facts["interest_yuan"]["anyOf"][0]["type"] == "integer"
    assert facts["park_type"]["anyOf"][0]["enum"] == ["recognized", "other"]
    assert "平方米" in facts["area_m2"]["description"]


def test_compute_invocation_returns_the_result_dict():
    out = compute_subsidy.invoke({"item": "rent_subsidy", "facts": {"area_m2": 800}})
    assert out["amount_yuan"] == 288000 and out["citation"]["clause"] == 11
    json.dumps(out, ensure_ascii=False)


def test_tool_call_gives_json_tool_message():
    message = compute_subsidy.invoke({"type": "tool_call", "id": "c1", "name": "compute_subsidy",
                                      "args": {"item": "loan_interest", "facts": {"interest_yuan": 100000}}})
    assert json.loads(message.content)["amount_yuan"] == 30000


def test_bad_arguments_come_back_as_chinese_messages():
    out = compute_subsidy.invoke({"item": "rent_subsidy", "facts": {"area_m2": -5}})
    assert isinstance(out, str) and "area_m2" in out and "可接受的值" in out
    unknown = compute_subsidy.invoke({"item": "free_money", "facts": {}})
    assert "item" in unknown


def test_engine_errors_come_back_as_error_dicts():
    out = compute_subsidy.func(item="free_money", facts={})
    assert "rent_subsidy" in out["error"]


def test_list_items_tool():
    items = list_subsidy_items.invoke({})
    assert len(items) == 32
    assert {"item", "clause", "title", "inputs"} <= items[0].keys()
    assert {"name", "type", "unit", "description"} <= items[0]["inputs"][0].keys()


def test_match_tool():
    results = match_enterprise.invoke({"profile": {"area_m2": 800, "interest_yuan": 100000}})
    assert {r["item"] for r in results} == {"rent_subsidy", "loan_interest"}
    json.dumps(results, ensure_ascii=False)
