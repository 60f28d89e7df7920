"""``python -m assistant calc``: the rules engine on the command line.

    python -m assistant calc --list [--json]
    python -m assistant calc rent_subsidy area_m2=800 park_type=other [--json]

Values are read by the input's type (yes/no accepts true/false/是/否/1/0;
money accepts 120000, 1,200,000 or 12万). A bad value, an unknown item or a
fact the item does not take prints a clear message and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from rules.calc import fmt
from rules.model import clause_label

USAGE_ERROR = 2


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``calc`` subcommand."""
    parser = subparsers.add_parser(
        "calc", help="按政策计算补贴金额（--list 列出项目）",
        description="按《若干措施》计算某一补贴项目：calc ITEM name=value ...；calc --list 列出全部项目。")
    parser.add_argument("item", nargs="?", help="项目id，如 rent_subsidy")
    parser.add_argument("facts", nargs="*", metavar="name=value", help="事实，如 area_m2=800")
    parser.add_argument("--list", action="store_true", help="列出全部项目及所需事实")
    parser.add_argument("--json", action="store_true", help="以JSON输出")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``calc``: list the items or compute one."""
    from rules import engine
    from rules.errors import RulesError

    if args.list:
        items = engine.describe_items()
        print(json.dumps(items, ensure_ascii=False, indent=2) if args.json else _items_text(items))
        return 0
    if not args.item:
        return _usage("请给出项目id，例如：calc rent_subsidy area_m2=800；用 calc --list 查看全部项目。")
    try:
        spec = engine.get_item(args.item)
        facts = _parse_facts(args.facts, {i.name for i in spec.inputs} | {engine.SCOPE_FACT})
        result = engine.compute(args.item, facts)
    except (RulesError, ValueError) as exc:
        return _usage(str(exc))
    data = result.to_dict()
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else _result_text(data))
    return 0


def _usage(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return USAGE_ERROR


def _parse_facts(pairs: list[str], allowed: set[str]) -> dict[str, str]:
    """``["area_m2=800"]`` -> ``{"area_m2": "800"}``; values are checked by the engine."""
    facts = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise ValueError(f"“{pair}”不是 name=value 的形式，例如 area_m2=800")
        if name not in allowed:
            raise ValueError(f"本项目不使用事实“{name}”。可用的事实：{'、'.join(sorted(allowed))}")
        facts[name] = value.strip()
    return facts


def _items_text(items: list[dict]) -> str:
    lines = []
    for item in items:
        lines.append(f"{item['item']}  {clause_label(item['clause'])}「{item['title']}」{item['name']}")
        for spec in item["inputs"]:
            need = "必填" if spec["required"] else "可选"
            choices = f" [{'/'.join(spec['choices'])}]" if spec["choices"] else ""
            lines.append(f"    {spec['name']}（{spec['type']}，{need}）{choices}：{spec['description']}")
    return "\n".join(lines)


_VERDICT = {True: "符合条件", False: "不符合条件", None: "尚无法判断"}
_KIND = {"exact": "", "upper_bound": "（不超过此数）", "bound_only": "", "unspecified": "", "none": ""}


def _result_text(data: dict) -> str:
    cite = data["citation"]
    lines = [f"{cite['label']}「{data['title']}」{data['name']}（{data['item']}）",
             f"结论：{_VERDICT[data['eligible']]}"]
    per = "每年" if data["per_year"] else ""
    if data["amount_yuan"] is not None:
        years = f"，连续{data['years']}年" if data["years"] else ""
        lines.append(f"金额：{per}{fmt(data['amount_yuan'], '元')}{_KIND[data['amount_kind']]}{years}")
    if data["bound_yuan"] is not None:
        lines.append(f"上限：{per}最高{fmt(data['bound_yuan'], '元')}")
    lines.append("计算过程：")
    lines += [f"  [{step['source']}] {step['text']}" for step in data["trace"]]
    for title, key in (("仍需提供", "missing"), ("假定", "assumptions"), ("原因", "reasons"),
                       ("政策未明确", "unspecified")):
        lines += [f"{title}：{text}" for text in data[key]]
    lines.append(f"原文：“{cite['quote']}”")
    return "\n".join(lines)
