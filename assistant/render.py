"""The plain text of a reply, written from its parts (``assistant.session.Parts``).

One renderer for every surface that shows text: the command line, the API's message content and
the evaluation suite all read ``Reply.answer``, which ``render_text`` writes; the web app lays the
same parts out as HTML (``ui/format.py``). Fixed headings live here; every other word and number
comes in the parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.session import CitationOut, Parts, Reply
from knowledge.numerals import article_label

STEPS_TITLE = "计算过程："
QUOTES_TITLE = "依据："
SEE_ALSO_TITLE = "另见："
CAVEAT_TITLES = {"lookup": "注意："}  # a layout's heading over its caveats; "说明：" otherwise
RELATED_TITLES = {"lookup": "相关条款："}  # over its further articles; "另见：" otherwise


def quote_line(citation: CitationOut) -> str:
    """``第（十一）条「加强企业产业用房支持」：“…”``"""
    title = f"「{citation.title}」" if citation.title else ""
    return f"{article_label(citation.clause)}{title}：“{citation.quote}”"


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


def caveat_title(layout: str) -> str:
    """The heading over a layout's caveats: 注意： for a lookup, 说明： otherwise."""
    return CAVEAT_TITLES.get(layout, "说明：")


def related_title(layout: str) -> str:
    """The heading over a layout's further articles: 相关条款： for a lookup, 另见： otherwise."""
    return RELATED_TITLES.get(layout, SEE_ALSO_TITLE)


def lead(parts: Parts) -> str:
    """The lines said first: the notes, then the conclusion."""
    return "\n".join(line for line in [*parts.notes, parts.conclusion] if line)


def render_text(parts: Parts) -> str:
    """The plain answer the parts make, laid out as ``parts.layout`` says (see ``Parts``)."""
    quotes = [quote_line(c) for c in parts.quotes]
    related = section(related_title(parts.layout), [quote_line(c) for c in parts.related])
    caveats = section(caveat_title(parts.layout), parts.caveats)
    if parts.layout == "plain":
        return "\n".join(line for line in [lead(parts), parts.closing] if line)
    if parts.layout == "quotes":
        return join_blocks(quotes)
    if parts.layout == "prose":
        return join_blocks([parts.conclusion, section(QUOTES_TITLE, quotes)])
    if parts.layout == "lookup":
        return join_blocks([lead(parts), *quotes, caveats, related, parts.closing])
    if parts.layout == "list":
        return join_blocks([lead(parts), bullet(parts.listing), caveats, parts.closing, *quotes])
    if parts.layout == "articles":
        return join_blocks([lead(parts), bullet(quotes)])
    return join_blocks([lead(parts), section(STEPS_TITLE, parts.steps), caveats,
                        section(QUOTES_TITLE, quotes), related])


def reply_text(reply: Reply) -> str:
    """The text of a reply for a text surface: rendered from its parts; a reply without parts (its
    text was set directly) is its ``answer``."""
    return render_text(reply.parts) if reply.parts is not None else reply.answer
