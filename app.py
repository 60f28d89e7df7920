"""The web app: chat, articles, calculator and about, plus the ``/ask`` API.

Run with ``python app.py`` (or ``bash scripts/run_app.sh``). It binds
127.0.0.1:7860 by default; ``GRADIO_SERVER_NAME`` and ``GRADIO_SERVER_PORT``
override the address. It never opens a share link and makes no outside
requests (analytics off, Hugging Face Hub offline, system fonts). The same
server, on the same port, serves the OpenAI-compatible API under ``/v1``
(``api/``); limits, keys and the optional login come from
``assistant.settings.Settings``.

This module only wires objects together: ``build_assistant`` builds the
policy, retriever and rule engine; ``build_app`` lays the tabs out over that
one ``Assistant``; ``ui/`` (``ui.format``, ``ui.calculator``) turns replies,
articles and calculator results into HTML;
``api.server`` puts the API and the app on one FastAPI server.

API (``gradio_client``)::

    Client("http://127.0.0.1:7860/").predict(question, history, api_name="/ask")

``history`` is the list of earlier user turns (or its JSON text, or None);
the result is the ``ask --json`` object of the last turn.
"""

import logging
import os

# Before gradio (or anything that loads huggingface_hub) is imported.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("OMP_NUM_THREADS", "1")

from assistant.compose import REPLIES
from assistant.settings import RESPONSIBLE_OFFICE, Settings
from ui import calculator as calc_fmt
from ui import format as fmt

log = logging.getLogger("app")

MAX_FIELD_CHARS = 100  # a calculator field holds one figure or choice
SEARCH_CACHE = 1024  # searches remembered by the server (questions many users ask are searched once)
RATINGS = {True: "up", False: "down"}  # gr.LikeData.liked; "" (un-liked) clears the rating
EXAMPLES = [
    "我们租了800平米，房租能补多少？",
    "那如果是在其他园区呢？",
    "举办一次行业大会花了300万，能补贴多少？",
    "银行贷款利息一年付了500万，能贴息多少？",
    "第十七条是什么内容？",
    "新引进的企业营业收入首次达到1亿元，有什么奖励？",
]
FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "system-ui", "sans-serif"]
CSS = """
.qa-reply p, .qa-answer p { margin: 0.2em 0; }
.qa-amount { margin: 0.5em 0; padding: 0.4em 0.7em; border-left: 4px solid #2563eb; background: #eff6ff; }
.qa-amount b { font-size: 1.15em; color: #1d4ed8; }
.qa-formula ul { margin: 0.1em 0 0.3em 1.2em; }
.qa-reply details, .qa-result details, .qa-chapters details { margin: 0.35em 0; }
.qa-reply summary, .qa-result summary, .qa-chapters summary { cursor: pointer; font-weight: 600; }
.qa-reply blockquote, .qa-result blockquote, .qa-about blockquote {
  margin: 0.3em 0; padding: 0.3em 0.8em; border-left: 3px solid #94a3b8; color: #334155; }
.qa-chapter-head { margin-top: 0.8em; font-weight: 700; color: #1e3a8a; }
.qa-chapters { max-height: 640px; overflow-y: auto; padding-right: 0.5em; }
.qa-article h3 { margin: 0.2em 0; }
.qa-chapter, .qa-score, .qa-rank { color: #64748b; font-size: 0.9em; }
.qa-hit { border-bottom: 1px solid #e2e8f0; padding: 0.4em 0; }
.qa-article mark { background: #fde68a; padding: 0 0.1em; }
.qa-error { padding: 0.5em 0.8em; border-left: 4px solid #dc2626; background: #fef2f2; color: #991b1b; }
.qa-note { color: #92400e; }
.qa-draft { color: #64748b; }
.qa-status { padding: 0.1em 0.5em; border-radius: 4px; background: #fef3c7; color: #92400e; font-weight: 600; }
.qa-cover { border-collapse: collapse; }
.qa-article b.qa-kw { color: #b91c1c; }
@media (max-width: 640px) {  /* a phone or a narrow window */
  .qa-title { font-size: 1.3em; }
  #article-row { flex-direction: column-reverse; }
  #chat-row { flex-wrap: wrap; }
  #chat-row > :first-child { min-width: 100% !important; }  /* the question box on its own line */
  .qa-chapters { max-height: 320px; }
}
.qa-cover td, .qa-cover th { padding: 0.2em 0.6em; border: none; border-bottom: 1px solid #e2e8f0; text-align: left; }
"""


