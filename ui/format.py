"""Formatting for the web app: replies, articles and the about page as HTML.

Pure functions only (no Gradio, no I/O), so the app stays thin and this is
unit-tested. A reply is laid out from its parts (``Reply.to_dict()["parts"]``,
see ``assistant.session.Parts``), never by taking its text apart. Every piece
of text that reaches HTML goes through ``esc``; the few tags written here are
fixed. HTML fragments are kept free of blank lines, because the chat renders
Markdown and a blank line would end a raw HTML block.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.articles import opening, role_article
from assistant.quantities import format_yuan
from assistant.render import caveat_title, quote_line
from assistant.session import CitationOut
from knowledge.numerals import article_label, chinese_to_int

UNKNOWN = "未知"
BOOL_CHOICES = ("是", "否", UNKNOWN)
MAX_HISTORY_TURNS = 20
QUOTES_ONLY = "以下为相关条款原文。"  # the lead of a reply that is only its quotes (the number guard's fallback)
_BARE_NUMBER = re.compile(r"^\s*[第(（]?\s*(\d{1,3}|[零〇一二两三四五六七八九十百]{1,5})\s*[)）]?\s*[条项]?\s*$")


def esc(text: object) -> str:
    """``text`` escaped for HTML (None -> "")."""
    return html.escape("" if text is None else str(text), quote=True)


def text_html(text: str) -> str:
    """Plain multi-line text as escaped HTML: "- " lines become a list, others a line."""
    out: list[str] = []
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(f"<li>{esc(line[2:])}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            out.append(f"<p>{esc(line)}</p>")
    if items:
        out.append(f"<ul>{''.join(items)}</ul>")
    return "".join(out)


def user_html(text: str) -> str:
    """A user's chat turn, escaped (no HTML or Markdown gets through)."""
    lines = esc(text).splitlines() or [""]
    return f'<div class="qa-user">{"<br>".join(lines)}</div>'


def draft_html(text: str) -> str:
    """An LLM's answer while it streams (escaped, greyed; the checked reply replaces it)."""
    return f'<div class="qa-draft">{text_html(text)}</div>'


def amount_text(amount_yuan: int | None) -> str:
    """"28.8万元", or "—" when there is no amount."""
    return "—" if amount_yuan is None else format_yuan(int(amount_yuan))


def eligibility_text(eligible: bool | None) -> str:
    """符合条件 / 暂不符合条件 / 待确认."""
    return {True: "符合条件", False: "暂不符合条件"}.get(eligible, "待确认")


def citation_title(citation: Mapping[str, Any]) -> str:
    """``第（十一）条「加强企业产业用房支持」``."""
    title = citation.get("title") or ""
    return article_label(int(citation["clause"])) + (f"「{title}」" if title else "")


def _quote_lines(citations: Iterable[Mapping[str, Any]]) -> set[str]:
    return {quote_line(CitationOut(int(c["clause"]), c.get("title", ""), c["quote"])) for c in citations}


def quote_details(citation: Mapping[str, Any], open_: bool = False) -> str:
    """One cited article as an expandable verbatim quote."""
    attr = " open" if open_ else ""
    return (f'<details class="qa-quote"{attr}><summary>{esc(citation_title(citation))}</summary>'
            f"<blockquote>{esc(citation['quote'])}</blockquote></details>")


def trace_details(trace: Sequence[str], open_: bool = True) -> str:
    """Every calculation step as an expandable numbered list, or "" without steps."""
    if not trace:
        return ""
    attr = " open" if open_ else ""
    steps = "".join(f"<li>{esc(step)}</li>" for step in trace)
    return (f'<details class="qa-calc"{attr}><summary>计算过程（{len(trace)}步）</summary>'
            f"<ol>{steps}</ol></details>")


def reply_html(reply: Mapping[str, Any]) -> str:
    """A reply (``Reply.to_dict()``) as the chat shows it, laid out from its parts.

    Order: the conclusion with the list it introduces, the amount, the shown calculation
    (``parts.steps``, with the step that decided the amount) and every step behind an
    expandable block, the caveats and closing sentence, then each cited article as an
    expandable verbatim quote. A reply without parts shows its answer text as it is.
    """
    parts = reply.get("parts")
    citations = list(reply.get("citations") or [])
    trace = trace_details(list(reply.get("trace") or []), open_=False)
    quotes = [quote_details(c) for c in citations]
    if not parts:
        return _reply_div([f'<div class="qa-answer">{text_html(reply.get("answer", ""))}</div>', trace, *quotes])
    out = [f'<div class="qa-answer">{_lead_html(parts)}</div>']
    # Only for one amount: the arithmetic of several items, unlabelled, would read as one sum.
    if reply.get("route") == "rules" and reply.get("amount_yuan") is not None:
        out.append(f'<div class="qa-amount">测算金额：<b>{esc(amount_text(reply["amount_yuan"]))}</b>'
                   f" · {esc(eligibility_text(reply.get('eligible')))}</div>")
        if parts.get("steps"):
            out.append(f'<div class="qa-formula">计算：{_list_html(parts["steps"])}</div>')
    out.append(trace)
    rest = _caveats_html(parts) + (f"<p>{esc(parts['closing'])}</p>" if parts.get("closing") else "")
    if rest:
        out.append(f'<div class="qa-answer">{rest}</div>')
    return _reply_div([*out, *quotes])


