"""The four tabs in a real browser: Debian's chromium, headless, driven by Playwright.

The app runs as ``python app.py`` on a free loopback port (see conftest.py).
Screenshots of each tab go to ``$APP_SCREENSHOT_DIR`` (default: a temporary
directory); refresh the README's with
``APP_SCREENSHOT_DIR=docs/screenshots .venv/bin/python -m pytest tests/app/test_browser.py``.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    page.goto(app_url)
    expect(page.get_by_role("tab", name="对话 Chat")).to_be_visible()
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("APP_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def textbox(page, elem_id: str):
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def ask(page, text: str) -> None:
    box = textbox(page, "chat-input")
    box.fill(text)
    box.press("Enter")


def last_reply(page):
    return page.locator("#chatbot [data-testid='bot']").last


def test_chat_rent_then_follow_up(page, shots):
    ask(page, "我们租了800平米，房租能补多少？")
    reply = last_reply(page)
    expect(reply).to_contain_text("28.8万元")
    expect(reply.locator(".qa-formula")).to_contain_text("若为其他产业园：800平方米 × 15元")  # not read as part of 28.8万
    expect(reply.locator("summary", has_text="第（十一）条")).to_be_visible()
    reply.locator("summary", has_text="第（十一）条").click()
    expect(reply.locator("blockquote").first).to_contain_text("30元/平方米/月的租金补贴")
    page.locator("#chatbot [role='log']").evaluate("el => el.scrollTo(0, 0)")
    page.screenshot(path=shots / "chat.png")

    ask(page, "那如果是在其他园区呢？")
    expect(page.locator("#chatbot [data-testid='bot']")).to_have_count(2)
    expect(last_reply(page)).to_contain_text("14.4万元")
    expect(last_reply(page).locator(".qa-amount")).to_contain_text("14.4万元")

    page.locator("#chat-new").click()
    expect(page.locator("#chatbot [data-testid='bot']")).to_have_count(0)
    ask(page, "那如果是在其他园区呢？")  # a new conversation has no 800 m² any more
    expect(page.locator("#chatbot [data-testid='bot']")).to_have_count(1)
    expect(last_reply(page)).not_to_contain_text("14.4万元")


def test_chat_shows_user_html_as_text(page):
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>粗体</b>'
    ask(page, hostile)
    expect(page.locator("#chatbot [data-testid='bot']")).to_have_count(1)
    user = page.locator("#chatbot [data-testid='user']").last
    expect(user).to_contain_text('<img src=x onerror="alert(1)">')
    assert page.locator("#chatbot img[src='x'], #chatbot .qa-user b").count() == 0
    assert page.dialogs == []


def _rating(audit_db, question: str, expected: str, timeout: float = TIMEOUT_MS / 1000) -> str | None:
    """The rating stored on the audit row of ``question``, once it is ``expected`` (or the timeout)."""
    import sqlite3

    deadline, rating = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        with sqlite3.connect(audit_db, timeout=5) as conn:
            row = conn.execute("SELECT rating FROM turns WHERE question = ? ORDER BY id DESC", (question,)).fetchone()
        rating = row[0] if row else None
        if rating == expected:
            break
        time.sleep(0.2)
    return rating


def test_thumbs_on_each_answer_are_stored_with_its_turn(page, running):
    first, second = "银行贷款利息一年付了500万，能贴息多少？", "举办一次行业大会花了300万，能补贴多少？"
    ask(page, first)
    expect(last_reply(page)).to_contain_text("150万元")
    ask(page, second)
    expect(page.locator("#chatbot [data-testid='bot']")).to_have_count(2)
    expect(last_reply(page)).to_contain_text("150万元")  # the answer itself, not a pending placeholder
    chat = page.locator("#chatbot")
    chat.get_by_role("button", name="踩", exact=True).first.click()  # zh-CN labels of Dislike and Like
    chat.get_by_role("button", name="赞", exact=True).last.click()
    assert _rating(running.audit_db, first, "down") == "down"
    assert _rating(running.audit_db, second, "up") == "up"
    chat.get_by_role("button", name="赞", exact=True).first.click()  # a change of mind replaces the rating
    assert _rating(running.audit_db, first, "up") == "up"


def test_an_over_long_question_past_the_box_limit_gets_a_clear_reply(page):
    box = textbox(page, "chat-input")
    box.evaluate("el => el.removeAttribute('maxlength')")  # what a script can do: the server must check too
    box.fill("房租" * 1500)
    box.press("Enter")
    expect(last_reply(page).locator(".qa-error")).to_contain_text("每轮最多2000个字符")
    ask(page, "我们租了800平米，房租能补多少？")  # the conversation goes on
    expect(last_reply(page)).to_contain_text("28.8万元")


def test_articles_jump_to_17_and_keyword_search(page, shots):
    open_tab(page, "条款 Articles")
    expect(page.locator("#article-toc")).to_contain_text("六、附则")
    query = textbox(page, "article-query")
    query.fill("第十七条")
    page.locator("#article-find").click()
    view = page.locator("#article-view")
    expect(view).to_contain_text("第（十七）条「支持举办重大产业活动」")
    expect(view).to_contain_text("按单次活动实际发生费用的50%，给予举办单位最高200万元资助")
    expect(textbox(page, "standard-reply")).to_have_value(
        re.compile("第（十七）条.*按单次活动实际发生费用的50%", re.DOTALL))
    page.screenshot(path=shots / "articles.png", full_page=True)

    query.fill("贷款利息")
    query.press("Enter")
    expect(view.locator("mark").first).to_be_visible()
    expect(view.locator(".qa-hit").first).to_contain_text("第（十五）条")
    query.fill("17")
    query.press("Enter")
    expect(view.locator("mark")).to_have_count(0)
    expect(view).to_contain_text("支持举办重大产业活动")
    query.fill("第二十五条")
    query.press("Enter")
    expect(view.locator(".qa-error")).to_be_visible()


def test_calculator_rent_item(page, shots):
    open_tab(page, "计算器 Calculator")
    area = textbox(page, "calc-area_m2")
    area.fill("800")
    page.locator("#calc-run").click()
    result = page.locator("#calc-result")
    expect(result.locator(".qa-amount")).to_contain_text("28.8万元")
    expect(result).to_contain_text("800平方米 × 30元/平方米/月 × 12个月 = 288000元")
    expect(result).to_contain_text("第（十一）条「加强企业产业用房支持」")
    page.screenshot(path=shots / "calculator.png", full_page=True)

    area.fill("-5")
    page.locator("#calc-run").click()
    expect(result.locator(".qa-error")).to_contain_text("不能为负数")
    expect(result.locator(".qa-error")).not_to_contain_text("area_m2")
    area.fill("八百")
    page.locator("#calc-run").click()
    expect(result.locator(".qa-amount")).to_contain_text("28.8万元")


def test_calculator_every_field_of_another_item_is_editable(page):
    """Fields made by gr.render were shown disabled after the first one."""
    open_tab(page, "计算器 Calculator")
    item = page.locator("#calc-item input").first
    item.click()
    item.fill("revenue_milestone")
    page.get_by_role("option").filter(has_text="revenue_milestone").first.click()
    textbox(page, "calc-revenue_yuan").fill("1.2亿")
    page.locator("#calc-newly_settled").get_by_text("是", exact=True).click()
    textbox(page, "calc-previous_award_yuan").fill("150万")  # a top-up: 300万 level less 150万 received
    page.locator("#calc-run").click()
    result = page.locator("#calc-result")
    expect(result.locator(".qa-amount")).to_contain_text("150万元")
    expect(result).to_contain_text("按差额补足")


def test_about_tab(page, shots):
    open_tab(page, "关于 About")
    about = page.locator("#about")
    expect(about).to_contain_text("征求意见稿")
    expect(about).to_contain_text("****年*月*日")
    expect(about).to_contain_text("深圳市光明区工业和信息化局")
    page.screenshot(path=shots / "about.png", full_page=True)


def test_narrow_window_shows_every_tab_and_a_usable_question_box(browser, app_url):
    context = browser.new_context(viewport={"width": 420, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(app_url)
        for name in ("对话 Chat", "条款 Articles", "计算器 Calculator", "关于 About"):
            expect(page.get_by_role("tab", name=name)).to_be_visible()  # none hidden in a "..." menu
        box = page.locator("#chat-input").bounding_box()
        assert box and box["width"] > 300, box
        open_tab(page, "条款 Articles")
        search = page.locator("#article-query").bounding_box()
        toc = page.locator("#article-toc").bounding_box()
        assert search and toc and search["y"] < toc["y"]  # search first, the long list below
    finally:
        context.close()