def build_app(assistant, settings: Settings | None = None, cache=None):
    """The Gradio Blocks app over one ``Assistant`` (see module docstring).

    Args:
        assistant: an ``assistant.core.Assistant`` (policy, retriever, rules).
        settings: the limits per turn and per conversation (defaults when None).
        cache: the ``ConversationCache`` behind ``/ask`` (a new one when None).

    Returns:
        A ``gr.Blocks``; serve it with ``api.server.build_server`` (see ``main``).
    """
    import gradio as gr

    from assistant.service import ConversationCache

    settings = settings or Settings()
    cache = cache if cache is not None else ConversationCache(assistant, settings.session_cache_size)
    policy = assistant.policy
    with gr.Blocks(title="光明区AI和软件产业若干措施 · 政策问答助手") as app:
        gr.HTML(f'<h1 class="qa-title" style="margin:0.2em 0">{fmt.esc(policy.title)}</h1>'
                f'<p>政策问答助手 · <span class="qa-status">{fmt.esc(policy.status)}</span></p>')
        with gr.Tabs(overflow_behavior="wrap"):  # narrow windows: every tab stays visible, none hides in a menu
            with gr.Tab("对话 Chat", id="chat"):
                _chat_tab(gr, assistant, settings)
            with gr.Tab("条款 Articles", id="articles"):
                _articles_tab(gr, assistant, settings.max_turn_chars)
            with gr.Tab("计算器 Calculator", id="calculator"):
                _calculator_tab(gr, assistant)
            with gr.Tab("关于 About", id="about"):
                gr.HTML(fmt.about_html(policy, assistant.rules.list_items(), RESPONSIBLE_OFFICE,
                                       REPLIES["scope"]), elem_id="about")
        gr.api(_ask_endpoint(gr, cache, settings), api_name="ask")
    return app


def _chat_tab(gr, assistant, settings: Settings) -> None:
    """Multi-turn chat: a Session per browser tab in gr.State; 👍/👎 go to the audit log."""
    session = gr.State(None)
    messages = gr.State([])
    turn_ids = gr.State({})  # index of an answer in the chat -> its turn id in the audit log
    chatbot = gr.Chatbot(label="对话", show_label=False, height=620, elem_id="chatbot", buttons=["copy"],
                         placeholder="请描述贵企业的情况或直接提问，例如租赁面积、园区类型、营业收入等。")
    with gr.Row(elem_id="chat-row"):
        box = gr.Textbox(placeholder="请输入您的问题，按回车发送", show_label=False, scale=6,
                         elem_id="chat-input", max_length=settings.max_turn_chars)
        send = gr.Button("发送", variant="primary", scale=1, min_width=72, elem_id="chat-send")
        new = gr.Button("新对话", scale=1, min_width=72, elem_id="chat-new")
    gr.Examples(EXAMPLES, inputs=box, label="示例问题（点击填入）")

    outputs = [box, session, messages, chatbot, turn_ids]
    for event in (send.click, box.submit):
        event(_chat_handler(assistant, settings), [box, session, messages, turn_ids], outputs,
              api_visibility="private")
    new.click(lambda: ("", None, [], [], {}), None, outputs, api_visibility="private")
    chatbot.clear(lambda: (None, [], {}), None, [session, messages, turn_ids], api_visibility="private")
    chatbot.like(_rating_handler(gr, assistant.audit), turn_ids, None, api_visibility="private")


def _chat_handler(assistant, settings: Settings):
    """The chat event: (text, session, history, turn ids) in, the same out, as the reply forms."""
    from assistant.service import turn_limit_problem

    def chat(text, current, history, ids):
        """Show the question at once, an LLM's draft while it streams, then the checked reply."""
        text = text if isinstance(text, str) else ""
        if not text.strip():
            yield "", current, history, history, ids
            return
        earlier = [""] * sum(1 for m in history if m.get("role") == "user")  # only their number counts here
        problem = turn_limit_problem([*earlier, text], settings.max_turn_chars, settings.max_turns)
        asked = [*history, {"role": "user", "content": fmt.user_html(_shortened(text) if problem else text)}]
        if problem:  # the browser caps the box, a script need not: checked here too
            history = [*asked, {"role": "assistant", "content": calc_fmt.error_html(problem)}]
            yield "", current, history, history, ids
            return
        current = current or assistant.new_session()
        yield "", current, history, asked, ids
        for out in assistant.respond_stream(current, text):
            if isinstance(out, str):  # unchecked draft: replaced by the final reply below
                yield "", current, history, [*asked, {"role": "assistant", "content": fmt.draft_html(out)}], ids
            else:
                ids = {**ids, len(asked): out.turn_id}
                history = [*asked, {"role": "assistant", "content": fmt.reply_html(out.to_dict())}]
                yield "", current, history, history, ids

    return chat


