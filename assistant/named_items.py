"""Several items asked about in one question ("租金补贴和担保费补贴分别怎么算？"): each answered, in
the order named, the first named cited first.

An item counts as named when its keywords cover at least ``NAMED_SCORE`` characters of the turn
and the items are joined as a list ("和", "与", "、", "以及", "还有", "分别", "各"). Each item is
computed on the facts gathered so far when they suffice; otherwise its rule is quoted.
"""

from __future__ import annotations

import re
from itertools import pairwise

from assistant import compose, router
from assistant.articles import role_article
from assistant.citing import focus_citation
from assistant.quantities import format_yuan
from assistant.session import CitationOut, Parts, Reply, Session
from assistant.text_clauses import split_clauses
from knowledge.numerals import article_label

NAMED_SCORE = 2  # a listed item may be named by two characters of keyword ("展会", "房租")
_JOIN = re.compile(r"和|与|及|、|以及|跟|加上|还有")
LIST_GAP = 8  # characters between two items' names that a joining word may stand in
_NEXT_ITEM = re.compile(r"[，,；;]\s*(?:还有|以及|另外|再有|加上)")  # "…的奖励，还有给高管团队的奖励"
ARTICLE = "article:"  # a topic article listed beside items (asks_several), not a rule item


def named_in_order(asst, text: str) -> list[str]:
    """Items of different kinds named clearly in ``text``, in the order they first appear."""
    return [item for item, _ in _mentions(asst, text)]


def _mentions(asst, text: str) -> list[tuple[str, tuple[int, int]]]:
    """(item, span of its keyword) for the items named clearly, in order, one per place: where names
    overlap, the longest wins ("算力平台建设" is the platform's, not "算力" of the purchase; "垂类模型及
    数据集奖励" is one item's name, not a list of two), and an item named only inside another named
    item's condition does not count."""
    spans_of: dict[str, list[tuple[int, int]]] = {}
    for score, item_id in router.score_items(text, asst.items):
        if score >= NAMED_SCORE:
            spans_of[item_id] = [s for k in asst.rules.get_item(item_id).keywords for s in router.keyword_spans(k, text)]
    for item in asst.items:
        at = text.find(item.name)
        if at >= 0:
            spans_of.setdefault(item.id, []).append((at, at + len(item.name)))
    spans_of.update(_topic_mentions(asst, text))
    first = _without_conditions_of_others(asst, text, _one_per_place(spans_of))
    clauses = {asst.rules.get_item(i).clause for i in first if not i.startswith(ARTICLE)}
    first = {i: span for i, span in first.items() if not (i.startswith(ARTICLE) and int(i[len(ARTICLE):]) in clauses)}
    return sorted(first.items(), key=lambda pair: pair[1])


def _topic_mentions(asst, text: str) -> dict[str, list[tuple[int, int]]]:
    """Articles named by a topic word ("人才住房" of (十六), "孵化器" of (八)), as ``article:N``: listed with
    items, they are quoted beside them. Not the preamble nor the scope, stacking and dates articles,
    which a question asks about on their own."""
    roles = {0, *(role_article(asst.policy, r) for r in ("scope", "stacking", "dates"))}
    out: dict[str, list[tuple[int, int]]] = {}
    for number, words in router.TOPICS.items():
        if int(number) not in roles:
            spans = [s for w in words if len(w) >= 2 for s in router.keyword_spans(w, text)]
            if spans:
                out[f"{ARTICLE}{int(number)}"] = spans
    return out


