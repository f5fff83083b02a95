"""The widget's details as a visitor meets them on a third-party page: the question quick replies
answer stays in view, right-to-left scripts read right to left, and what was typed while the server
was away survives moving to another page of the site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from tests.browser.conftest import poll
from tests.browser.server import WEB_DIST, Shop
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "sizes"
HEBREW = "שלום, יש לכם פיצה?"
DEFINITION: dict[str, Any] = {
    "name": BOT,
    "settings": {"welcome_intent": "greet"},
    "entities": [{"name": "size", "values": [{"value": "large"}, {"value": "small"}]}],
    "intents": [
        {"id": "greet", "examples": ["hi", "hello", "good morning"], "replies": ["Welcome to the size shop"]},
        {
            "id": "order",
            "examples": ["I want to order", "order please", "can I order"],
            "parameters": [
                {"name": "size", "entity": "size", "prompt": ["Which size?"], "choices": ["large", "small"]}
            ],
            "replies": ["A {{ parameters.size }} one, coming up"],
        },
        {
            "id": "story",
            "examples": ["tell me everything", "the long story", "all about you"],
            "replies": ["\n".join(f"Chapter {n} of a long story." for n in range(1, 9))],
        },
        {"id": "hebrew", "examples": ["in hebrew", "say it in hebrew", "hebrew please"], "replies": [HEBREW]},
    ],
}
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><a href="/{other}">{other}</a>
<script src="{server}/widget.js" data-bot="{bot}" data-title="Sizes" defer></script>
</body></html>"""


@pytest.fixture(scope="module")
def sizes_bot(parley: EmbeddedParley) -> Iterator[str]:
    """Untrained: its welcome and `/intent` messages need no model."""
    response = httpx.put(parley.url(f"/api/v1/bots/{BOT}"), json=DEFINITION, headers=parley.admin, timeout=30)
    assert response.status_code in {200, 201}, response.text
    yield BOT
    httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin, timeout=30)


def open_chat(page: Page, parley: EmbeddedParley, shop: Shop, bot: str) -> Locator:
    """The shop's first page with the chat opened and the welcome in; the chat dialog."""
    for name, other in (("one", "two"), ("two", "one")):
        shop.pages[f"/{name}"] = PAGE.format(title=name, other=other, server=parley.base_url, bot=bot)
    page.goto(f"{shop.origin}/one")
    page.get_by_role("button", name="Open chat").click()
    chat = page.get_by_role("dialog", name="Sizes")
    expect(chat.get_by_role("log")).to_contain_text("Welcome to the size shop")
    return chat


def say(chat: Locator, text: str) -> None:
    chat.get_by_label("Message").fill(text)
    chat.get_by_label("Message").press("Enter")


def test_the_question_quick_replies_answer_stays_in_view(
    page: Page, parley: EmbeddedParley, shop: Shop, sizes_bot: str
) -> None:
    chat = open_chat(page, parley, shop, sizes_bot)
    log = chat.get_by_role("log")
    for told in range(1, 4):  # enough for the log to scroll
        say(chat, "/story")
        expect(log.locator(".msg.bot", has_text="Chapter 8")).to_have_count(told)
    assert log.evaluate("(log) => log.scrollHeight > log.clientHeight")
    say(chat, "/order")
    expect(chat.get_by_role("group", name="Suggested replies").get_by_role("button")).to_have_text(
        ["large", "small"]
    )
    question = log.locator(".msg.bot").last
    expect(question).to_have_text("Bot: Which size?")
    shown = log.evaluate(
        """(log) => {
            const question = [...log.querySelectorAll(".msg.bot")].pop().getBoundingClientRect();
            const visible = log.getBoundingClientRect();
            return question.top >= visible.top && question.bottom <= visible.bottom + 1;
        }"""
    )
    assert shown, "the question is hidden under its quick replies"

    chat.get_by_role("button", name="small").focus()
    page.keyboard.press("Enter")
    expect(log.locator(".msg.bot").last).to_have_text("Bot: A small one, coming up")
    expect(chat.get_by_label("Message")).to_be_focused()  # not lost with the removed button