def _rating_handler(gr, audit):
    """The like event: 👍/👎 on an answer, stored on its turn in the audit log."""

    def rate(ids, like: gr.LikeData) -> None:
        """Never fails the chat: a rating that cannot be stored is logged."""
        turn_id = ids.get(like.index if isinstance(like.index, int) else like.index[0])
        if turn_id is None or audit is None:
            return
        try:
            audit.feedback(turn_id, RATINGS.get(like.liked))
        except Exception as exc:  # noqa: BLE001 - feedback must never break the chat
            log.warning("feedback for turn %s not stored: %s", turn_id, exc)

    return rate


def _shortened(text: str, limit: int = 300) -> str:
    """An over-long paste as the chat shows it, cut (the message about the limit follows it)."""
    return text if len(text) <= limit else text[:limit] + "…"


def _articles_tab(gr, assistant, max_chars: int) -> None:
    """Articles by chapter; search by number or keyword; a standard reply to copy."""
    policy = assistant.policy
    with gr.Row(elem_id="article-row"):
        with gr.Column(scale=2):
            gr.HTML(fmt.chapters_html(policy), elem_id="article-toc")
        with gr.Column(scale=3):
            with gr.Row():
                query = gr.Textbox(label="查找条款", scale=5, elem_id="article-query",
                                   placeholder="条款编号（第十七条、17、（十七））或关键词（如 房租、贷款贴息）")
                find = gr.Button("查找", variant="primary", scale=1, min_width=72, elem_id="article-find")
            pick = gr.Dropdown(fmt.article_choices(policy), value=None, label="或按章节选择条款",
                               elem_id="article-pick")
            view = gr.HTML(elem_id="article-view")
            reply = gr.Textbox(label="标准答复（可编辑，点右上角复制）", lines=8, interactive=True,
                               buttons=["copy"], elem_id="standard-reply")

    def search(text):
        text = (text if isinstance(text, str) else "").strip()
        if len(text) > max_chars:
            return calc_fmt.error_html(f"查找内容过长（{len(text)}个字符），请输入条款编号或不超过{max_chars}个字符的关键词。"), ""
        return _find_articles(assistant, text)

    for event in (find.click, query.submit):
        event(search, query, [view, reply], api_visibility="private", trigger_mode="always_last")
    pick.input(lambda n: search(f"第{n}条") if n else ("", ""), pick, [view, reply],
               api_visibility="private", trigger_mode="always_last")


def _find_articles(assistant, text: str) -> tuple[str, str]:
    """(view HTML, standard reply) for a number ("17") or keywords ("房租")."""
    from knowledge.lookup import ArticleOutOfRange, parse_article_ref

    if not text:
        return calc_fmt.error_html("请输入条款编号（如“第十七条”“17”“（十七）”）或关键词。"), ""
    policy = assistant.policy
    try:
        number = fmt.article_number(text, lambda t: parse_article_ref(t, max(policy.articles)))
    except ArticleOutOfRange as exc:
        return calc_fmt.error_html(str(exc)), ""
    if number is not None:
        view, question = fmt.article_html(policy.article(number)), f"第{number}条"
    else:
        view, question = fmt.hits_html(policy, assistant.retriever.search(text, k=5), text), text
    reply = assistant.respond(assistant.new_session(), question).to_dict()
    return view, fmt.standard_reply(reply, RESPONSIBLE_OFFICE)


def _calculator_tab(gr, assistant) -> None:
    """Pick an item; its input schema becomes the form (gr.render); compute shows the trace."""
    items = list(assistant.rules.list_items())
    by_id = {item.id: item for item in items}
    first = "rent_subsidy" if "rent_subsidy" in by_id else (items[0].id if items else None)
    item = gr.Dropdown(calc_fmt.item_choices(items), value=first, label="补贴项目", elem_id="calc-item")
    result = gr.HTML(render=False, elem_id="calc-result")

    @gr.render(inputs=item)
    def form(item_id):
        spec = by_id.get(item_id)
        if spec is None:
            gr.Markdown("请先选择补贴项目。")
            return
        widgets = [_field(gr, field) for field in spec.inputs]
        run = gr.Button("计算", variant="primary", elem_id="calc-run")
        run.click(lambda *values: _compute(assistant, spec, values), widgets, result,
                  api_visibility="private")

    result.render()
    item.change(lambda: "", None, result, api_visibility="private")


