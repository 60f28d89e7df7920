"""Answer composition: conclusion first, then the calculation, caveats and quotes.

Every function here writes only numbers it is handed (from the rule result,
the policy text or the user's words); fixed wording lives in
``assistant/data/replies.yaml`` and contains no numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.data_loader import load_yaml
from assistant.quantities import format_yuan
from assistant.session import CitationOut
from knowledge.numerals import article_label

REPLIES = load_yaml("replies.yaml")
OPEN_VALUES: dict[str, str] = load_yaml("open_values.yaml")


def quote_line(citation: CitationOut) -> str:
    """``第（十一）条「加强企业产业用房支持」：“…”``"""
    title = f"「{citation.title}」" if citation.title else ""
    return f"{article_label(citation.clause)}{title}：“{citation.quote}”"


def open_value_notes(texts: Iterable[str]) -> list[str]:
    """Notes for every value the quoted text leaves open (一定比例, 一事一议, unfilled dates)."""
    notes: list[str] = []
    for text in texts:
        for marker, note in OPEN_VALUES.items():
            if marker in text and note not in notes:
                notes.append(note)
    return notes


def bullet(lines: Sequence[str]) -> str:
    """Lines as a dash list."""
    return "\n".join(f"- {line}" for line in lines)


def section(title: str, lines: Sequence[str]) -> str:
    """A titled block, or "" when there is nothing to say."""
    if not lines:
        return ""
    return f"{title}\n{bullet(lines)}"


def join_blocks(blocks: Iterable[str]) -> str:
    """Blocks separated by a blank line, empty ones dropped."""
    return "\n\n".join(block for block in blocks if block)


def amount_phrase(result, total: int | None = None) -> str:
    """The conclusion sentence of a rule result."""
    name = result.name
    if result.eligible is False:
        reasons = "；".join(result.reasons) or "不满足条款条件"
        return f"按{article_label(result.clause)}，贵企业暂不符合{name}的条件：{reasons}。"
    if total is not None:
        return (
            f"按{article_label(result.clause)}，{name}每年{format_yuan(result.amount_yuan)}，"
            f"合计{format_yuan(total)}。"
        )
    if result.amount_yuan is not None:
        per = "每年" if result.per_year else ""
        verb = "最多可获" if result.amount_kind == "upper_bound" else "可获"
        years = f"，{_years_phrase(result)}" if result.per_year and result.years else ""
        return f"按{article_label(result.clause)}，贵企业{per}{verb}{name}{format_yuan(result.amount_yuan)}{years}。"
    if result.bound_yuan is not None:
        return f"按{article_label(result.clause)}，{name}最高{format_yuan(result.bound_yuan)}，具体金额政策未明确。"
    return f"按{article_label(result.clause)}，{name}的具体金额政策未明确。"


def _years_phrase(result) -> str:
    return f"最长{result.years}年"


KEY_STEP_MARKS = ("=", "×", "超过", "不足", "未达到", "不满足", "＜", "<", "≥", "取")


def key_steps(result) -> list[str]:
    """The trace steps a reader needs: arithmetic, caps and thresholds (the full trace is in ``trace``)."""
    shown_elsewhere = set(result.assumptions) | set(result.unspecified)
    steps = [s.text for s in result.trace if s.text not in shown_elsewhere]
    key = [text for text in steps if any(mark in text for mark in KEY_STEP_MARKS)]
    return key or steps


def caveats(result) -> list[str]:
    """The caveats that apply to a rule result."""
    lines = list(result.assumptions)
    if result.amount_kind == "upper_bound":
        lines.append(REPLIES["upper_caveat"])
    if result.amount_kind == "bound_only":
        lines.append(REPLIES["bound_caveat"])
    lines.extend(note for note in result.unspecified if note not in lines)
    lines.append(REPLIES["budget_caveat"])
    lines.append(REPLIES["draft_caveat"])
    return lines


def rules_answer(result, citations: Sequence[CitationOut], extra: Sequence[str] = (),
                 total: int | None = None, total_step: str | None = None) -> str:
    """Conclusion, calculation, caveats, then the quoted articles."""
    steps = key_steps(result)
    if total_step:
        steps.append(total_step)
    return join_blocks([
        "\n".join([*extra, amount_phrase(result, total)]),
        section("计算过程：", steps),
        section("说明：", caveats(result)),
        section("依据：", [quote_line(c) for c in citations]),
    ])


def clarify_answer(result, descriptions: Sequence[str], citations: Sequence[CitationOut],
                   extra: Sequence[str] = ()) -> str:
    """Ask for exactly the missing facts, with no amount."""
    ask = "；".join(descriptions)
    return join_blocks([
        "\n".join([*extra, f"要测算{result.name}（{article_label(result.clause)}），还需要您提供：{ask}。"]),
        section("依据：", [quote_line(c) for c in citations]),
    ])


def lookup_answer(citations: Sequence[CitationOut], extra: Sequence[str] = (),
                  whole_article: bool = False, notes: Sequence[str] = (), asks: Sequence[str] = ()) -> str:
    """The main article quoted first, related articles after it."""
    main, rest = citations[0], citations[1:]
    lead = "该问题" if not whole_article else "您查询的条款"
    title = f"「{main.title}」" if main.title else ""
    head = f"{lead}对应{article_label(main.clause)}{title}。"
    notes = [*notes, *open_value_notes(c.quote for c in citations[:1])]
    related = [quote_line(c) for c in rest]
    return join_blocks([
        "\n".join([*extra, head]),
        quote_line(main),
        section("注意：", notes),
        section("相关条款：", related),
        REPLIES["ask_facts"] + "；".join(asks) + "。" if asks else "",
    ])


def out_of_scope_answer() -> str:
    """A polite decline that points to the responsible office."""
    return f"{REPLIES['out_of_scope']}{REPLIES['scope']}{REPLIES['office']}"


def smalltalk_answer(extra: Sequence[str] = ()) -> str:
    """Greeting and what the assistant covers."""
    return "\n".join([*extra, REPLIES["greeting"] + REPLIES["scope"], REPLIES["examples"]])


def chapter_answer(heading: str, citations: Sequence[CitationOut], extra: Sequence[str] = ()) -> str:
    """The articles of one chapter, each with its opening words."""
    return join_blocks([
        "\n".join([*extra, f"“{heading}”部分包括以下条款："]),
        bullet([quote_line(c) for c in citations]),
    ])


def out_of_range(count: int) -> str:
    """No such article: say which numbers exist, in the policy's own labels."""
    return f"本措施只有{article_label(1)}至{article_label(count)}，没有您查询的条款，请核对条款编号。{REPLIES['scope']}"
