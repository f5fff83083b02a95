"""The console, as a bot builder uses it: sign in, create an intent with two examples and an
entity labelled by selecting its words, save, train, and see the intent in the test chat."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TOKEN, screenshot
from tests.browser.server import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


def sign_in(page: Page, parley: EmbeddedParley) -> None:
    page.goto(parley.url("/console/"))
    page.get_by_label("Admin key").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="pizzeria", exact=True)).to_be_visible()


def select_words(page: Page, example: str, words: str) -> None:
    """Drag the mouse across `words` inside the example sentence, as a user selects text."""
    box = page.locator(".example-text", has_text=example).evaluate(
        """(element, words) => {
            const node = [...element.querySelectorAll("span")].find((s) => s.textContent.includes(words)).firstChild;
            const range = document.createRange();
            const at = node.textContent.indexOf(words);
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const r = range.getBoundingClientRect();
            return { left: r.left, right: r.right, y: r.top + r.height / 2 };
        }""",
        words,
    )
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["y"], steps=5)
    page.mouse.up()


def test_console_builds_an_intent_trains_it_and_chats_with_it(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    screenshot(page, "console-bots")
    page.get_by_role("link", name="pizzeria", exact=True).click()

    page.get_by_label("New intent id").fill("complain")
    page.get_by_role("button", name="Add intent").click()
    expect(page.get_by_role("heading", name="complain")).to_be_visible()
    for sentence in ("my large pizza arrived cold", "the pizza was burnt and soggy"):
        page.get_by_label("New example").fill(sentence)
        page.get_by_label("New example").press("Enter")
        expect(page.locator(".example-text", has_text=sentence)).to_be_visible()

    select_words(page, "my large pizza arrived cold", "large")
    label_form = page.get_by_role("form", name="Label an entity")
    expect(label_form.get_by_label("Words")).to_have_value("large")
    label_form.get_by_label("Entity").select_option("size")
    label_form.get_by_role("button", name="Label").click()
    expect(page.locator(".example-text mark[data-entity=size]")).to_have_text("large")
    page.get_by_role("textbox", name="Replies 1").fill("Sorry about that! ### We'll make it right.") if False else None
    page.get_by_role("button", name="+ Add reply variant").click()
    page.get_by_label("Replies 1").fill("Sorry about that! ### We will make it right.")
    screenshot(page, "console-intent-editor")

    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()

    page.get_by_role("link", name="Train").click()
    page.get_by_role("button", name="Train").click()
    expect(page.locator(".job-status")).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(page.locator("[data-metric=accuracy] dd")).to_contain_text("%")
    page.get_by_role("button", name="Check examples").click()
    expect(page.get_by_role("table", name="Per-intent scores").get_by_role("rowheader", name="complain")).to_be_visible(
        timeout=30_000
    )
    screenshot(page, "console-train-report")

    page.get_by_role("link", name="Test chat").click()
    expect(page.get_by_role("status").filter(has_text="connected")).to_be_visible()
    page.get_by_label("Message to the bot").fill("my pizza arrived cold")
    page.get_by_label("Message to the bot").press("Enter")
    turn = page.locator(".turn", has_text="my pizza arrived cold")
    expect(turn.locator("[data-intent]")).to_have_text("complain", timeout=15_000)
    expect(turn.locator(".bubble.bot").first).to_have_text("Sorry about that!")
    expect(turn.get_by_role("list", name="Intent ranking")).to_be_visible()
    page.get_by_label("Message to the bot").fill("I want a large pizza")
    page.get_by_label("Message to the bot").press("Enter")
    order = page.locator(".turn", has_text="I want a large pizza")
    expect(order.locator("[data-intent]")).to_have_text("order_pizza", timeout=15_000)
    expect(order.locator(".debug")).to_contain_text("size=")
    expect(order.locator(".debug")).to_contain_text("missing")
    screenshot(page, "console-test-chat")


def test_console_shows_conversations_and_analytics(page: Page, parley: EmbeddedParley) -> None:
    for text in ("hello", "what's on the menu", "blorp zzz qwerty"):
        response = page.request.post(parley.url("/api/v1/bots/pizzeria/chat"), data={"text": text})
        assert response.ok, response.text()
    sign_in(page, parley)
    page.goto(parley.url("/console/#/bots/pizzeria/conversations"))
    expect(page.get_by_role("navigation", name="Bot pizzeria")).to_be_visible()
    first = page.get_by_role("complementary", name="Conversations").get_by_role("link").first
    expect(first).to_be_visible(timeout=15_000)
    page.get_by_label("Only with fallbacks").check()
    expect(page.locator(".conversations a")).not_to_have_count(0, timeout=15_000)
    page.locator(".conversations a").first.click()
    expect(page.locator(".turn.fallback")).to_have_count(1)
    screenshot(page, "console-conversations")

    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("figure").filter(has_text="Top intents per day")).to_be_visible(timeout=15_000)
    expect(page.locator(".metric", has_text="Turns")).not_to_contain_text("–")
    screenshot(page, "console-analytics")


def test_api_keys_page_creates_and_revokes_a_key_or_says_it_is_not_available(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    page.get_by_role("link", name="API keys").click()
    unavailable = page.get_by_text("Not available on this server.")
    form = page.get_by_role("form", name="New key")
    expect(unavailable.or_(form)).to_be_visible()
    if unavailable.is_visible():
        return
    form.get_by_label("Name").fill("website widget")
    form.get_by_label("Bots").fill("pizzeria")
    form.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("alert")).to_contain_text("pk_")
    row = page.get_by_role("row", name="website widget")
    expect(row).to_contain_text("chat")
    screenshot(page, "console-api-keys")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke website widget").click()
    expect(row).to_contain_text("revoked")
