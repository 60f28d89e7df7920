"""The optional LLM layer: tool-calling chat over the rule engine, guarded like every answer.

``Assistant.respond`` computes the deterministic reply, then calls ``LLMLayer.refine``. The model
sees the user's turns, that reply (its draft), the cited and retrieved articles, and the rule engine
as the ``calculate_subsidy`` tool; it may pick the item, read a follow-up, and phrase the answer.
Nothing it says is trusted: a tool argument must be a fact from the user's own words (a model's 200
for "200万元" is corrected to 2000000, a number the user never said is refused, an unstated yes/no
is dropped); the final text must be Chinese prose that cites only articles it was shown, quotes them
verbatim, states the engine's amount and passes the number guard. Any violation, error, timeout or
unreachable endpoint keeps the deterministic reply, with an ``llm_fallback: …`` event and a log line.

Only ``build_llm`` imports ``langchain_openai``; ``assistant.service`` imports this module only
when ``ASSISTANT_LLM_BASE_URL`` is set.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool, ToolException

from assistant import compose
from assistant.articles import role_article
from assistant.facts import extract_facts
from assistant.guard import AllowedNumbers, check_answer
from assistant.prompts import fill, load_prompts
from assistant.quantities import extract_quantities, format_yuan
from assistant.session import MAX_CITATIONS, CitationOut, Parts, Reply, Session
from knowledge.numerals import article_label

log = logging.getLogger("assistant.llm")

TOOL_NAME = "compute_subsidy"  # rules/tool.py
MAX_TOOL_ROUNDS = 3
MAX_ANSWER_CHARS = 6000
CONTEXT_HITS = 3
NUMERIC = {"money", "area", "percent", "count", "years"}  # input types checked against the user's numbers
SLIPS = {"money": (10**4, 10**8), "area": (10**4,), "percent": (100,)}  # a dropped 万 / 亿 / %
_CJK = re.compile(r"[\u4e00-\u9fff]")
_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)
_DEBRIS = ("<tool_call>", '"tool_calls"', '{"name"', "<|", "```json")
_QUOTED = re.compile(r"“([^”]{6,})”")
_ELLIPSIS = re.compile(r"…+|\.{3,}")


class Fallback(Exception):
    """The model's turn is rejected; the deterministic reply stands."""


# -- the tool arguments --------------------------------------------------------------------------

def user_facts(session: Session, inputs) -> dict[str, Any]:
    """The facts the user stated across the conversation, read with ``inputs`` (later turns win)."""
    facts: dict[str, Any] = {}
    for turn in session.user_turns:
        facts.update(extract_facts(turn, inputs).facts)
    return facts


def check_arguments(asst: Any, session: Session, args: Any) -> tuple[dict[str, Any], list[str]]:
    """``compute_subsidy`` arguments rebuilt from the user's own words.

    Returns:
        The arguments to run the tool with, and events (corrections, dropped facts).

    Raises:
        ToolException: the call is refused; the message tells the model why.
    """
    if not isinstance(args, dict):
        raise ToolException("参数必须是一个对象。")
    try:
        spec = asst.rules.get_item(str(args.get("item")))
    except LookupError as exc:
        raise ToolException(str(exc)) from exc
    given = args.get("facts") if isinstance(args.get("facts"), dict) else args  # some models flatten
    stated = user_facts(session, spec.inputs)
    facts: dict[str, Any] = {}
    events: list[str] = []
    for spec_input in spec.inputs:
        name, value = spec_input.name, given.get(spec_input.name)
        if name in stated:
            facts[name] = stated[name]
            if value is not None and value != stated[name]:
                events.append(f"llm_arg_corrected: {name} {value!r} -> {stated[name]!r} (user's words)")
        elif value is None:
            continue
        elif spec_input.type in NUMERIC:
            facts[name] = _user_number(spec_input, value, session.user_turns, events)
        else:
            events.append(f"llm_arg_dropped: {name}={value!r} (not stated by the user)")
    return {"item": spec.id, "facts": facts}, events


def _user_number(spec_input: Any, given: Any, turns: list[str], events: list[str]) -> int | float:
    """``given`` if the user said that number (of the right kind), corrected for a lost 万/亿, or refused."""
    if isinstance(given, bool) or not isinstance(given, (int, float)):
        raise ToolException(f"{spec_input.name} 必须是数字（{spec_input.unit}），收到 {given!r}。")
    kind = spec_input.type
    said = [q.value for turn in turns for q in extract_quantities(turn) if q.kind == kind]
    if any(math.isclose(given, value) for value in said):
        return given
    for factor in SLIPS.get(kind, ()):
        match = next((value for value in said if math.isclose(given * factor, value)), None)
        if match is not None:
            events.append(f"llm_arg_corrected: {spec_input.name} {given!r} -> {match!r} (unit of the user's words)")
            return match
    raise ToolException(f"{spec_input.name}={given!r} 不是用户说过的数值（{spec_input.description}）。")


