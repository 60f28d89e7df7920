"""One handler per act (``assistant.dispatch``): each takes the read ``Turn`` and returns a guarded Reply.

Handlers write to the session only what their answer rests on (the item answered, the facts
stated for it); the number guard (``Assistant.guarded``) checks every answer that quotes or
computes.
"""

from __future__ import annotations

from assistant import compose, router
from assistant.articles import role_article
from assistant.citing import (
    article_citation,
    article_sentences,
    chapter_openings,
    has_money,
    item_citation,
    retrieval_citations,
)
from assistant.named_items import answer_named
from assistant.overview import answer_overview, answer_several
from assistant.scope import answer_scope
from assistant.session import CitationOut, Reply


def empty(turn) -> Reply:
    return Reply.from_parts(compose.smalltalk_parts(opening=compose.REPLIES["empty"]), route="smalltalk")


def garbage(turn) -> Reply:
    """Binary junk: a clear reply, and nothing read from it into the session."""
    return Reply.from_parts(compose.plain_parts(compose.REPLIES["garbage"] + compose.REPLIES["scope"]),
                            route="smalltalk")


def closing(turn) -> Reply:
    return Reply.from_parts(compose.plain_parts(compose.REPLIES[turn.closing]), route="smalltalk")


def smalltalk(turn) -> Reply:
    """A greeting, or what the assistant can do."""
    extra = [] if turn.asks_help else turn.extra
    return turn.asst.guarded(turn.session, Reply.from_parts(compose.smalltalk_parts(extra), route="smalltalk"))


def data(turn) -> Reply:
    """A ``key=value`` turn: its items computed from its facts, or the article of the role it asks."""
    asst, session, m = turn.asst, turn.session, turn.machine
    if m.problems:  # the checks' own limits are their source, as in a rules turn's trace
        parts = compose.plain_parts("\n".join([*m.problems, compose.REPLIES["data_retry"]]), turn.extra)
        return asst.guarded(session, Reply.from_parts(parts, route="clarify", trace=list(m.problems)))
    session.facts.update(m.facts)
    if len(m.items) >= 2:
        return asst.guarded(session, answer_named(asst, session, "", m.items, turn.extra))
    if m.items:
        from assistant.rules_turn import answer_rules_turn

        return asst.guarded(session, answer_rules_turn(asst, session, "", m.items[0], turn.extra))
    scoped = answer_scope(asst, m.industry, turn.extra) if m.asks == "scope" and m.industry else None
    if scoped is not None:
        return asst.guarded(session, scoped)
    number = 0 if m.asks == "preamble" else role_article(asst.policy, m.asks) if m.asks else None
    if number is not None:
        return lookup(turn, article_sentences(asst, number, m.industry))
    return overview(turn) if m.facts else which_item(turn)


def out_of_range(turn) -> Reply:
    return Reply.from_parts(compose.out_of_range_parts(len(turn.asst.policy.articles), turn.extra), route="lookup")


def out_of_scope(turn) -> Reply:
    """A polite decline pointing to the office; only the notice of ignored instructions goes before it."""
    lead = [e for e in turn.extra if e == compose.REPLIES["injection"]]
    return Reply.from_parts(compose.out_of_scope_parts(lead), route="out_of_scope")


def scope(turn) -> Reply:
    """"做新能源电池的企业能适用吗": yes, no or undecided, from the scope article; without a line of
    business named ("支持哪些行业"), the scope article's sentence asked about."""
    if turn.scope_answer is None:
        return topic(turn)
    return turn.asst.guarded(turn.session, turn.scope_answer)


def overview(turn) -> Reply:
    return turn.asst.guarded(turn.session, answer_overview(turn.asst, turn.session, turn.text, turn.extra))


def several(turn) -> Reply:
    """Items asked about together, each in the order named; or several items the figures decide."""
    asst, session = turn.asst, turn.session
    if turn.listed_items:
        reply = answer_named(asst, session, turn.text, turn.listed_items, turn.extra)
    else:
        results, facts = turn.computed_items
        session.facts.update(facts)
        reply = answer_several(results, turn.extra)
    return asst.guarded(session, reply)


