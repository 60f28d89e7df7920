"""The pieces of the API without a server: keys, rate limit, addresses, shapes, settings."""

from __future__ import annotations

import pytest

from api.formats import ApiError, Message, user_turns
from api.guards import ApiKeys, RateLimiter, api_allowed, is_loopback
from assistant.service import turn_limit_problem
from assistant.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_bursts_then_refills_and_says_when():
    clock = Clock()
    limiter = RateLimiter(6, clock=clock)  # 6 a minute: one token every 10 s
    for _ in range(6):
        limiter.check("a")
    with pytest.raises(ApiError) as caught:
        limiter.check("a")
    assert caught.value.status == 429 and caught.value.headers["Retry-After"] == "10"
    limiter.check("b")  # another client is not affected
    clock.now += 4
    with pytest.raises(ApiError) as caught:
        limiter.check("a")
    assert caught.value.headers["Retry-After"] == "6"
    clock.now += 6
    limiter.check("a")


def test_rate_limit_off_and_idle_clients_forgotten(monkeypatch):
    RateLimiter(0).check("a")  # 0 turns it off: never raises
    import api.guards

    monkeypatch.setattr(api.guards, "MAX_BUCKETS", 3)
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)
    for name in "abcd":
        limiter.check(name)
    clock.now += 120
    limiter.check("e")
    assert set(limiter._buckets) == {"e"}


def test_keys():
    keys = ApiKeys(("k1", "k2"))
    assert keys.identify("Bearer k2", "1.2.3.4").startswith("key:")
    assert keys.identify("bearer k1", "1.2.3.4") != keys.identify("Bearer k2", "1.2.3.4")
    for header in (None, "", "Bearer", "Bearer k3", "Basic k1", "k1"):
        with pytest.raises(ApiError) as caught:
            keys.identify(header, "1.2.3.4")
        assert caught.value.status == 401 and caught.value.headers == {"WWW-Authenticate": "Bearer"}
    assert ApiKeys(()).identify(None, "1.2.3.4") == "ip:1.2.3.4"


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.0.1.1", True), ("::1", True),
                                                ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                                ("::", False), ("192.168.1.5", False), ("example.org", False)])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback
    assert api_allowed(host, ())[0] is loopback
    assert api_allowed(host, ("k",))[0] is True


def test_user_turns_are_the_turns():
    messages = [Message(role="system", content="你是助手"), Message(role="user", content="我们租了800平米"),
                Message(role="assistant", content="请问园区类型？"),
                Message(role="user", content=[{"type": "text", "text": "认定园区"}, {"type": "image_url"}])]
    assert user_turns(messages) == ["我们租了800平米", "认定园区"]
    for bad in ([], [Message(role="user", content=[3])], [Message(role="bot", content="x")],
                [Message(role="user", content="x"), Message(role="assistant", content="y")]):
        with pytest.raises(ApiError):
            user_turns(bad)


def test_turn_limits():
    assert turn_limit_problem(["短"] * 3, max_chars=5, max_turns=3) is None
    assert "第2轮有6个字符" in turn_limit_problem(["短", "长" * 6], max_chars=5, max_turns=3)
    assert "共4轮" in turn_limit_problem(["短"] * 4, max_chars=5, max_turns=3)


def test_serving_settings_from_the_environment(monkeypatch, tmp_path):
    keys = tmp_path / "keys"
    keys.write_text("# hotline\nk-one\n\n k-two  # console\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_API_KEYS", f"@{keys}")
    monkeypatch.setenv("ASSISTANT_UI_AUTH", "staff:pa:ss, boss:x")
    monkeypatch.setenv("ASSISTANT_MAX_TURNS", "10")
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    settings = Settings.from_env()
    assert settings.api_keys == ("k-one", "k-two") and settings.max_turns == 10
    assert settings.ui_auth == (("staff", "pa:ss"), ("boss", "x")) and settings.server_name == "0.0.0.0"
    assert "k-one" not in repr(settings) and "pa:ss" not in repr(settings)
    monkeypatch.setenv("ASSISTANT_API_KEYS", "a, b,,")
    assert Settings.from_env().api_keys == ("a", "b")


@pytest.mark.parametrize(("name", "value", "words"), [
    ("ASSISTANT_API_KEYS", "@/nonexistent/keys", "cannot read"),
    ("ASSISTANT_UI_AUTH", "no-password", "user:password"),
    ("ASSISTANT_MAX_TURN_CHARS", "lots", "whole number"),
    ("ASSISTANT_QUEUE_MAX_SIZE", "0", "at least 1"),
])
def test_bad_serving_settings_say_what_to_fix(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=words) as caught:
        Settings.from_env()
    assert name in str(caught.value)


def test_v1_turns_one_at_a_time_unless_an_llm_waits_on_the_network():
    from api.routes import turn_workers

    assert turn_workers(Settings(queue_concurrency=4)) == 1
    assert turn_workers(Settings(queue_concurrency=4, llm_base_url="http://127.0.0.1:9/v1")) == 4