# -- the layer -----------------------------------------------------------------------------------

@dataclass
class _Turn:
    """What one LLM turn produced, filled in as it goes."""

    text: str = ""
    results: list[Any] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    context: list[CitationOut] = field(default_factory=list)  # every article shown to the model


class LLMLayer:
    """Refines deterministic replies with a chat model; falls back on any doubt.

    Args:
        chat_model: a LangChain chat model with ``bind_tools`` (``ChatOpenAI`` or a fake).
        timeout: seconds one turn may spend; checked before each model call.
        max_rounds: tool-call rounds before the model must answer.
        prompts: the templates (``assistant/prompts/refine.yaml`` by default).
    """

    def __init__(self, chat_model: Any, timeout: float = 20.0, max_rounds: int = MAX_TOOL_ROUNDS,
                 prompts: dict[str, str] | None = None) -> None:
        self.chat_model = chat_model
        self.timeout = timeout
        self.max_rounds = max_rounds
        self.prompts = prompts or load_prompts()
        self._bound: tuple[Any, BaseTool, Any] | None = None  # (rules, compute tool, model with tools)

    def refine(self, asst: Any, session: Session, text: Any, reply: Reply) -> Reply:
        """The model's guarded answer to this turn, or ``reply`` with an ``llm_fallback`` event."""
        *_, final = self._turn(asst, session, reply, stream=False)
        return final

    def stream_refine(self, asst: Any, session: Session, text: Any, reply: Reply) -> Iterator[str | Reply]:
        """Like ``refine``, streaming: yields the answer text so far (``str``, unchecked), then the
        final ``Reply`` (the checked LLM answer, or the deterministic one when a check failed)."""
        return self._turn(asst, session, reply, stream=True)

    def _turn(self, asst, session, reply, stream: bool) -> Generator[str | Reply, None, None]:
        turn = _Turn()
        try:
            yield from self._converse(asst, session, reply, turn, stream)
            final = self._accept(asst, session, reply, turn)
        except Fallback as exc:
            final = _fallback(reply, turn, str(exc))
        except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, bad responses
            final = _fallback(reply, turn, _error_event(exc), exc)
        yield final

    def _tools(self, rules: Any) -> tuple[BaseTool, Any]:
        """The engine's ``compute_subsidy`` tool, and the chat model with it bound."""
        if self._bound is None or self._bound[0] is not rules:
            from rules.tool import build_tools

            tool = next(t for t in build_tools(rules) if t.name == TOOL_NAME)
            self._bound = (rules, tool, self.chat_model.bind_tools([tool]))
        return self._bound[1], self._bound[2]

    def _converse(self, asst, session, reply, turn: _Turn, stream: bool) -> Generator[str, None, None]:
        """The bounded tool loop; leaves the final text in ``turn.text``."""
        deadline = time.monotonic() + self.timeout
        tool, model = self._tools(asst.rules)
        messages = [SystemMessage(self._system(asst)), HumanMessage(self._context(asst, session, reply, turn))]
        for round_ in range(self.max_rounds + 1):
            if time.monotonic() > deadline:
                raise Fallback("timeout")
            message = yield from _call(model, messages, stream)
            if not message.tool_calls and not message.invalid_tool_calls:
                turn.text = _message_text(message)
                return
            if round_ == self.max_rounds:
                raise Fallback(f"still calling tools after {self.max_rounds} rounds")
            messages.append(message)
            messages.extend(self._run_call(asst, session, call, tool, turn) for call in message.tool_calls)
            messages.extend(self._refuse(call, call.get("error") or "参数不是合法的 JSON。", turn)
                            for call in message.invalid_tool_calls)

    def _run_call(self, asst, session, call: dict, tool: BaseTool, turn: _Turn) -> ToolMessage:
        """Check one tool call's arguments, run it, and give the model the result (or the refusal)."""
        try:
            if call.get("name") != tool.name:
                raise ToolException(f"没有名为 {call.get('name')!r} 的工具，只能调用 {tool.name}。")
            args, events = check_arguments(asst, session, call.get("args"))
            turn.events.extend(events)
            result = tool.invoke(args)
            if not isinstance(result, dict) or "error" in result:  # a fact the engine rejects
                raise ToolException(result.get("error") if isinstance(result, dict) else str(result))
        except ToolException as exc:
            return self._refuse(call, str(exc), turn)
        turn.results.append(result)
        shown = {**result, "amount_text": _yuan(result["amount_yuan"]), "bound_text": _yuan(result["bound_yuan"])}
        return ToolMessage(content=json.dumps(shown, ensure_ascii=False), tool_call_id=call.get("id") or "call",
                           name=tool.name)

    def _refuse(self, call: dict, reason: str, turn: _Turn) -> ToolMessage:
        turn.events.append(f"llm_tool_refused: {call.get('name')!r}: {reason}")
        content = fill(self.prompts["tool_refused"], "tool_refused", reason=reason)
        return ToolMessage(content=content, tool_call_id=call.get("id") or "invalid",
                           name=str(call.get("name")), status="error")

    def _system(self, asst) -> str:
        return fill(self.prompts["system"], "system", policy_title=asst.policy.title,
                    policy_status=asst.policy.status, tool_name=TOOL_NAME, office=compose.REPLIES["office"])

    def _context(self, asst, session: Session, reply: Reply, turn: _Turn) -> str:
        question = session.user_turns[-1] if session.user_turns else ""
        cited = {c.clause for c in reply.citations}
        try:  # the previous turn too, so that a follow-up finds its article
            hits = asst.retriever.search(" ".join(session.user_turns[-2:]), k=CONTEXT_HITS) if question else []
        except Exception:  # a retrieval failure costs context, not the turn
            log.exception("retrieval for the LLM context failed")
            hits = []
        turn.context = [*reply.citations, *(CitationOut(h.clause, h.title, h.snippet) for h in hits
                                              if h.clause not in cited)]
        clauses = list(dict.fromkeys(c.clause for c in turn.context))
        articles = [asst.policy.article(n) for n in clauses]
        return fill(
            self.prompts["context"], "context", tool_name=TOOL_NAME, question=question,
            user_turns="\n".join(f"{i}. {t}" for i, t in enumerate(session.user_turns, 1)),
            draft=reply.answer,
            articles="\n\n".join(f"{article_label(a.number)}「{a.title}」：{a.text}" for a in articles) or "（无）",
            items="\n".join(f"- {s.id}：{s.name}（{article_label(s.clause)}）" for s in asst.items),
        )

    # -- the checks on the final text ------------------------------------------------------------

    def _accept(self, asst, session: Session, reply: Reply, turn: _Turn) -> Reply:
        """The model's answer as a reply, after every check; raises ``Fallback`` on the first failure."""
        text = _visible(turn.text)
        if not text:
            raise Fallback("empty answer")
        if not _looks_like_answer(text):
            raise Fallback(f"not an answer: {text[:40]!r}")
        out = _from_results(reply, turn.results, role_article(asst.policy, "stacking"))
        _check_citations(text, out, turn.context)
        _check_quotes(asst, session, text, out, reply.answer)
        same = out.trace == reply.trace  # the engine's calculation still stands beside the text
        out.set_parts(_prose(text, out.citations[:MAX_CITATIONS], reply.steps if same else []))
        numbers = [n for r in turn.results for n in _result_numbers(r)]
        verdict = check_answer(out.answer, _allowed(asst, session, out, numbers))
        if not verdict.ok:
            raise Fallback("unsupported number " + ", ".join(repr(q.raw) for q in verdict.unsupported))
        if out.amount_yuan is not None and out.amount_yuan not in _money(text):
            raise Fallback(f"answer does not state the amount {format_yuan(out.amount_yuan)}")
        out.guard_events = [*reply.guard_events, *turn.events]
        log.info("LLM answer accepted (%d tool result(s)); events: %s", len(turn.results), turn.events or "none")
        return out


