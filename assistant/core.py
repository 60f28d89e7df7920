"""The assistant: one turn in, one guarded reply out.

``Assistant.respond`` routes the turn, gathers facts across turns, asks the
rule engine or the retriever, composes the answer and passes it through the
number guard. Everything it needs comes in through the constructor.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Callable

from assistant import compose, router
from assistant.facts import extract_facts
from assistant.guard import AllowedNumbers, check_answer
from assistant.quantities import extract_quantities, normalize_text
from assistant.session import CitationOut, Reply, Session
from knowledge.lookup import ArticleOutOfRange, parse_article_ref

log = logging.getLogger("assistant")

INJECTION = ("忽略以上", "忽略之前", "忽略前面", "忽略所有", "无视以上", "无视之前", "ignore previous",
             "ignore all", "ignore the above", "system prompt", "系统提示", "你现在是", "扮演", "越狱")
ASSERTION = ("听说", "据说", "是不是", "对吗", "对吧", "没错吧", "不是说", "真的吗", "有人说", "网上说")


class Assistant:
    """A deterministic policy assistant (an optional LLM may phrase answers).

    Args:
        policy: the parsed policy (``knowledge.policy.Policy``).
        retriever: an object with ``search(query, k)`` returning ``knowledge`` hits.
        rules: the rule engine module or object (``list_items``, ``get_item``, ``compute``).
        llm: an optional LLM layer (``assistant.llm``); None keeps answers deterministic.
        audit: an optional audit log with ``record(session, text, reply)``.
    """

    def __init__(self, policy, retriever, rules, llm=None, audit=None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.policy = policy
        self.retriever = retriever
        self.rules = rules
        self.llm = llm
        self.audit = audit
        self.clock = clock
        self.items = list(rules.list_items())
        self._policy_text = "\n".join(a.text for a in self._all_articles())

    def new_session(self) -> Session:
        """A fresh conversation."""
        return Session()

    def respond(self, session: Session, text: Any) -> Reply:
        """Answer one turn of ``session``; never raises for bad input."""
        start = self.clock()
        try:
            reply = self._respond(session, text)
            if self.llm is not None and reply.route not in ("out_of_scope", "smalltalk"):
                reply = self._refine(session, text, reply)
        except Exception:  # a bug must cost one answer, not the conversation
            log.exception("turn failed")
            reply = Reply(answer=compose.REPLIES["garbage"] + compose.REPLIES["scope"], route="smalltalk")
        reply.latency_ms = (self.clock() - start) * 1000.0
        session.last_route = reply.route
        if self.audit is not None:
            self.audit.record(session, text if isinstance(text, str) else repr(text), reply)
        return reply

    def _refine(self, session: Session, text: Any, reply: Reply) -> Reply:
        """Let the optional LLM rephrase; any failure keeps the deterministic reply."""
        try:
            return self.llm.refine(self, session, text, reply)
        except Exception:
            log.exception("LLM layer failed; falling back to the deterministic answer")
            reply.guard_events.append("llm_fallback")
            return reply

    # -- routing ---------------------------------------------------------

    def _respond(self, session: Session, raw: Any) -> Reply:
        text, truncated = normalize_text(raw if isinstance(raw, str) else "")
        extra = [compose.REPLIES["truncated"]] if truncated else []
        if not text.strip():
            return Reply(answer=compose.REPLIES["empty"] + compose.smalltalk_answer(), route="smalltalk")
        session.user_turns.append(text)
        if router.contains_any(text.lower(), INJECTION):
            extra.append(compose.REPLIES["injection"])
        try:
            article = parse_article_ref(text)
        except ArticleOutOfRange as exc:
            return self._lookup_reply(session, text, extra + [str(exc)], article=None)
        item = self._pick_item(text, session, article)
        if item and self._is_rules_turn(text, session, item, article):
            return self._rules_reply(session, text, item, extra)
        if article is not None:
            return self._lookup_reply(session, text, extra, article=article)
        if router.is_smalltalk(text) and not router.mentions_domain(text):
            return self._guarded(session, Reply(answer=compose.smalltalk_answer(extra), route="smalltalk"))
        if router.looks_out_of_scope(text) or not router.mentions_domain(text):
            return self._out_of_scope(extra)
        return self._lookup_reply(session, text, extra, article=None)

    def _pick_item(self, text: str, session: Session, article: int | None) -> str | None:
        candidates = self.items if article is None else [i for i in self.items if i.clause == article]
        scored = router.score_items(text, candidates)
        if scored:
            best = scored[0][0]
            tied = [item for score, item in scored if score == best]
            return session.item if session.item in tied else tied[0]
        if article is not None and len(candidates) == 1:
            return candidates[0].id
        if session.item and article is None and self._continues(text, session):
            return session.item
        return None

    def _continues(self, text: str, session: Session) -> bool:
        """A follow-up on the current item: "那如果…呢", or new facts for it."""
        if router.is_follow_up(text):
            return True
        spec = self.rules.get_item(session.item)
        update = extract_facts(text, spec.inputs)
        return bool(update.facts or update.errors or update.conflicts)

    def _is_rules_turn(self, text: str, session: Session, item: str, article: int | None) -> bool:
        if router.asks_amount(text):
            return True
        if item == session.item and session.last_route in ("rules", "clarify"):
            return True
        if router.asks_lookup(text) or article is not None:
            return False
        spec = self.rules.get_item(item)
        return bool(extract_facts(text, spec.inputs).facts)

    # -- replies ---------------------------------------------------------

    def _rules_reply(self, session: Session, text: str, item: str, extra: list[str]) -> Reply:
        from assistant.rules_turn import answer_rules_turn  # keeps this module short

        reply = answer_rules_turn(self, session, text, item, extra)
        return self._guarded(session, reply)

    def _lookup_reply(self, session: Session, text: str, extra: list[str], article: int | None) -> Reply:
        if article is not None:
            art = self.policy.article(article)
            citations = [CitationOut(article, art.title, art.text)]
        else:
            hits = self.retriever.search(text, k=3)
            if not hits:
                return self._out_of_scope(extra)
            citations = [CitationOut(h.clause, h.title, h.snippet) for h in hits]
        if citations:
            extra = extra + self.corrections(text, citations[0].clause)
        answer = compose.lookup_answer(citations, extra, whole_article=article is not None)
        session.item = None if article is None else session.item
        return self._guarded(session, Reply(answer=answer, route="lookup", citations=citations))

    def _out_of_scope(self, extra: list[str]) -> Reply:
        lead = [e for e in extra if e == compose.REPLIES["injection"]]
        return Reply(answer="\n".join([*lead, compose.out_of_scope_answer()]), route="out_of_scope")

    def corrections(self, text: str, clause: int, facts: dict | None = None) -> list[str]:
        """Correct a user who asserts an amount the cited article does not contain.

        A claim is a money figure the user states as hearsay ("听说…1000万？") or
        asks to confirm ("…1000万吗？"), and that is not one of their own facts.
        """
        own = {v for v in (facts or {}).values() if isinstance(v, (int, float))}
        claimed = [q for q in extract_quantities(text) if q.kind == "money" and q.value not in own]
        if not claimed:
            return []
        confirms = any(re.match(r"\s*(元|块|块钱)?\s*(吗|嘛|么|？|\?)", text[q.span[1]:]) for q in claimed)
        if not (confirms or router.contains_any(text, ASSERTION)):
            return []
        article = self.policy.article(clause).text
        policy_amounts = {q.value for q in extract_quantities(article) if q.kind == "money"}
        if any(q.value not in policy_amounts for q in claimed):
            return [compose.REPLIES["correction"]]
        return []

    # -- the number guard ------------------------------------------------

    def _guarded(self, session: Session, reply: Reply, trace_numbers=(), fallback=None) -> Reply:
        """Check every number of the answer; fall back when one is unsupported."""
        allowed = self.allowed_numbers(session, reply, trace_numbers)
        result = check_answer(reply.answer, allowed)
        if result.ok:
            return reply
        events = [f"unsupported number {q.raw!r}" for q in result.unsupported]
        log.warning("number guard blocked %s", events)
        reply.guard_events.extend(events)
        safe = fallback() if fallback else None
        if safe is None or not check_answer(safe, allowed).ok:
            safe = "\n\n".join(compose.quote_line(c) for c in reply.citations) or compose.out_of_scope_answer()
        reply.answer = safe
        return reply

    def allowed_numbers(self, session: Session, reply: Reply, trace_numbers=()) -> AllowedNumbers:
        """Sources a number may come from: cited articles, the user's turns, this turn's trace."""
        texts = [self.policy.article(c.clause).text for c in reply.citations]
        texts += [c.quote for c in reply.citations]
        texts += session.user_turns
        texts += reply.trace
        return AllowedNumbers.from_sources(texts, trace_numbers)

    def _all_articles(self):
        return [self.policy.preamble, *self.policy.articles.values()]
