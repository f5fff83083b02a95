"""The gateway's built-in chat page (served when GATEWAY_STATIC_DIR is not set) renders bot messages
as the widget does: the few tags bot authors use become elements, any other markup stays text, and
what the user types is never HTML."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, WebSocket, WebSocketRoute, expect

from tests.browser.conftest import CHROMIUM_ARGS, poll
from tests.e2e.stack import EmbeddedParley, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

ROOT = Path(__file__).resolve().parents[2]
CASES: list[dict[str, str]] = json.loads(
    (ROOT / "web" / "src" / "shared" / "richtext.cases.json").read_text()
)
"""The widget's rich-text cases (its unit tests run them): the page must render each the same."""

BOT = "orders"
DEFINITION = {
    "name": BOT,
    "settings": {"welcome_intent": "greet"},
    "intents": [
        {
            "id": "greet",
            "examples": ["hi", "hello", "good morning"],
            "replies": ["Welcome to <b>Luigi's</b> orders<br>Ask me about an <i>order</i>"],
        },
        {
            "id": "status",
            "examples": ["where is my order", "order status", "track my parcel"],
            "replies": ["Your order status is <b>Shipped</b>"],
        },
    ],
}


@pytest.fixture(scope="module")
def plain_parley(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedParley]:
    """Parley without a web build (no GATEWAY_STATIC_DIR): `/` is the built-in page. No demo bot,
    and the test bot is not trained: its welcome and `/status` need no model."""
    server = EmbeddedParley(
        port=free_port(),
        data_dir=tmp_path_factory.mktemp("parley-plain"),
        token="plain-admin-token",
        env={"PARLEY_DEMO": "false"},
    )
    server.start()
    try:
        response = httpx.put(
            server.url(f"/api/v1/bots/{BOT}"), json=DEFINITION, headers=server.admin, timeout=30
        )
        assert response.status_code in {200, 201}, response.text
        yield server
    finally:
        server.stop()


def test_bot_markup_is_rendered_and_the_users_is_not(page: Page, plain_parley: EmbeddedParley) -> None:
    page.goto(plain_parley.url(f"/?bot={BOT}"))
    log = page.get_by_role("list", name="Conversation")
    welcome = log.locator("li.bot").first
    expect(welcome).to_have_text("Welcome to Luigi's ordersAsk me about an order")
    assert (
        welcome.inner_html() == "Welcome to <strong>Luigi's</strong> orders<br>Ask me about an <em>order</em>"
    )

    page.get_by_label("Message").fill("/status")
    page.get_by_label("Message").press("Enter")
    expect(log.locator("li.bot").last).to_have_text("Your order status is Shipped")
    assert log.locator("li.bot strong").last.text_content() == "Shipped"

    attack = '<img src=x onerror="window.__xss = 1"><b>bold</b>'
    page.get_by_label("Message").fill(attack)
    page.get_by_label("Message").press("Enter")
    expect(log.locator("li.user").last).to_have_text(attack)
    expect(log.locator("li.bot")).to_have_count(3)  # the untrained bot's fallback answered it
    assert log.locator("img, li.user b, li.user strong").count() == 0
    assert page.evaluate("() => window.__xss") is None


def test_the_page_renders_every_case_as_the_widget_does(page: Page, plain_parley: EmbeddedParley) -> None:
    """The page's real script against a scripted socket, which says each case as a bot message."""

    def bot(ws: WebSocketRoute) -> None:
        messages = [{"text": case["text"]} for case in CASES]
        ws.send(json.dumps({"type": "bot_message", "conversation_id": "c1", "messages": messages}))

    page.route_web_socket("**/ws/chat*", bot)
    page.goto(plain_parley.url(f"/?bot={BOT}"))
    items = page.get_by_role("list", name="Conversation").locator("li.bot")
    expect(items).to_have_count(len(CASES))
    rendered: list[Any] = items.evaluate_all("(items) => items.map((item) => item.innerHTML)")
    assert rendered == [case["html"] for case in CASES]
    assert page.evaluate("() => document.querySelectorAll('#log script, #log img, #log a').length") == 0


