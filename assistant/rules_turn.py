"""A rules turn: gather the facts, ask the rule engine, compose and cite.

Amounts come only from ``rules.compute``; the one piece of arithmetic done
here (a total over the years of a yearly item, asked as a total) is written
into the trace like any rule step, so the number guard sees where it came from.
"""

from __future__ import annotations

import logging
import re

from assistant import compose, router
from assistant.articles import opening, stacking_sentence
from assistant.facts import extract_facts, fact_labels, merge_facts
from assistant.quantities import format_yuan
from assistant.reading.derive import derive
from assistant.reading.several import combine_results
from assistant.session import CitationOut, Reply, Session
from knowledge.numerals import article_label
from rules.facts import FACTS, plain_description

log = logging.getLogger("assistant.rules")


def answer_rules_turn(asst, session: Session, text: str, item: str, extra: list[str]) -> Reply:
    """Answer ``text`` as a question about subsidy ``item`` in ``session``."""
    spec = asst.rules.get_item(item)
    if session.item != item:
        log.info("session %s: item %s -> %s", session.id, session.item, item)
    session.item = item
    update = _facts_with_self_correction(text, spec.inputs)
    problems = list(update.errors) + list(update.conflicts)
    if problems:
        return _fact_problem_reply(asst, spec, problems, extra)
    merge_facts(session.facts, update)
    _remember_projects(session, spec, update)
    derivation = derive(session.facts, session.derived, set(update.facts), update.raw, fact_labels())
    if derivation.questions:
        return _fact_problem_reply(asst, spec, derivation.questions, extra)
    names = {i.name for i in spec.inputs}
    steps = [f"由您提供的数字推算：{step}" for step in derivation.steps] if names & set(derivation.facts) else []
    notes = list(update.notes) + derivation.notes + steps + _earlier_award(session, spec, text, update.facts)
    reply = _computed_reply(asst, session, text, spec, extra + notes, update.unknown)
    reply.trace[:0] = notes  # the reading's own arithmetic, a source for the number guard
    return reply


def _computed_reply(asst, session: Session, text: str, spec, extra: list[str], unknown=()) -> Reply:
    """Compute the item on the session's facts; ask for what is missing or said without a figure."""
    facts = {i.name: session.facts[i.name] for i in spec.inputs if i.name in session.facts}
    try:
        result = _compute(asst, spec.id, facts, session.projects.get(spec.id))
    except ValueError as exc:  # rules.errors.InvalidFact is a ValueError
        return _fact_problem_reply(asst, spec, [str(exc)], extra)
    result.missing += [n for n in unknown if n not in facts and n not in result.missing]
    citations = _citations(asst, result)
    extra = extra + asst.corrections(text, result.clause, facts, item=spec.id)
    if result.missing:
        return _clarify_reply(spec, result, citations, extra)
    if result.amount_yuan is not None:
        session.awards[spec.id] = result.amount_yuan
    wants_total, years = _asked_total(session, text)
    return _result_reply(result, citations, extra, wants_total, years)


def _asked_total(session: Session, text: str) -> tuple[bool, int | None]:
    """Whether the turn asks a total over years, and over how many. A turn that asks nothing of its
    own ("更正一下，一年的利息是26万") keeps the question of the turn before it."""
    if router.asks_amount(text) or router.wants_total(text) or router.looks_like_question(text):
        wants = router.wants_total(text)
        session.total_years = (router.total_years(text) or 0) if wants else None
        return wants, router.total_years(text) if wants else None
    if session.total_years is None:
        return False, None
    return True, session.total_years or None


def _remember_projects(session: Session, spec, update) -> None:
    """Several projects named in this turn replace the item's single figure, and the other way round."""
    names = {i.name for i in spec.inputs}
    if update.projects and all(set(p) <= names for p in update.projects):
        session.projects[spec.id] = update.projects
        for fact in update.projects[0]:
            session.facts.pop(fact, None)
    elif names & set(update.facts) & {f for p in session.projects.get(spec.id, []) for f in p}:
        session.projects.pop(spec.id, None)


