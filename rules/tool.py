"""The rules engine as LangChain tools with typed argument schemas.

Three tools:

* ``compute_subsidy(item, facts)``: one item for the facts known so far.
* ``list_subsidy_items()``: the items, their clauses and the facts each needs.
* ``match_enterprise(profile)``: every item an enterprise profile may claim.

Why one generic compute tool rather than one tool per item: the 32 items
share one fact vocabulary, so a single schema (``item`` as an enum, every fact
an optional typed field) covers them all. Thirty-two near-identical tools
would crowd the model's context and make it choose among tool names instead
of item ids, which the assistant routes by keywords anyway. Facts the item
needs but the model did not pass come back in ``missing``; facts the item
does not use are ignored, so the model can pass everything it knows.

Outputs are plain JSON-serialisable dicts (``Result.to_dict()``); a bad fact
or an unknown item comes back as ``{"error": "<中文说明>"}`` so the model can
ask the user again instead of the conversation breaking.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Literal

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field, ValidationError, create_model

from rules import engine as default_engine
from rules.errors import RulesError
from rules.facts import FACTS, RANGES, UNITS, Fact, accepted

DESCRIPTIONS = {
    "compute_subsidy": (
        "按《光明区关于推动人工智能和软件信息产业高质量发展的若干措施》计算某一补贴项目："
        "是否符合（eligible）、金额（amount_yuan，整数元，已按上限封顶）、上限、计算过程、"
        "原文引用、仍缺的事实（missing）和假定条件。金额只能取自本工具结果，不得自行推算。"
        " Computes one subsidy item of the Guangming AI/software policy for the given facts; "
        "returns eligibility, the capped amount in yuan, trace, citation and missing facts."),
    "list_subsidy_items": (
        "列出全部补贴项目：项目id、条款、标题、名称、关键词以及每项需要的事实。"
        " Lists every subsidy item with its clause, keywords and required facts."),
    "match_enterprise": (
        "根据企业画像列出该企业可能申请的全部补贴项目及金额或上限，并按第（十九）条标注"
        "“就高不就低、不重复补贴”的重叠项（overlaps/notes）。"
        " Lists every item an enterprise profile may claim, with amounts or bounds, "
        "flagging overlaps under article 19 (choose the highest, no double subsidy)."),
}
_NUMERIC = {"money": int, "area": float, "percent": float, "count": int, "years": int}


def _field(fact: Fact) -> tuple[Any, Any]:
    """The pydantic field of one fact: its type, range and description."""
    unit = UNITS[fact.type]
    description = f"{fact.description}" + (f"，单位：{unit}" if unit else "")
    if fact.type == "bool":
        return bool | None, Field(None, description=description)
    if fact.type == "choice":
        return Literal[tuple(fact.choices)] | None, Field(None, description=description)
    low, high, inclusive = RANGES[fact.type]
    bounds = {"ge": low} if inclusive else {"gt": low}
    return _NUMERIC[fact.type] | None, Field(None, description=description, le=high, **bounds)


Facts = create_model(
    "Facts", __doc__="已知的企业情况（事实）。只填已知的项，未知的留空。",
    **{name: _field(fact) for name, fact in FACTS.items()})


def _item_enum(engine: ModuleType) -> Any:
    return Literal[tuple(spec.id for spec in engine.list_items())]


def _facts_dict(facts: BaseModel | dict | None) -> dict:
    if facts is None:
        return {}
    if isinstance(facts, BaseModel):
        return facts.model_dump(exclude_none=True)
    return {key: value for key, value in dict(facts).items() if value is not None}


def _validation_message(error: ValidationError) -> str:
    """A Chinese message for arguments that fail the schema, with accepted values."""
    lines = []
    for problem in error.errors():
        name = str(problem["loc"][-1]) if problem["loc"] else ""
        fact = FACTS.get(name)
        hint = f"，可接受的值：{accepted(fact)}" if fact else ""
        lines.append(f"参数“{'.'.join(map(str, problem['loc']))}”无效（{problem['msg']}）{hint}")
    return "；".join(lines) + "。请更正后重试。"


def build_tools(engine: ModuleType = default_engine) -> list[BaseTool]:
    """Return ``[compute_subsidy, list_subsidy_items, match_enterprise]`` over ``engine``."""
    compute_args = create_model(
        "ComputeSubsidyArgs",
        item=(_item_enum(engine), Field(description="补贴项目id（见 list_subsidy_items），如 rent_subsidy")),
        facts=(Facts, Field(default_factory=Facts, description="已知事实；只填已知项")))
    match_args = create_model(
        "MatchEnterpriseArgs",
        profile=(Facts, Field(default_factory=Facts, description="企业画像：已知的企业情况")))

    def compute_subsidy(item: str, facts: BaseModel | dict | None = None) -> dict:
        try:
            return engine.compute(item, _facts_dict(facts)).to_dict()
        except RulesError as exc:
            return {"error": str(exc)}

    def list_subsidy_items() -> list[dict]:
        return engine.describe_items()

    def match_enterprise(profile: BaseModel | dict | None = None) -> list[dict] | dict:
        try:
            return [result.to_dict() for result in engine.match(_facts_dict(profile))]
        except RulesError as exc:
            return {"error": str(exc)}

    return [_tool(compute_subsidy, compute_args), _tool(list_subsidy_items, None),
            _tool(match_enterprise, match_args)]


def _tool(func: Any, args_schema: type[BaseModel] | None) -> BaseTool:
    """A structured tool named after ``func``; bad arguments come back as a Chinese message."""
    return StructuredTool.from_function(
        func, name=func.__name__, description=DESCRIPTIONS[func.__name__], args_schema=args_schema,
        handle_validation_error=_validation_message)


compute_subsidy, list_subsidy_items, match_enterprise = build_tools()
TOOLS = [compute_subsidy, list_subsidy_items, match_enterprise]