def compute(turn) -> Reply:
    """An amount or eligibility worked out by the rule engine, with items named as strongly beside it."""
    from assistant.rules_turn import answer_rules_turn  # it imports the reading layer

    asst = turn.asst
    reply = answer_rules_turn(asst, turn.session, turn.text, turn.item, turn.extra)
    related = [item_citation(asst, other) for other in asst._tied_items(turn.text, turn.item)]
    if related and reply.route == "rules":
        compose.add_related(reply, related)
    return asst.guarded(turn.session, reply)


def article(turn) -> Reply:
    """The whole article named by number, or by topic with "全文"."""
    number = turn.article if turn.article is not None else turn.topic
    return lookup(turn, [article_citation(turn.asst, number)], whole=True)


def topic(turn) -> Reply:
    """The sentence of a topic article asked about; a stacking question adds the awards it names."""
    asst, text = turn.asst, turn.text
    citations = article_sentences(asst, turn.topic, text)
    if router.strong_topic(text):  # "…两个奖能同时拿吗": the stacking rule, then the awards named
        citations += [item_citation(asst, i) for i in asst._named_items(text) if i]
    return lookup(turn, citations)


def source(turn) -> Reply:
    """"这是哪一条规定的？": the clause of the item answered before."""
    return lookup(turn, [item_citation(turn.asst, turn.session.item)], item=turn.session.item)


def rule(turn) -> Reply:
    """The item's rule quoted (with a correction when the turn states a figure the clause lacks); its
    whole article when that is asked ("引进龙头企业那一条具体讲了什么")."""
    if router.contains_any(turn.text, router.WHOLE_ARTICLE_WORDS):
        clause = turn.asst.rules.get_item(turn.item).clause
        return lookup(turn, [article_citation(turn.asst, clause)], whole=True)
    return lookup(turn, retrieval_citations(turn.asst, turn.text, turn.item), item=turn.item)


def chapter(turn) -> Reply:
    citations = chapter_openings(turn.asst, turn.chapter)
    parts = compose.chapter_parts(turn.chapter.heading, citations, turn.extra)
    return turn.asst.guarded(turn.session, Reply.from_parts(parts, route="lookup", citations=citations))


def which_item(turn) -> Reply:
    return Reply.from_parts(compose.plain_parts(compose.REPLIES["which_item"], turn.extra), route="clarify",
                            missing=["item"])


def question(turn) -> Reply:
    """An open question about the policy: the articles retrieval finds, or a decline when none."""
    citations = retrieval_citations(turn.asst, turn.text, None)
    return lookup(turn, citations) if citations else out_of_scope(turn)


def lookup(turn, citations: list[CitationOut], whole: bool = False, item: str | None = None) -> Reply:
    """Quote ``citations``, the main one first; corrections, open values and the facts still needed."""
    asst, session, text = turn.asst, turn.session, turn.text
    extra = turn.extra + asst.corrections(text, citations[0].clause, item=item)
    notes = []
    if (router.asks_how_much(text) or router.contains_any(text, router.MONEY_YES_NO)) \
            and not has_money(citations[0].quote):
        notes.append(compose.REPLIES["no_amount"])
    asks = fact_questions(asst, item) if item and not whole else []
    parts = compose.lookup_parts(citations, extra, whole_article=whole, notes=notes, asks=asks)
    session.item = item
    if item:  # "配套资助怎么规定？我们获得资助950万": the figures stated count for the next turn
        asst._remember(session, text, item)
    return asst.guarded(session, Reply.from_parts(parts, route="lookup", citations=citations))


def fact_questions(asst, item: str) -> list[str]:
    """The facts this item still needs, as questions for the user."""
    from rules.facts import FACTS, plain_description

    missing = asst.rules.compute(item, {}).missing
    return [plain_description(name) if name in FACTS else name for name in missing]