def _reply_div(pieces: Sequence[str]) -> str:
    return f'<div class="qa-reply">{"".join(pieces)}</div>'


def _list_html(lines: Sequence[str]) -> str:
    return f"<ul>{''.join(f'<li>{esc(line)}</li>' for line in lines)}</ul>" if lines else ""


def _lead_html(parts: Mapping[str, Any]) -> str:
    """The notes and the conclusion (an LLM's text may hold "- " lists), then the list it introduces."""
    lead = "\n".join(line for line in [*parts.get("notes", []), parts.get("conclusion", "")] if line)
    listing = _list_html(parts.get("listing") or [])
    return (text_html(lead) + listing) or f"<p>{esc(QUOTES_ONLY)}</p>"


def _caveats_html(parts: Mapping[str, Any]) -> str:
    caveats = parts.get("caveats") or []
    return f"<p>{esc(caveat_title(parts.get('layout', '')))}</p>{_list_html(caveats)}" if caveats else ""


def standard_reply(reply: Mapping[str, Any], office: str) -> str:
    """A plain-text reply hotline staff can copy: the answer, then any quote it lacks."""
    answer = reply.get("answer", "").strip()
    missing = [line for line in sorted(_quote_lines(reply.get("citations") or [])) if line not in answer]
    parts = [answer, *(["政策原文：", *missing] if missing else [])]
    parts.append(f"如需进一步咨询，请联系{office}。")
    return "\n\n".join(part for part in parts if part)


# -- articles ---------------------------------------------------------------


def article_number(query: str, parse_ref) -> int | None:
    """The article a search names: "17", "十七", "（十七）", "第十七条" -> 17; else None.

    Args:
        query: the search box text.
        parse_ref: ``knowledge.lookup.parse_article_ref`` (raises ArticleOutOfRange).
    """
    match = _BARE_NUMBER.match(unicodedata.normalize("NFKC", query))
    number = _numeral(match.group(1)) if match else None
    if number is not None:  # checked for range the same way as "第N条"
        return parse_ref(f"第{number}条")
    return parse_ref(query)


def _numeral(text: str) -> int | None:
    try:
        return chinese_to_int(text)
    except ValueError:  # "四七": no number
        return None


def search_terms(query: str) -> list[str]:
    """The words of a keyword search to show in bold ("算力 补贴" -> ["算力", "补贴"]); one-character words are left out."""
    words = re.split(r"[\s,，、;；。？?!！]+", unicodedata.normalize("NFKC", query or ""))
    return sorted(dict.fromkeys(w for w in words if len(w) >= 2), key=len, reverse=True)  # longest first