def _field(gr, spec):
    """The widget for one input: number, 是/否/未知 radio, or a dropdown of choices.

    Every widget is ``interactive=True``: inside ``gr.render`` Gradio would
    otherwise show some of them disabled.
    """
    kind, label, elem_id = calc_fmt.field_kind(spec), calc_fmt.field_label(spec), f"calc-{spec.name}"
    if kind == "number":  # a Textbox: gr.Number cannot be blank and would send 0 for "unknown"
        default = spec.default if isinstance(spec.default, (int, float)) else ""
        return gr.Textbox(value=str(default), label=label, elem_id=elem_id, interactive=True,
                          placeholder="留空表示未知；可填 800、30万 等")
    if kind == "bool":
        return gr.Radio(list(fmt.BOOL_CHOICES), value=fmt.UNKNOWN, label=label, elem_id=elem_id,
                        interactive=True)
    choices = [(calc_fmt.choice_label(spec, code), code) for code in spec.choices]
    return gr.Dropdown([*choices, (fmt.UNKNOWN, fmt.UNKNOWN)], value=fmt.UNKNOWN, label=label,
                       elem_id=elem_id, interactive=True)


def _compute(assistant, spec, values) -> str:
    """Run the rule engine on the form's values; a bad value gives a message, not a crash."""
    if any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS for v in values):
        return calc_fmt.error_html(f"输入过长：每个字段最多{MAX_FIELD_CHARS}个字符，请填写一个数值，例如 800 或 30万。")
    facts = calc_fmt.collect_facts(spec.inputs, values)
    try:
        result = assistant.rules.compute(spec.id, facts)
    except ValueError as exc:  # rules.errors.InvalidFact
        return calc_fmt.error_html(calc_fmt.invalid_fact_text(exc, {f.name: f.description for f in spec.inputs}))
    return calc_fmt.result_html(result, {field.name: field.description for field in spec.inputs})


def _ask_endpoint(gr, cache, settings: Settings):
    """The stateless ``/ask`` function: ``history`` then ``question``, resumed from the cache."""
    from assistant.service import turn_limit_problem

    def ask(question: str, history: list[str] | str | None = None, request: gr.Request = None) -> dict:
        """Answer ``question`` after the earlier user turns in ``history``; the ``ask --json`` object."""
        client = request.client.host if request is not None and request.client else ""
        try:
            turns = [*fmt.parse_history(history), question if isinstance(question, str) else ""]
        except (TypeError, ValueError) as exc:
            raise gr.Error(str(exc)) from exc
        problem = turn_limit_problem(turns, settings.max_turn_chars, settings.max_turns)
        if problem:
            raise gr.Error(problem, print_exception=False)
        return _orjson_safe(cache.answer(turns, namespace=f"/ask {client}").to_dict())  # clients apart

    return ask


def _orjson_safe(value):
    """``value`` with integers beyond 64 bits as text: Gradio's JSON (orjson) cannot send them.

    A pasted figure such as 99999999999999亿 is read as 10^22 yuan; the reply
    refuses it, and its reading still carries the number.
    """
    if isinstance(value, dict):
        return {key: _orjson_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_orjson_safe(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return str(value)
    return value


def ui_options() -> dict:
    """The look of the app (``gr.mount_gradio_app`` arguments): offline theme, system fonts, CSS."""
    import gradio as gr

    return {"theme": gr.themes.Soft(font=FONTS, font_mono=["monospace"]), "css": CSS}


def build(settings: Settings, assistant=None):
    """The whole server for ``settings``: web app and API over one assistant and one cache."""
    from api.server import build_server
    from assistant.service import ConversationCache, build_assistant

    assistant = assistant or build_assistant(settings, search_cache=SEARCH_CACHE)
    cache = ConversationCache(assistant, settings.session_cache_size)
    return build_server(build_app(assistant, settings, cache), assistant, cache, settings, ui_options())


def main() -> None:
    """Build the assistant from the environment and serve the app and the API."""
    from api.server import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings.from_env()
    run(build(settings), settings)


if __name__ == "__main__":
    main()
