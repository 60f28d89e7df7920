"""Answer composition: the parts of a reply (conclusion, calculation, caveats, quotes).

The ``*_parts`` functions build ``assistant.session.Parts``; ``assistant.render.render_text``
writes the text from them. The ``*_answer`` functions are that text, for callers that still
build a reply from a string. Every function here writes only numbers it is handed (from the rule
result, the policy text or the user's words); fixed wording lives in
``assistant/data/replies.yaml`` and contains no numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from assistant.data_loader import load_yaml
from assistant.quantities import format_yuan

# bullet and join_blocks are re-exported: compose.bullet, compose.quote_line … keep working
from assistant.render import (  # noqa: F401
    SEE_ALSO_TITLE,
    bullet,
    join_blocks,
    quote_line,
    render_text,
    section,
)
from assistant.session import CitationOut, Parts, Reply
from knowledge.numerals import article_label
from rules.calc import COMPUTED, USER
from rules.model import Step

REPLIES = load_yaml("replies.yaml")
OPEN_VALUES: dict[str, str] = load_yaml("open_values.yaml")


def open_value_notes(texts: Iterable[str]) -> list[str]:
    """Notes for every value the quoted text leaves open (一定比例, 一事一议, unfilled dates)."""
    notes: list[str] = []
    for text in texts:
        for marker, note in OPEN_VALUES.items():
            if marker in text and note not in notes:
                notes.append(note)
    return notes


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
_BRANCH = re.compile(r"^(若[^，,：:]+)[，,].*[：:]$")  # "若为其他产业园，按以下标准计算：" heads an alternative


def deciding_step(result) -> Step | None:
    """The trace step that set the amount (or, without one, the bound): the last computation that
    reaches it (a cap or the actual cost applied, the tier reached, a sum), else the policy's
    parameter that is the amount. None when the result has neither, or is not eligible."""
    target = result.amount_yuan if result.amount_yuan is not None else result.bound_yuan
    if target is None or result.eligible is False:
        return None
    reaching = [s for s in result.trace if s.value == target and s.source != USER
                and not s.text.endswith(f"可获{result.name}：{target}元")]  # the result restated
    computed = [s for s in reaching if s.source == COMPUTED]
    return (computed or reaching or [None])[-1]


def key_steps(result) -> list[str]:
    """The trace steps a reader needs: arithmetic, caps and thresholds, always with the step that
    decided the amount (the full trace is in ``trace``). The steps of an alternative carry its
    heading ("若为其他产业园：…"); it ends at the deciding step, which no alternative is."""
    shown_elsewhere = set(result.assumptions) | set(result.unspecified)
    deciding = deciding_step(result)
    steps: list[tuple[str, bool, bool]] = []  # (text, marked as arithmetic or a limit, deciding)
    branch = ""
    for step in result.trace:
        heading = _BRANCH.match(step.text.strip())
        if heading:
            branch = f"{heading.group(1)}："
            continue
        if step is deciding:
            branch = ""
        if step.text not in shown_elsewhere:
            marked = any(mark in step.text for mark in KEY_STEP_MARKS)
            steps.append((branch + step.text, marked, step is deciding))
    if not any(marked for _, marked, _ in steps):
        return [text for text, _, _ in steps]
    return [text for text, marked, decides in steps if marked or decides]


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


# -- the parts of each kind of reply -------------------------------------------------------------

def rules_parts(result, citations: Sequence[CitationOut], extra: Sequence[str] = (),
                total: int | None = None, total_step: str | None = None) -> Parts:
    """Conclusion, calculation, caveats, then the quoted articles."""
    steps = key_steps(result)
    if total_step:
        steps.append(total_step)
    return Parts(layout="rules", notes=list(extra), conclusion=amount_phrase(result, total), steps=steps,
                 caveats=caveats(result), quotes=list(citations))


def clarify_parts(result, descriptions: Sequence[str], citations: Sequence[CitationOut],
                  extra: Sequence[str] = ()) -> Parts:
    """Ask for exactly the missing facts, with no amount."""
    ask = "；".join(descriptions)
    return Parts(layout="rules", notes=list(extra), quotes=list(citations),
                 conclusion=f"要测算{result.name}（{article_label(result.clause)}），还需要您提供：{ask}。")


def lookup_parts(citations: Sequence[CitationOut], extra: Sequence[str] = (),
                 whole_article: bool = False, notes: Sequence[str] = (), asks: Sequence[str] = ()) -> Parts:
    """The main article quoted first, related articles after it; ``notes`` are its caveats."""
    main, rest = citations[0], citations[1:]
    lead = "该问题" if not whole_article else "您查询的条款"
    title = f"「{main.title}」" if main.title else ""
    return Parts(
        layout="lookup", notes=list(extra), conclusion=f"{lead}对应{article_label(main.clause)}{title}。",
        caveats=[*notes, *open_value_notes(c.quote for c in citations[:1])],
        closing=REPLIES["ask_facts"] + "；".join(asks) + "。" if asks else "",
        quotes=[main], related=list(rest),
    )


def plain_parts(text: str, extra: Sequence[str] = ()) -> Parts:
    """A reply of one sentence (a notice, a question back), after any ``extra`` lines."""
    return Parts(notes=list(extra), conclusion=text)


def out_of_scope_parts(lead: Sequence[str] = ()) -> Parts:
    """A polite decline that points to the responsible office."""
    return plain_parts(f"{REPLIES['out_of_scope']}{REPLIES['scope']}{REPLIES['office']}", lead)


def smalltalk_parts(extra: Sequence[str] = (), opening: str = "") -> Parts:
    """Greeting and what the assistant covers, then example questions."""
    return Parts(notes=list(extra), conclusion=opening + REPLIES["greeting"] + REPLIES["scope"],
                 closing=REPLIES["examples"])


def chapter_parts(heading: str, citations: Sequence[CitationOut], extra: Sequence[str] = ()) -> Parts:
    """The articles of one chapter, each with its opening words."""
    return Parts(layout="articles", notes=list(extra), conclusion=f"“{heading}”部分包括以下条款：",
                 quotes=list(citations))


def out_of_range_parts(count: int, extra: Sequence[str] = ()) -> Parts:
    """No such article: say which numbers exist, in the policy's own labels."""
    return plain_parts(f"本措施只有{article_label(1)}至{article_label(count)}，没有您查询的条款，请核对条款编号。{REPLIES['scope']}",
                       extra)