def test_each_message_says_the_browsers_time_zone(browser: Browser, plain_parley: EmbeddedParley) -> None:
    """So the bot reads "tomorrow" as the user's tomorrow, as with the widget."""
    context = browser.new_context(timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        sent: list[Any] = []

        def bot(ws: WebSocketRoute) -> None:
            ws.on_message(lambda message: sent.append(json.loads(message)))

        page.route_web_socket("**/ws/chat*", bot)
        page.goto(plain_parley.url(f"/?bot={BOT}"))
        expect(page.get_by_role("status")).to_have_text(f"bot: {BOT}")
        page.get_by_label("Message").fill("what about tomorrow")
        page.get_by_label("Message").press("Enter")
        poll(page, lambda: bool(sent), "the message")
        assert sent == [{"type": "user_message", "text": "what about tomorrow", "timezone": "Asia/Tokyo"}]
    finally:
        context.close()


def test_a_browser_that_cannot_name_its_time_zone_still_chats(
    browser: Browser, chromium: str, plain_parley: EmbeddedParley
) -> None:
    """Chromium says `Etc/Unknown` under TZ=UTC0 (a POSIX zone it cannot map): the page sends no zone,
    and the gateway would read one it does not know as UTC rather than refuse every message."""
    launched = browser.browser_type.launch(
        executable_path=chromium, args=CHROMIUM_ARGS, headless=True, env={**os.environ, "TZ": "UTC0"}
    )
    try:
        page = launched.new_page()
        sent: list[Any] = []

        def watch(socket: WebSocket) -> None:
            socket.on("framesent", lambda frame: sent.append(json.loads(frame)))

        page.on("websocket", watch)
        page.goto(plain_parley.url(f"/?bot={BOT}"))
        assert page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone") == "Etc/Unknown"
        log = page.get_by_role("list", name="Conversation")
        expect(log.locator("li.bot").first).to_contain_text("Welcome to Luigi's orders")
        page.get_by_label("Message").fill("/status")
        page.get_by_label("Message").press("Enter")
        expect(log.locator("li.bot").last).to_have_text("Your order status is Shipped")
        assert sent == [{"type": "user_message", "text": "/status"}]
        assert log.locator("li.meta", has_text="error").count() == 0
    finally:
        launched.close()


def test_hebrew_reads_right_to_left(page: Page, plain_parley: EmbeddedParley) -> None:
    hebrew = "שלום, יש לכם פיצה?"

    def bot(ws: WebSocketRoute) -> None:
        ws.send(json.dumps({"type": "bot_message", "conversation_id": "c1", "messages": [{"text": hebrew}]}))

    page.route_web_socket("**/ws/chat*", bot)
    page.goto(plain_parley.url(f"/?bot={BOT}"))
    answer = page.get_by_role("list", name="Conversation").locator("li.bot")
    expect(answer).to_have_text(hebrew)
    page.get_by_label("Message").fill(hebrew)
    directions = [
        element.evaluate("(node) => getComputedStyle(node).direction")
        for element in (answer, page.get_by_label("Message"))
    ]
    assert directions == ["rtl", "rtl"]


def test_a_refused_chat_is_not_retried_until_the_user_sends_something(
    page: Page, plain_parley: EmbeddedParley
) -> None:
    """As the widget: an unknown bot (4404) is tried again only when the user asks, not every second."""
    opened: list[WebSocketRoute] = []

    def refuse(ws: WebSocketRoute) -> None:
        opened.append(ws)
        ws.send(json.dumps({"type": "error", "code": "not_found", "message": "no bot named 'nosuch'"}))
        ws.close(code=4404, reason="no bot named 'nosuch'")

    page.clock.install()
    page.route_web_socket("**/ws/chat*", refuse)
    page.goto(plain_parley.url("/?bot=nosuch"))
    expect(page.get_by_role("status")).to_have_text("unavailable")
    page.clock.run_for(60_000)
    assert len(opened) == 1
    page.get_by_label("Message").fill("hello?")
    page.get_by_label("Message").press("Enter")
    poll(page, lambda: len(opened) == 2, "one more try")