def _call(model: Any, messages: list, stream: bool) -> Generator[str, None, AIMessage]:
    """One model call; when streaming, yields the visible text so far."""
    if not stream:
        return model.invoke(messages)
    whole, shown = None, ""
    for chunk in model.stream(messages):
        whole = chunk if whole is None else whole + chunk
        visible = _visible(_message_text(whole))
        if visible != shown:
            shown = visible
            yield visible
    return whole if whole is not None else AIMessage(content="")


def _message_text(message: Any) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content or [])


def _visible(text: str) -> str:
    """The text without reasoning blocks (``<think>…</think>``), trimmed."""
    return _THINK.sub("", text or "").strip()


def _looks_like_answer(text: str) -> bool:
    """Chinese prose of sensible length, not tool-call debris or another language."""
    if len(text) > MAX_ANSWER_CHARS or any(mark in text for mark in _DEBRIS):
        return False
    letters = [ch for ch in text if not ch.isspace()]
    cjk = len(_CJK.findall(text))
    return cjk >= 4 and cjk >= 0.3 * len(letters)


def _from_results(reply: Reply, results: list, stacking: int | None) -> Reply:
    """A copy of ``reply``, with the fields of the model's last tool result if it computed anew."""
    out = replace(reply, citations=list(reply.citations), trace=list(reply.trace), missing=list(reply.missing),
                  guard_events=list(reply.guard_events))
    if not results:
        return out
    last = results[-1]
    steps = [step["text"] for step in last["trace"]]
    if reply.item == last["item"] and reply.trace[:len(steps)] == steps and reply.missing == last["missing"]:
        return out  # the same computation (perhaps with a total over the years): keep the reply's
    mains = {r["citation"]["clause"]: CitationOut(r["citation"]["clause"], r["citation"]["title"],
                                                  r["citation"]["quote"]) for r in reversed(results)}
    kept = [c for c in reply.citations if c.clause == stacking and c.clause not in mains]
    out.citations = [*mains.values(), *kept]  # the last result's article first
    out.route = "clarify" if last["missing"] else "rules"
    out.amount_yuan, out.eligible, out.item = last["amount_yuan"], last["eligible"], last["item"]
    out.missing, out.trace = list(last["missing"]), steps
    return out