def test_hebrew_reads_right_to_left(page: Page, parley: EmbeddedParley, shop: Shop, sizes_bot: str) -> None:
    chat = open_chat(page, parley, shop, sizes_bot)
    log = chat.get_by_role("log")
    say(chat, "/hebrew")
    answer = log.locator(".msg.bot").last
    expect(answer).to_have_text(f"Bot: {HEBREW}")
    asked = log.locator(".msg.user").last
    chat.get_by_label("Message").fill(HEBREW)
    directions = [
        element.evaluate("(node) => getComputedStyle(node).direction")
        for element in (answer, asked, chat.get_by_label("Message"))
    ]
    assert directions == ["rtl", "ltr", "rtl"]  # "/hebrew" itself is left to right


def test_the_input_is_large_enough_that_a_phone_does_not_zoom_into_it(
    page: Page, parley: EmbeddedParley, shop: Shop, sizes_bot: str
) -> None:
    """iOS Safari zooms the page into an input under 16 px when it gets focus."""
    chat = open_chat(page, parley, shop, sizes_bot)
    size = chat.get_by_label("Message").evaluate("(input) => parseFloat(getComputedStyle(input).fontSize)")
    assert size >= 16


def test_what_was_typed_while_the_server_was_away_is_sent_from_the_next_page(
    page: Page, parley: EmbeddedParley, shop: Shop, sizes_bot: str
) -> None:
    # The next page gets widget.js while the server is away, as from the browser's cache.
    widget = (WEB_DIST / "widget.js").read_text()
    page.route(
        f"{parley.base_url}/widget.js",
        lambda route: route.fulfill(body=widget, content_type="text/javascript"),
    )
    chat = open_chat(page, parley, shop, sizes_bot)
    parley.stop()
    try:
        expect(chat.get_by_role("status")).to_have_text("Reconnecting…")
        say(chat, "/order")
        expect(chat.locator(".msg.user.pending")).to_have_text(["You: /order"])
        page.get_by_role("link", name="two").click()  # another page of the site
        expect(page).to_have_title("two")
        chat = page.get_by_role("dialog", name="Sizes")
        expect(chat.locator(".msg.user.pending")).to_have_text(["You: /order"])
    finally:
        parley.start()
    expect(chat.get_by_role("status")).to_have_text("Online", timeout=30_000)
    log = chat.get_by_role("log")
    expect(log.locator(".msg.bot").last).to_have_text("Bot: Which size?", timeout=15_000)
    expect(chat.locator(".msg.user.pending")).to_have_count(0)
    expect(log.locator(".msg.bot", has_text="Which size?")).to_have_count(1)  # sent once


def test_a_reply_lost_to_a_dead_connection_is_shown_once_the_widget_reconnects(
    page: Page, parley: EmbeddedParley, shop: Shop, sizes_bot: str, admin: httpx.Client
) -> None:
    """The first connection goes silent after the message reaches the gateway (a black-holed network):
    no pong, no reply. The widget notices, reconnects and sends the message again under its id; the
    gateway answers with the reply it kept, and the bot answered the message once."""
    connections: list[WebSocketRoute] = []

    def relay(ws: WebSocketRoute) -> None:
        connections.append(ws)
        server = ws.connect_to_server()
        dead = len(connections) == 1
        said_something: list[bool] = []

        def from_page(message: str | bytes) -> None:
            server.send(message)
            if dead and '"user_message"' in str(message):
                said_something.append(True)

        ws.on_message(from_page)
        server.on_message(lambda message: None if said_something else ws.send(message))

    page.route_web_socket(f"{parley.ws_url}*", relay)
    chat = open_chat(page, parley, shop, sizes_bot)
    conversation = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)[0])).conversationId"
    )
    say(chat, "/order")
    log = chat.get_by_role("log")
    expect(log.locator(".msg.bot").last).to_have_text("Bot: Which size?", timeout=30_000)
    assert len(connections) == 2
    expect(chat.locator(".msg.user.pending, .msg.user.failed")).to_have_count(0)

    say(chat, "small")  # recorded after any second answer to /order would have been
    expect(log.locator(".msg.bot").last).to_have_text("Bot: A small one, coming up")

    def said() -> list[str]:
        transcript = admin.get(f"/api/v1/bots/{BOT}/conversations/{conversation}")
        turns = transcript.json()["turns"] if transcript.status_code == 200 else []
        return [turn["user_text"] for turn in turns if not turn["welcome"]]

    poll(page, lambda: "small" in said(), "the turns recorded")
    assert said() == ["/order", "small"]