def _bold_terms(text: str, terms: Sequence[str]) -> str:
    """``text`` escaped, every occurrence of a term wrapped in <b class="qa-kw">."""
    if not terms:
        return esc(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(f'{esc(text[last:match.start()])}<b class="qa-kw">{esc(match.group())}</b>')
        last = match.end()
    return "".join(out) + esc(text[last:])


def highlight(text: str, sentence: str | None, terms: Sequence[str] = ()) -> str:
    """``text`` escaped, the first occurrence of ``sentence`` in <mark>, each term in bold."""
    if not sentence or sentence not in text:
        return _bold_terms(text, terms)
    head, _, tail = text.partition(sentence)
    return f"{_bold_terms(head, terms)}<mark>{_bold_terms(sentence, terms)}</mark>{_bold_terms(tail, terms)}"


def article_html(article, sentence: str | None = None, score: float | None = None,
                 terms: Sequence[str] = ()) -> str:
    """One article: label, title and chapter, then its verbatim text (a sentence highlighted, terms in bold)."""
    extra = f' <span class="qa-score">相关度 {score:.3f}</span>' if score is not None else ""
    return (f'<div class="qa-article" id="article-{article.number}">'
            f"<h3>{esc(article.label)}「{esc(article.title)}」{extra}</h3>"
            f'<div class="qa-chapter">{esc(article.chapter)}</div>'
            f"<p>{highlight(article.text, sentence, terms)}</p></div>")


def hits_html(policy, hits: Sequence[Any], query: str = "") -> str:
    """Search hits, best first, each article with its matching sentence highlighted and the query's words in bold."""
    if not hits:
        return '<div class="qa-note">没有找到相关条款，请换个关键词，或输入条款编号（如“第十七条”）。</div>'
    cards, terms = [], search_terms(query)
    for rank, hit in enumerate(hits, 1):
        sentence = _sentence_text(policy, hit.sentence_id) or hit.snippet
        cards.append(f'<div class="qa-hit"><div class="qa-rank">#{rank}</div>'
                     f"{article_html(policy.article(hit.clause), sentence, hit.score, terms)}</div>")
    return "".join(cards)


def _sentence_text(policy, sentence_id: str) -> str | None:
    try:
        return policy.sentence(sentence_id).text
    except (KeyError, ValueError):
        return None


def chapters_html(policy) -> str:
    """Every article, grouped by chapter, each an expandable verbatim text."""
    parts = []
    for chapter in policy.chapters:
        parts.append(f'<div class="qa-chapter-head">{esc(chapter.heading)}</div>')
        for number in chapter.articles:
            article = policy.articles[number]
            parts.append(f'<details class="qa-toc"><summary>{esc(article.label)}「{esc(article.title)}」'
                         f"</summary><p>{esc(article.text)}</p></details>")
    return f'<div class="qa-chapters">{"".join(parts)}</div>'


def article_choices(policy) -> list[tuple[str, int]]:
    """(display, number) pairs for a dropdown: "三、拓展产业发展空间 ｜ 第（十一）条 加强企业产业用房支持"."""
    return [(f"{policy.articles[n].chapter} ｜ {policy.articles[n].label} {policy.articles[n].title}", n)
            for chapter in policy.chapters for n in chapter.articles]


# -- calculator -------------------------------------------------------------


def parse_history(history: Any) -> list[str]:
    """Earlier user turns from the API's ``history`` argument.

    Accepts None/"", a list of strings, a list of ``{"role", "content"}``
    messages (user turns kept), or the JSON text of either list. Any other
    string counts as one earlier turn.

    Raises:
        TypeError: ``history`` is not a list (nor the JSON text of one).
        ValueError: a message that is neither text nor a message object, or
            more than ``MAX_HISTORY_TURNS`` turns.
    """
    if history is None or (isinstance(history, str) and not history.strip()):
        return []
    if isinstance(history, str):
        try:
            history = json.loads(history)
        except json.JSONDecodeError:
            return [history]
        if isinstance(history, str):
            return [history]
    if not isinstance(history, list):
        raise TypeError("history 应为此前用户提问的列表（或其 JSON 文本），例如 [\"我们租了800平米\"]。")
    turns = [_user_turn(turn) for turn in history]
    turns = [turn for turn in turns if turn is not None]
    if len(turns) > MAX_HISTORY_TURNS:
        raise ValueError(f"history 最多 {MAX_HISTORY_TURNS} 轮，请只保留最近的提问。")
    return turns


def _user_turn(turn: Any) -> str | None:
    if isinstance(turn, str):
        return turn
    if isinstance(turn, dict) and isinstance(turn.get("content"), str):
        return turn["content"] if turn.get("role", "user") == "user" else None
    raise ValueError("history 的每一项应为文字，或 {\"role\": \"user\", \"content\": \"…\"}。")


# -- about ------------------------------------------------------------------


def about_html(policy, items: Sequence[Any], office: str, scope: str) -> str:
    """The policy's title and status, its unfilled dates, what the assistant covers, the office."""
    by_clause: dict[int, list[str]] = {}
    for item in items:
        by_clause.setdefault(item.clause, []).append(item.name)
    rows = "".join(
        f"<tr><td>{esc(a.label)}</td><td>{esc(a.title)}</td>"
        f"<td>{esc('、'.join(by_clause.get(a.number, [])) or '条文查询')}</td></tr>"
        for a in policy.articles.values())
    dates = role_article(policy, "dates")  # its opening sentence says from when, and until when
    date_quote = f"<blockquote>{esc(opening(policy.article(dates)))}</blockquote>" if dates is not None else ""
    return (f'<div class="qa-about"><h2>{esc(policy.title)}</h2>'
            f'<p><span class="qa-status">{esc(policy.status)}</span> '
            f"本措施目前为{esc(policy.status)}，施行日期与有效期尚未填写（原文为“****年*月*日”），"
            f"请以正式发布的文件为准。</p>{date_quote}"
            f"<h3>助手能做什么</h3><p>{esc(scope)}</p>"
            f"<p>共 {len(policy.articles)} 条措施，其中 {len(by_clause)} 条设有补贴或奖励项目（共 {len(items)} 项，"
            "可在“计算器”中逐项测算），其余条款提供原文查询。回答只依据政策原文与确定的计算规则，金额以主管部门审核和当年发布的申请指南为准。</p>"
            f'<table class="qa-cover"><tr><th>条款</th><th>标题</th><th>可测算项目</th></tr>{rows}</table>'
            f"<h3>负责解释单位</h3><p>{esc(office)}</p></div>")
