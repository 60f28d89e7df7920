"""Formatting for the calculator tab: item choices, fields from an item's input schema, results, errors.

Pure functions (no gradio), unit-tested in tests/app/test_ui_format.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.quantities import format_yuan
from knowledge.numerals import article_label, chinese_to_int
from ui.format import (
    UNKNOWN,
    amount_text,
    eligibility_text,
    esc,
    quote_details,
    text_html,
    trace_details,
)

NUMBER_TYPES = ("money", "area", "percent", "count", "years")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_CN_NUMBER = re.compile(r"^([零〇一二两三四五六七八九十百千]+)(.*)$")
_MISSING_NOTE = "缺少以下信息"


def item_choices(items: Sequence[Any]) -> list[tuple[str, str]]:
    """(display, id) pairs: "第（十一）条 租金补贴（rent_subsidy）"."""
    return [(f"{article_label(item.clause)} {item.name}（{item.id}）", item.id) for item in items]


def field_kind(spec) -> str:
    """The widget an input needs: "number", "bool" or "choice"."""
    if spec.type in NUMBER_TYPES:
        return "number"
    return "bool" if spec.type == "bool" else "choice"


def field_label(spec) -> str:
    """The field's label: its description, its unit and whether it is required."""
    text = spec.description.split("：", 1)[0] if spec.type == "choice" else spec.description
    unit = f"（单位：{spec.unit}）" if spec.unit and spec.unit not in text else ""
    need = "（必填）" if spec.required else "（选填，留空按默认）"
    return f"{text}{unit}{need}"


def choice_label(spec, code: str) -> str:
    """A readable label for a choice code, taken from the description.

    "入驻园区类型：recognized＝认定园区；other＝其他产业园" gives "认定园区（recognized）".
    """
    body = spec.description.split("：", 1)[-1]
    for part in re.split(r"[；;/／]", body):
        part = part.strip()
        if part.startswith(code):
            text = part[len(code):].lstrip("＝=:： ").strip()
            if text:
                return f"{text}（{code}）"
    return code


def collect_facts(specs: Sequence[Any], values: Sequence[Any]) -> dict[str, Any]:
    """Facts from the calculator's widgets; blanks and "未知" are left out.

    Numbers are passed on as typed (whole floats become int); the rule engine
    checks ranges and raises its own error for bad values.
    """
    facts: dict[str, Any] = {}
    for spec, value in zip(specs, values):
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or value == UNKNOWN:
            continue
        if spec.type == "bool":
            facts[spec.name] = value == "是"
        elif spec.type in NUMBER_TYPES:
            facts[spec.name] = _number_or_text(value)
        else:
            facts[spec.name] = value
    return facts


def _number_or_text(value: Any) -> Any:
    """800 / "800" / "８００" / "八百" -> 800, "12.5" -> 12.5; "三十万" -> "30万" for the engine.

    Text that is not a plain number is passed on (digits spelled in Chinese
    rewritten) for the rule engine to read ("30万") or reject ("abc").
    """
    if not isinstance(value, str):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    plain = unicodedata.normalize("NFKC", value).replace(",", "").replace("，", "").strip()
    spelled = _CN_NUMBER.match(plain)
    if spelled:
        try:
            plain = f"{chinese_to_int(spelled.group(1))}{spelled.group(2)}"
        except ValueError:
            return value
    if not _PLAIN_NUMBER.match(plain):
        return plain if spelled else value
    number = float(plain)
    return int(number) if number.is_integer() else number


def result_html(result, input_names: Mapping[str, str] | None = None) -> str:
    """A rule result: amount, eligibility, steps, caveats and the cited article."""
    names = input_names or {}
    data = result.to_dict()
    amount = amount_text(data["amount_yuan"])
    if data["amount_yuan"] is None and data.get("bound_yuan") is not None:
        amount = f"最高{format_yuan(data['bound_yuan'])}（具体金额政策未明确）"
    per = "（每年）" if data.get("per_year") and data["amount_yuan"] is not None else ""
    head = (f'<div class="qa-amount">{esc(data["name"])}：<b>{esc(amount)}</b>{esc(per)}'
            f" · {esc(eligibility_text(data['eligible']))}</div>")
    rows = [head]
    if data.get("missing"):
        need = "、".join(names.get(m, m) for m in data["missing"])
        rows.append(f'<div class="qa-note">还需填写：{esc(need)}</div>')
    rows.append(trace_details([step["text"] for step in data["trace"]]))
    notes = [*data.get("reasons", []), *data.get("assumptions", []), *data.get("unspecified", [])]
    if data.get("missing"):  # already said above as 还需填写, without the field's code
        notes = [note for note in notes if not note.startswith(_MISSING_NOTE)]
    if notes:
        rows.append(f'<div class="qa-notes"><p>说明：</p>{text_html(chr(10).join("- " + n for n in notes))}</div>')
    rows.append(quote_details(data["citation"], open_=True))
    return f'<div class="qa-result">{"".join(rows)}</div>'


def invalid_fact_text(exc: Exception, labels: Mapping[str, str]) -> str:
    """A calculator field's bad value in the form's own words (no field code, no Python quotes).

    ``exc`` is a ``rules.errors.InvalidFact`` (name, value, problem, accepted);
    any other error gives its own message.
    """
    name = getattr(exc, "name", None)
    if name is None or not hasattr(exc, "problem"):
        return f"{exc} 请修改后再计算。"
    field = labels.get(name) or name
    return (f"“{field}”填写的“{exc.value}”无效：{exc.problem}。"
            f"可填写：{exc.accepted}。请修改后再计算。")


def error_html(message: str) -> str:
    """A user-facing error box."""
    return f'<div class="qa-error">{esc(message)}</div>'


# -- the /ask API -----------------------------------------------------------