def _one_per_place(spans_of: dict[str, list[tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    """Each item's longest span that overlaps no longer one already taken; ties go to the better
    scored item ("独角兽" names (七) and (十三) at once: one of them)."""
    candidates = sorted(((item, span) for item, spans in spans_of.items() for span in spans),
                        key=lambda pair: pair[1][0] - pair[1][1])  # stable: score order within a length
    taken: dict[str, tuple[int, int]] = {}
    for item, (start, end) in candidates:
        if item not in taken and all(start >= b or end <= a for a, b in taken.values()):
            taken[item] = (start, end)
    return {item: min(s for s in spans_of[item] if s == span or not _overlaps_any(s, taken, item))
            for item, span in taken.items()}  # where each is first named, clear of the others


def _overlaps_any(span: tuple[int, int], taken: dict, item: str) -> bool:
    return any(not (span[0] >= b or span[1] <= a) for other, (a, b) in taken.items() if other != item)


def _without_conditions_of_others(asst, text: str, first: dict) -> dict:
    """Drop an item named only inside a phrase that states another named item's condition
    ("认定的软件园租了1000平": the rent's park, not the software-park award)."""
    held = {item: asst.condition_spans(text, item) for item in first if not item.startswith(ARTICLE)}
    return {item: span for item, span in first.items()
            if not any(a <= span[0] and span[1] <= b for other, spans in held.items() if other != item
                       for a, b in spans)}


def asks_several(asst, text: str) -> list[str]:
    """The items when the turn asks about two or more of them together, else [].

    Together means listed: a joining word right between two items' names ("租金补贴和担保费补贴"),
    or a word asking for each ("分别", "各").
    """
    mentions = _mentions(asst, text)
    if len(mentions) < 2 or not (router.asks_amount(text) or router.asks_rule(text) or router.looks_like_question(text)):
        return []
    listed = router.contains_any(text, ("分别", "各是", "各自", "各能", "各多少", "各有", "各项"))
    for (_, a), (_, b) in pairwise(mentions):
        gap = text[a[1]:b[0]]
        listed = listed or (len(gap) <= LIST_GAP and bool(_JOIN.search(gap))) or (
            bool(_NEXT_ITEM.search(gap)) and _asks_of_all(asst, text))
    named = [item for item, _ in mentions]
    return named if listed and not all(i.startswith(ARTICLE) for i in named[:1]) else []


def _asks_of_all(asst, text: str) -> bool:
    """The last clause asks without naming an item ("…，还有给高管团队的奖励，都怎么规定的"): of all those
    named before it, not of one ("…另外今年营收首次突破了1亿元。想问一下房租补贴每年有多少？")."""
    clauses = [c for c in split_clauses(text) if c.strip()]
    return bool(clauses) and not router.score_items(clauses[-1], asst.items)


def answer_named(asst, session: Session, text: str, items: list[str], extra: list[str]) -> Reply:
    """One line per item, in the order named: its amount when the facts decide it, else its rule."""
    lines, citations, trace, amounts = [], [], [], []
    for item_id in items:
        if item_id.startswith(ARTICLE):  # a topic article listed with the items: its sentence asked about
            quote = focus_citation(asst, int(item_id[len(ARTICLE):]), text)
            citations.append(quote)
            lines.append(f"{article_label(quote.clause)}「{quote.title}」：“{quote.quote}”")
            continue
        spec = asst.rules.get_item(item_id)
        facts = {**session.facts, **asst._facts_for(text, item_id)}
        result = asst.rules.compute(item_id, {i.name: facts[i.name] for i in spec.inputs if i.name in facts})
        quote = CitationOut(result.citation.clause, result.citation.title, result.citation.quote)
        citations.append(quote)
        if result.amount_yuan is not None and not result.missing:
            per = "每年" if result.per_year else ""
            lines.append(f"{article_label(result.clause)}「{result.title}」{result.name}：{per}{format_yuan(result.amount_yuan)}")
            trace += [s.text for s in result.trace]
            amounts.append(result.amount_yuan)
        else:
            lines.append(f"{article_label(result.clause)}「{result.title}」{result.name}：“{result.citation.quote}”")
    parts = Parts(layout="list", notes=list(extra), conclusion="您问到的各项，按提问的顺序：", listing=lines,
                  caveats=[compose.REPLIES["budget_caveat"], compose.REPLIES["draft_caveat"]])
    route = "rules" if amounts else "lookup"
    return Reply.from_parts(parts, route=route, citations=citations, trace=trace)