def _compute(asst, item: str, facts: dict, projects: list[dict] | None):
    """The engine's result; for several projects, one computation per project in the order said,
    each counting the matching of those before it as received (the enterprise cap), summed."""
    if not projects:
        return asst.rules.compute(item, facts)
    results, received = [], facts.get("received_matching_yuan", 0) or 0
    for project in projects:
        r = asst.rules.compute(item, {**facts, **project, "received_matching_yuan": received})
        results.append(r)
        received += r.amount_yuan or 0
    return combine_results(results)


SELF_CORRECTION = re.compile(r"(不对|说错了|更正一下|纠正一下|应该是|我说错|不是这个数)[，,。:：]?")


def _facts_with_self_correction(text: str, inputs):
    """"租了800平米，不对，是600平米": what follows the user's own correction replaces what came before."""
    update = extract_facts(text, inputs)
    marks = list(SELF_CORRECTION.finditer(text))
    if not update.conflicts or not marks:
        return update
    head, tail = text[:marks[-1].start()], text[marks[-1].end():]
    before, after = extract_facts(head, inputs), extract_facts(tail, inputs)
    if after.conflicts or after.errors or not after.facts:
        return update
    after.facts = {**before.facts, **after.facts}
    after.notes = [*before.notes, *after.notes]
    return after


RECEIVED_INPUTS = ("previous_award_yuan", "received_matching_yuan")  # "already received" amounts
AGAIN = ("再拿", "再领", "还能拿", "还能再", "又到了", "又达到", "再补", "还能补", "补差", "差额")


def _earlier_award(session: Session, spec, text: str, new_facts: dict) -> list[str]:
    """"后来营收又到了5.5亿，还能再拿多少": the award computed earlier in this chat counts as received."""
    earlier = session.awards.get(spec.id)
    names = {i.name for i in spec.inputs}
    received = next((n for n in RECEIVED_INPUTS if n in names), None)
    if (earlier is None or received is None or received in session.facts or received in new_facts
            or not router.contains_any(text, AGAIN)):
        return []
    session.facts[received] = earlier
    return [f"按前面测算的{format_yuan(earlier)}计为已获得的奖励，按差额计算。"]


def _citations(asst, result) -> list[CitationOut]:
    """The item's article, then the stacking article's budget sentence (every amount is subject to it)."""
    main = CitationOut(result.citation.clause, result.citation.title, result.citation.quote)
    stacking = stacking_sentence(asst.policy, asst.rules)
    if stacking is None:
        return [main]
    number, quote = stacking
    return [main, CitationOut(number, asst.policy.article(number).title, quote)]


def _clarify_reply(spec, result, citations, extra) -> Reply:
    asks = [plain_description(name) if name in FACTS else name for name in result.missing]
    parts = compose.clarify_parts(result, asks, citations[:1], extra)
    return Reply.from_parts(parts, route="clarify", citations=citations[:1], missing=list(result.missing),
                            item=result.item, eligible=None)


def _result_reply(result, citations, extra, wants_total: bool, years: int | None = None) -> Reply:
    total = total_step = None
    if wants_total and result.per_year and result.years and result.amount_yuan is not None:
        years = min(years or result.years, result.years)  # never past the policy's own duration
        total = result.amount_yuan * years
        total_step = f"{format_yuan(result.amount_yuan)}/年 × {years}年 = {format_yuan(total)}"
    parts = compose.rules_parts(result, citations, extra, total, total_step)
    trace = [step.text for step in result.trace] + ([total_step] if total_step else [])
    return Reply.from_parts(
        parts, route="rules", citations=citations,
        amount_yuan=total if total is not None else result.amount_yuan,
        eligible=result.eligible, item=result.item, trace=trace, missing=[],
    )


def _fact_problem_reply(asst, spec, problems: list[str], extra: list[str]) -> Reply:
    """Bad or contradictory facts: say what is wrong, change nothing, ask again."""
    article = asst.policy.article(spec.clause)
    citations = [CitationOut(spec.clause, article.title, opening(article))]
    ask = f"请核对后重新告诉我，我会按{article_label(spec.clause)}为您测算{spec.name}。"
    parts = compose.plain_parts("\n".join([*problems, ask]), extra)
    # the range limits in these messages come from the rule engine's checks: they are part of its trace
    return Reply.from_parts(parts, route="clarify", citations=citations, item=spec.id, trace=list(problems))
