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
from assistant.quantities import format_yuan
from assistant.session import CitationOut, Reply, Session
from knowledge.numerals import article_label

NAMED_SCORE = 2  # a listed item may be named by two characters of keyword ("展会", "房租")
_JOIN = re.compile(r"和|与|及|、|以及|跟|加上|还有")
LIST_GAP = 8  # characters between two items' names that a joining word may stand in


def named_in_order(asst, text: str) -> list[str]:
    """Items of different kinds named clearly in ``text``, in the order they first appear."""
    return [item for item, _ in _mentions(asst, text)]


def _mentions(asst, text: str) -> list[tuple[str, tuple[int, int]]]:
    """(item, span of its first keyword) for the items named clearly, in order, one per place."""
    first: dict[str, tuple[int, int]] = {}
    for score, item_id in router.score_items(text, asst.items):
        if score < NAMED_SCORE:
            continue
        spec = asst.rules.get_item(item_id)
        spans = [s for k in spec.keywords for s in router.keyword_spans(k, text)]
        if spans:
            first[item_id] = min(spans)
    for item in asst.items:  # "垂类模型及数据集奖励" is one item's name, not a list of two
        at = text.find(item.name)
        if at >= 0:
            first = {i: span for i, span in first.items()
                     if i == item.id or not (at <= span[0] and span[1] <= at + len(item.name))}
            first.setdefault(item.id, (at, at + len(item.name)))
    out: list[tuple[str, tuple[int, int]]] = []  # one item per place: "独角兽" names (七) and (十三) at once
    for item_id in sorted(first, key=first.get):
        if all(first[item_id][0] >= span[1] or first[item_id][1] <= span[0] for _, span in out):
            out.append((item_id, first[item_id]))
    return out


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
        listed = listed or (len(gap) <= LIST_GAP and bool(_JOIN.search(gap)))
    return [item for item, _ in mentions] if listed else []


def answer_named(asst, session: Session, text: str, items: list[str], extra: list[str]) -> Reply:
    """One line per item, in the order named: its amount when the facts decide it, else its rule."""
    lines, citations, trace, amounts = [], [], [], []
    for item_id in items:
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
    answer = compose.join_blocks([
        "\n".join([*extra, "您问到的各项，按提问的顺序："]),
        compose.bullet(lines),
        compose.section("说明：", [compose.REPLIES["budget_caveat"], compose.REPLIES["draft_caveat"]]),
    ])
    route = "rules" if amounts else "lookup"
    return Reply(answer=answer, route=route, citations=citations, trace=trace)