def fallback_parts(citations: Sequence[CitationOut]) -> Parts:
    """The number guard's fallback: the cited articles verbatim, or the decline without any."""
    return Parts(layout="quotes", quotes=list(citations)) if citations else out_of_scope_parts()


def add_related(reply: Reply, related: Sequence[CitationOut]) -> None:
    """Cite ``related`` articles after a rules reply's main one, and quote them under 另见."""
    reply.citations[1:1] = related
    if reply.parts is None:
        reply.answer += "\n\n" + section(SEE_ALSO_TITLE, [quote_line(c) for c in related])
    else:
        reply.set_parts(replace(reply.parts, related=[*reply.parts.related, *related]))


# -- the same as text, for callers that want a string (tests hold each layout to its old text) ---

def lookup_answer(citations: Sequence[CitationOut], extra: Sequence[str] = (),
                  whole_article: bool = False, notes: Sequence[str] = (), asks: Sequence[str] = ()) -> str:
    """The text of ``lookup_parts``."""
    return render_text(lookup_parts(citations, extra, whole_article, notes, asks))


def out_of_scope_answer() -> str:
    """The text of ``out_of_scope_parts``."""
    return render_text(out_of_scope_parts())


def smalltalk_answer(extra: Sequence[str] = ()) -> str:
    """The text of ``smalltalk_parts``."""
    return render_text(smalltalk_parts(extra))


def chapter_answer(heading: str, citations: Sequence[CitationOut], extra: Sequence[str] = ()) -> str:
    """The text of ``chapter_parts``."""
    return render_text(chapter_parts(heading, citations, extra))


def out_of_range(count: int) -> str:
    """The text of ``out_of_range_parts``."""
    return render_text(out_of_range_parts(count))
