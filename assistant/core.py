"""The assistant: one turn in, one guarded reply out.

``Assistant.respond`` reads the turn once (``assistant.turn``), decides its act
(``assistant.dispatch``), lets that act's handler answer (``assistant.handlers``:
the rule engine or the retriever, facts gathered across turns, the reply's parts)
and passes the answer through the number guard. Everything it needs comes in
through the constructor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from assistant import compose, router
from assistant.citing import focus_citation, item_citation
from assistant.dispatch import HANDLERS, decide
from assistant.facts import extract_facts, is_claim
from assistant.guard import AllowedNumbers, check_answer
from assistant.item_routing import ItemRouting
from assistant.overview import all_inputs
from assistant.quantities import extract_quantities
from assistant.reading.tenure import tenure
from assistant.session import Reply, Session
from assistant.turn import Turn

log = logging.getLogger("assistant")

CLAIM_KINDS = ("money", "percent", "years", "rate_per_m2_month", "rate_per_m2")
# The act decided (assistant.dispatch) as the reading names it (assistant.reading.understanding).
READ_ACTS = {"closing": "smalltalk", "help": "smalltalk", "out_of_range": "article", "source": "rule",
             "which_item": "amount", "chapter": "topic"}


class Assistant(ItemRouting):
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
        self._all_inputs = all_inputs(rules)
        # One free reading of a turn (against every item's inputs) serves routing, overview and
        # corrections alike; several of them ask for it within one turn.
        self.read_freely = lru_cache(maxsize=256)(lambda text: extract_facts(text, self._all_inputs))
        policy_text = "\n".join(a.text for a in self._all_articles())
        self._policy_grams = {policy_text[i:i + 2] for i in range(len(policy_text) - 1)}

    def new_session(self) -> Session:
        """A fresh conversation."""
        return Session()

    def respond(self, session: Session, text: Any, record: bool = True) -> Reply:
        """Answer one turn of ``session``; never raises for bad input.

        ``record=False`` keeps the turn out of the audit log (a replayed history).
        """
        start = self.clock()
        try:
            reply = self._respond(session, text)
            if self._uses_llm(reply):
                reply = self._refine(session, text, reply)
        except Exception:  # a bug must cost one answer, not the conversation
            log.exception("turn failed")
            reply = self._failed_turn()
        return self._finish(session, text, reply, start, record)

    def respond_stream(self, session: Session, text: Any) -> Iterator[str | Reply]:
        """Like ``respond``, for the web app: the LLM's text so far (str), then the final Reply.

        Without an LLM this yields the final Reply only. The streamed text is not
        yet checked: a UI must replace it with the final Reply's answer.
        """
        start = self.clock()
        try:
            reply = self._respond(session, text)
            if self._uses_llm(reply):
                for out in self.llm.stream_refine(self, session, text, reply):
                    if isinstance(out, Reply):
                        reply = out
                    else:
                        yield out
        except Exception:
            log.exception("turn failed")
            reply = self._failed_turn()
        yield self._finish(session, text, reply, start)

    def _uses_llm(self, reply: Reply) -> bool:
        return self.llm is not None and reply.route not in ("out_of_scope", "smalltalk")

    def _failed_turn(self) -> Reply:
        return Reply.from_parts(compose.plain_parts(compose.REPLIES["garbage"] + compose.REPLIES["scope"]),
                                route="smalltalk")

    def _finish(self, session: Session, text: Any, reply: Reply, start: float, record: bool = True) -> Reply:
        """Latency, the session's last route and the audit record of one answered turn."""
        reply.latency_ms = (self.clock() - start) * 1000.0
        session.last_route = reply.route
        if self.audit is not None and record:
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
        """Read the turn once, decide its act, let the act's handler answer; record the reading."""
        turn = Turn.read(self, session, raw)
        act = decide(turn)
        reply = HANDLERS[act](turn)
        if turn.readable:
            reading = self.understand(session, turn, act, reply)
            reply.understood = reading.to_dict()
            reply.trace.append(reading.summary())
        return reply

    def understand(self, session: Session, turn: Turn, act: str, reply: Reply | None = None):
        """The turn's reading under the act decided; with the reply, the facts its rule item answered from."""
        from assistant.reading.understanding import understand

        if act == "data":  # what a key=value turn asks: its items computed, or an article by role
            m = turn.machine
            act = "several" if len(m.items) >= 2 else "amount" if m.items else (m.asks or "overview")
        u = understand(turn.text, self, READ_ACTS.get(act, act), turn.article, turn.topic)
        item = reply.item if reply is not None else None
        if item:
            u.items = [item] + [i for i in u.items if i != item]
            u.bind(self._known_facts(session, item))
        return u

    def policy_overlap(self, text: str) -> int:
        """How many distinct character bigrams of ``text`` (past common words) occur in the policy."""
        grams = {text[i:i + 2] for i in range(len(text) - 1)}
        return len((grams & self._policy_grams) - router.COMMON_BIGRAMS)

    def claims(self, text: str) -> list:
        """Figures the user states about the policy ("听说上市奖励1000万？"), not about their company."""
        return [q for q in extract_quantities(text) if q.kind not in ("article", "ordinal") and is_claim(text, q)]

    def corrections(self, text: str, clause: int, facts: dict | None = None, item: str | None = None) -> list[str]:
        """Correct a user who asserts a figure the cited article does not contain.

        Only hearsay or a request to confirm counts ("听说…1000万？", "…5年对吗");
        the correction quotes the sentence of the article closest to the claim.
        """
        if not router.asserts(text):
            return []
        own_facts = self._facts_for(text, item) if item else self.read_freely(text).facts
        read = {**own_facts, **(facts or {})}
        own = {abs(v) for v in read.values() if isinstance(v, int | float) and not isinstance(v, bool)}
        history = tenure(text)[1] or (0, 0)  # "在光明经营十多年了": the enterprise's own past
        claimed = [q for q in extract_quantities(text) if not _is_reference(q)
                   and not (history[0] <= q.span[0] < history[1]) and (
            (q.kind in CLAIM_KINDS and (q.value not in own or is_claim(text, q))) or router.is_threshold(text, q))]
        basis = item_citation(self, item).quote if item else self.policy.article(clause).text
        if not any(not AllowedNumbers.from_sources([basis]).supports(q) for q in claimed):
            return []
        sentence = basis if item else focus_citation(self, clause, text).quote
        return [f"{compose.REPLIES['correction']}条款原文为：“{sentence}”"]

    # -- the number guard ------------------------------------------------

    def guarded(self, session: Session, reply: Reply, trace_numbers=(), fallback=None) -> Reply:
        """Check every number of the answer; fall back when one is unsupported."""
        allowed = self.allowed_numbers(session, reply, trace_numbers)
        result = check_answer(reply.answer, allowed)
        if result.ok:
            return reply
        events = [f"unsupported number {q.raw!r}" for q in result.unsupported]
        log.warning("number guard blocked %s", events)
        reply.guard_events.extend(events)
        safe = fallback() if fallback else None
        if safe is not None and check_answer(safe, allowed).ok:
            reply.replace_text(safe)
        else:
            reply.set_parts(compose.fallback_parts(reply.citations))
        return reply

    def allowed_numbers(self, session: Session, reply: Reply, trace_numbers=()) -> AllowedNumbers:
        """Sources a number may come from: cited articles, the user's turns, this turn's trace."""
        texts = [self.policy.article(c.clause).text for c in reply.citations]
        texts += [c.quote for c in reply.citations]
        texts += reply.trace
        return AllowedNumbers.from_sources(texts, trace_numbers, user_turns=session.user_turns)

    def _all_articles(self):
        return [self.policy.preamble, *self.policy.articles.values()]


def _is_reference(q) -> bool:
    """"一年", "两个奖": words that count things rather than state a figure of the policy."""
    return (q.kind == "years" and q.value == 1) or (q.kind == "count" and q.value <= 2)
