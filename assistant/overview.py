""""What can we apply for?": the policy at a glance, or the matcher over the user's facts.

With facts about the enterprise (area rented, revenue, funding, titles …) the
rule engine's ``match`` lists every item they may claim, each with its amount
or bound; without any, the answer lists the chapters and articles and asks for
the facts that would let it compute.
"""

from __future__ import annotations

from assistant import compose
from assistant.articles import opening, role_article
from assistant.quantities import format_yuan
from assistant.session import CitationOut, Parts, Reply, Session
from knowledge.numerals import article_label


def answer_overview(asst, session: Session, text: str, extra: list[str]) -> Reply:
    """Answer an overview question, matched against the facts gathered so far."""
    update = asst.read_freely(text)
    if not (update.errors or update.conflicts):
        session.facts.update(update.facts)
    results = [r for r in asst.rules.match(session.facts) if r.eligible is not False] if session.facts else []
    if results:
        return answer_several(results, extra + list(update.notes))
    return _catalogue(asst, extra)


def all_inputs(rules) -> list:
    """Every input of every item, once per fact name."""
    seen: dict[str, object] = {}
    for item in rules.list_items():
        for spec in item.inputs:
            seen.setdefault(spec.name, spec)
    return list(seen.values())


def several_items(asst, text: str) -> list:
    """Items this one turn gives figures for ("利息五十万，担保费二十万，分别能补多少"), when there are two or more.

    The caller keeps the turn's facts (``asst.read_freely(text).facts``) when it answers with them."""
    update = asst.read_freely(text)
    figures = {k: v for k, v in update.facts.items() if not isinstance(v, bool | str)}
    if len(figures) < 2 or update.errors or update.conflicts:
        return []
    computed = [r for r in asst.rules.match(update.facts) if r.amount_yuan is not None]
    return computed if len(computed) >= 2 else []


def answer_several(results, extra: list[str]) -> Reply:
    """One line per item, each with its amount or bound, then the caveats."""
    lines = [f"{article_label(r.clause)} {r.name}：{_amount(r)}" for r in results]
    notes = sorted({note for r in results for note in getattr(r, "notes", [])})
    parts = Parts(layout="list", notes=list(extra), listing=lines,
                  conclusion="按您提供的情况，可能适用以下支持（逐项条件以条款原文为准）：",
                  caveats=[*notes, compose.REPLIES["budget_caveat"], compose.REPLIES["draft_caveat"]],
                  closing=compose.REPLIES["ask_item"])
    citations = [CitationOut(r.citation.clause, r.citation.title, r.citation.quote) for r in results]
    trace = [step.text for r in results for step in r.trace]
    return Reply.from_parts(parts, route="rules", citations=citations, trace=trace)


def _amount(result) -> str:
    if result.amount_yuan is not None:
        per = "每年" if result.per_year else ""
        return f"{per}{format_yuan(result.amount_yuan)}"
    if result.bound_yuan is not None:
        return f"最高{format_yuan(result.bound_yuan)}"
    return "金额未明确"


def _catalogue(asst, extra: list[str]) -> Reply:
    blocks = []
    for chapter in asst.policy.chapters:
        titles = "、".join(f"{article_label(n)}{asst.policy.article(n).title}" for n in chapter.articles)
        blocks.append(f"{chapter.title}：{titles}")
    scope = role_article(asst.policy, "scope")
    citations = [] if scope is None else [CitationOut(scope, asst.policy.article(scope).title,
                                                      opening(asst.policy.article(scope)))]
    parts = Parts(layout="list", notes=list(extra), conclusion="本措施的主要支持如下（按章节）：", listing=blocks,
                  closing=compose.REPLIES["ask_profile"], quotes=citations)
    return Reply.from_parts(parts, route="lookup", citations=citations)


def wants_overview(asst, text: str, item: str | None) -> bool:
    """An overview question with no single item named, or with facts for several items."""
    if item is None:
        return True
    facts = asst.read_freely(text).facts
    return sum(1 for value in facts.values() if not isinstance(value, bool | str)) >= 2
