"""The widget on a plain third-party page: one script tag, a conversation with the demo bot, no
HTML from messages, keyboard use, and surviving a restart of the server it talks to."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import poll, screenshot
from tests.browser.server import Shop
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

SHOP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pizza shop</title>
<style>body {{ font: 18px Georgia, serif; margin: 3rem; }} button {{ all: unset; }}</style></head>
<body><h1>Luigi's pizza shop</h1><p>Fresh from the oven since 1987.</p>
<script src="{server}/widget.js" data-bot="pizzeria" data-title="Luigi's helper" defer></script>
</body></html>"""


def open_shop(page: Page, parley: EmbeddedParley, shop: Shop) -> None:
    """The shop's page, on its own origin, as an unrelated website embedding the widget."""
    shop.pages["/"] = SHOP_PAGE.format(server=parley.base_url)
    page.goto(f"{shop.origin}/")


def open_chat(page: Page, parley: EmbeddedParley, shop: Shop) -> Locator:
    """The shop's page with its chat opened by the launcher; the chat's dialog."""
    open_shop(page, parley, shop)
    page.get_by_role("button", name="Open chat").click()
    return page.get_by_role("dialog", name="Luigi's helper")


def send(chat: Locator, text: str) -> None:
    chat.get_by_label("Message").fill(text)
    chat.get_by_label("Message").press("Enter")


def stored_conversation(page: Page) -> str | None:
    """The site's conversation, which every tab of it shows (localStorage)."""
    return page.evaluate(
        """() => {
            const key = Object.keys(localStorage).find((k) => k.startsWith("parley-chat:"));
            return key ? JSON.parse(localStorage.getItem(key)).conversationId : null;
        }"""
    )


def test_widget_chats_renders_text_only_and_survives_a_server_restart(
    page: Page, parley: EmbeddedParley, shop: Shop
) -> None:
    open_shop(page, parley, shop)
    launcher = page.get_by_role("button", name="Open chat")
    launcher.focus()
    page.keyboard.press("Enter")
    chat = page.get_by_role("dialog", name="Luigi's helper")
    log = chat.get_by_role("log", name="Conversation")
    message = chat.get_by_label("Message")
    expect(message).to_be_focused()
    expect(chat.get_by_role("status")).to_have_text("Online")
    expect(log).to_contain_text("Welcome", ignore_case=True)

    chat.get_by_role("button", name="Show the menu").click()
    expect(log).to_contain_text("quattro formaggi")
    screenshot(page, "widget-on-a-website")

    attack = '<img src=x onerror="window.__xss = 1"><b>bold</b>'
    replies = log.locator(".msg.bot").count()
    message.fill(attack)
    message.press("Enter")
    expect(log.locator(".msg.user").last).to_have_text(f"You: {attack}")
    expect(log.locator(".msg.bot")).not_to_have_count(replies)  # the bot answered it
    assert page.evaluate("() => window.__xss") is None
    assert log.locator("img, b").count() == 0

    conversation = stored_conversation(page)
    assert conversation
    parley.stop()
    expect(chat.get_by_role("status")).to_have_text("Reconnecting…")
    message.fill("when are you open")
    message.press("Enter")  # sent while the server is down: queued, then delivered
    parley.start()
    expect(chat.get_by_role("status")).to_have_text("Online", timeout=30_000)
    expect(log).to_contain_text("11:00", timeout=15_000)
    assert stored_conversation(page) == conversation

    message.fill("thanks")
    message.press("Enter")
    expect(log.locator(".msg.bot").last).not_to_contain_text("11:00")

    page.keyboard.press("Escape")
    expect(chat).to_be_hidden()
    expect(launcher).to_be_focused()


def test_widget_keeps_the_conversation_across_pages_of_the_site(
    page: Page, parley: EmbeddedParley, shop: Shop
) -> None:
    chat = open_chat(page, parley, shop)
    send(chat, "what's on the menu")
    expect(chat.get_by_role("log")).to_contain_text("margherita")
    conversation = stored_conversation(page)
    page.reload()
    chat = page.get_by_role("dialog", name="Luigi's helper")
    expect(chat).to_be_visible()
    expect(chat.get_by_role("log")).to_contain_text("margherita")
    expect(chat.get_by_role("status")).to_have_text("Online")
    assert stored_conversation(page) == conversation


def test_widget_shows_one_conversation_in_every_tab_of_the_site(
    page: Page, parley: EmbeddedParley, shop: Shop, admin: httpx.Client
) -> None:
    first = open_chat(page, parley, shop)
    send(first, "what's on the menu")
    expect(first.get_by_role("log")).to_contain_text("margherita")
    conversation = stored_conversation(page)

    other = page.context.new_page()  # a second tab of the same site
    second = open_chat(other, parley, shop)
    expect(second.get_by_role("log")).to_contain_text("margherita")  # what the first tab said
    expect(second.get_by_role("status")).to_have_text("Online")
    send(second, "when are you open")
    hours = second.get_by_role("log").locator(".msg.bot", has_text="11:00")
    expect(hours).to_have_count(1)
    # The first tab shows it too, at once, and each tab shows the answer once: only the tab that
    # sent a message sends it and takes its answer.
    expect(first.get_by_role("log").locator(".msg.user").last).to_have_text("You: when are you open")
    expect(first.get_by_role("log").locator(".msg.bot", has_text="11:00")).to_have_count(1)
    expect(first.get_by_role("log").locator(".msg.user.pending")).to_have_count(0)
    assert stored_conversation(other) == conversation

    def said() -> list[str]:
        transcript = admin.get(f"/api/v1/bots/pizzeria/conversations/{conversation}")
        turns = transcript.json()["turns"] if transcript.status_code == 200 else []
        return [turn["user_text"] for turn in turns if not turn["welcome"]]

    poll(page, lambda: "when are you open" in said(), "the turns recorded")
    assert said() == ["what's on the menu", "when are you open"]  # one conversation, each message once


def test_chat_page_is_served_with_the_widget(page: Page, parley: EmbeddedParley) -> None:
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(parley.url("/?bot=pizzeria"))
    chat = page.get_by_role("dialog", name="pizzeria")
    expect(chat.get_by_role("log")).to_contain_text("Welcome", ignore_case=True)
    screenshot(page, "chat-page")
    expect(page.locator("link[rel=icon]")).to_have_count(1)  # not a 404 for /favicon.ico on each load
    assert failed == []


def test_widget_keeps_working_when_the_page_moves_it(page: Page, parley: EmbeddedParley, shop: Shop) -> None:
    chat = open_chat(page, parley, shop)
    expect(chat.get_by_role("status")).to_have_text("Online")
    page.evaluate("() => document.querySelector('h1').append(document.querySelector('parley-chat'))")
    expect(page.locator("h1 parley-chat")).to_have_count(1)
    expect(page.get_by_role("button", name="Close chat", exact=True)).to_have_count(2)  # launcher, close
    send(chat, "what's on the menu")
    expect(chat.get_by_role("log")).to_contain_text("margherita")
    expect(chat.get_by_role("status")).to_have_text("Online")