def _result_numbers(result: dict) -> list:
    """The numbers a tool result supports: its trace (text and values), amount, bound and years."""
    values = [step["value"] for step in result["trace"]] + [result[k] for k in ("amount_yuan", "bound_yuan")]
    years = [(result["years"], "years")] if result["years"] is not None else []
    return [*(step["text"] for step in result["trace"]), *(v for v in values if v is not None), *years]


def _yuan(value: int | None) -> str | None:
    return None if value is None else format_yuan(value)


def _allowed(asst, session: Session, out: Reply, numbers: list) -> AllowedNumbers:
    """The assistant's sources for ``out``; of the user's turns, their facts but not their claims
    about the policy ("听说…1亿？" does not make 1亿 an answer the model may confirm)."""
    allowed = asst.allowed_numbers(Session(user_turns=[]), out, numbers)
    for turn in session.user_turns:
        allowed.add_text(turn, user=True)
    return allowed


def _check_citations(text: str, out: Reply, context: list[CitationOut]) -> None:
    """Every article the answer names was shown to the model; those not yet cited join the citations."""
    cited = {q.value for q in extract_quantities(text) if q.kind == "article"}
    given = {c.clause for c in out.citations}
    shown = {c.clause: c for c in reversed(context)}
    stray = sorted(cited - given - shown.keys())
    if stray:
        raise Fallback(f"cites article(s) not given: {stray}")
    out.citations.extend(shown[n] for n in sorted(cited - given))


def _check_quotes(asst, session: Session, text: str, out: Reply, draft: str) -> None:
    """Text in “…” must be verbatim from a cited article, the user's words or the draft."""
    sources = _squash("\n".join([*(asst.policy.article(c.clause).text for c in out.citations),
                                 *session.user_turns, draft]))
    for quoted in _QUOTED.findall(text):
        for piece in _ELLIPSIS.split(quoted):
            if len(piece) >= 6 and _squash(piece) not in sources:
                raise Fallback(f"misquote “{piece[:30]}”")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _money(text: str) -> set[int]:
    return {q.value for q in extract_quantities(text) if q.kind == "money"}


def _prose(text: str, citations: list[CitationOut], steps: list[str]) -> Parts:
    """The model's text as the conclusion, with the verbatim quote of every citation it left out."""
    body = _squash(text)
    missing = [c for c in citations if _squash(c.quote) not in body]
    return Parts(layout="prose", conclusion=text, quotes=missing, steps=steps)


def _fallback(reply: Reply, turn: _Turn, reason: str, exc: BaseException | None = None) -> Reply:
    event = f"llm_fallback: {reason}"
    log.warning("%s; keeping the deterministic answer%s; events: %s", event, f" ({exc!r})" if exc else "",
                turn.events or "none")
    reply.guard_events.extend([*turn.events, event])
    return reply


def _error_event(exc: BaseException) -> str:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"APITimeoutError", "TimeoutError", "TimeoutException", "ReadTimeout"}:
        return "timeout"
    if names & {"APIConnectionError", "ConnectError", "ConnectionError"}:
        return "endpoint unreachable"
    return f"error {type(exc).__name__}"


def build_llm(settings: Any) -> LLMLayer:
    """An ``LLMLayer`` over the OpenAI-compatible endpoint the settings name.

    Args:
        settings: ``assistant.settings.Settings`` with ``llm_base_url``, ``llm_model``,
            ``llm_api_key`` and ``llm_timeout``.
    """
    from langchain_openai import ChatOpenAI  # only when an endpoint is configured

    chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, api_key=settings.llm_api_key,
                      timeout=settings.llm_timeout, max_retries=0, temperature=0)
    log.info("LLM mode: %s at %s", settings.llm_model, settings.llm_base_url)
    return LLMLayer(chat, timeout=settings.llm_timeout)
