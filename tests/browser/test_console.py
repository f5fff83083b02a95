"""The console, as a bot builder uses it: sign in, create an intent with two examples and an
entity labelled by selecting its words, save, train, and see the intent in the test chat."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TOKEN, screenshot, select_words, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


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
    page.get_by_role("button", name="+ Add reply variant").click()
    page.get_by_role("textbox", name="Replies 1").fill("Sorry about that! ### We will make it right.")
    screenshot(page, "console-intent-editor")

    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()

    page.get_by_role("link", name="Train", exact=True).click()
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator(".job-status")).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(page.locator("[data-metric=in_scope_accuracy] dd")).to_contain_text("%")
    page.get_by_role("button", name="Check examples").click()
    scores = page.get_by_role("table", name="Per-intent scores")
    expect(scores.get_by_role("rowheader", name="complain")).to_be_visible(timeout=30_000)
    screenshot(page, "console-train-report")

    page.get_by_role("link", name="Test chat", exact=True).click()
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


def wait_for(check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_console_shows_conversations_and_analytics(page: Page, parley: EmbeddedParley) -> None:
    def admin_get(path: str) -> Any:
        response = httpx.get(parley.url(path), headers={"authorization": f"Bearer {TOKEN}"}, timeout=10)
        return response.raise_for_status().json()

    for text in ("hello", "what's on the menu", "blorp zzz qwerty"):
        response = httpx.post(parley.url("/api/v1/bots/pizzeria/chat"), json={"text": text}, timeout=10)
        assert response.is_success, response.text
    # The logger and analytics workers write off the turn path: wait until they have.
    wait_for(
        lambda: any(c["turn_count"] for c in admin_get("/api/v1/bots/pizzeria/conversations")),
        "the logged conversations",
    )
    wait_for(
        lambda: sum(d["turns"] for d in admin_get("/api/v1/bots/pizzeria/analytics")["days"]) >= 3,
        "the analytics aggregates",
    )
    sign_in(page, parley)
    page.goto(parley.url("/console/#/bots/pizzeria/conversations"))
    expect(page.get_by_role("navigation", name="Bot pizzeria")).to_be_visible()
    first = page.get_by_role("complementary", name="Conversations").get_by_role("link").first
    expect(first).to_be_visible(timeout=15_000)
    page.get_by_label("Only with fallbacks").check()
    expect(page.locator(".conversations a")).not_to_have_count(0, timeout=15_000)
    page.locator(".conversations a").first.click()
    expect(page.locator(".turn.fallback")).not_to_have_count(0)
    screenshot(page, "console-conversations")

    page.get_by_role("link", name="Analytics", exact=True).click()
    expect(page.get_by_role("figure").filter(has_text="Top intents per day")).to_be_visible(timeout=15_000)
    expect(page.locator(".metric", has_text="Turns").locator("dd").first).to_have_text(re.compile(r"^\d+$"))
    screenshot(page, "console-analytics")


def test_console_transcript_shows_the_entities_read_in_each_message(
    page: Page, parley: EmbeddedParley, admin: httpx.Client
) -> None:
    said = "a large margherita please"
    chat = admin.post("/api/v1/bots/pizzeria/chat", json={"text": said}).raise_for_status()
    conversation = chat.json()["conversation_id"]

    def logged() -> bool:
        turns = admin.get(f"/api/v1/bots/pizzeria/conversations/{conversation}").json().get("turns", [])
        return any(turn["user_text"] == said for turn in turns)

    wait_for(logged, "the logged turn")
    sign_in(page, parley, f"#/bots/pizzeria/conversations/{conversation}")
    turn = page.locator(".turn", has_text=said)
    expect(turn.locator("[data-entity=size]")).to_have_text("size=large")
    expect(turn.locator("[data-entity=pizza]")).to_have_text("pizza=margherita")


def test_api_keys_are_created_and_revoked_or_reported_unavailable(page: Page, parley: EmbeddedParley) -> None:
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
    expect(page.get_by_text("Copy it now")).to_have_count(0)  # a revoked key's secret leaves the screen


ACF_EXPORT = {
    "intents": [
        {
            "name": "Greeting",
            "intentId": "init_conversation",
            "userDefined": False,
            "apiTrigger": False,
            "speechResponse": "Hello from the <b>imported</b> bot",
            "parameters": [],
            "trainingData": [{"text": "hello", "entities": []}, {"text": "hi there", "entities": []}],
        },
        {
            "name": "Ask the weather",
            "intentId": "weather",
            "userDefined": True,
            "apiTrigger": False,
            "speechResponse": "It is sunny in {{ parameters['city'] }}",
            "parameters": [{"name": "city", "type": "city", "required": True, "prompt": "Which city?"}],
            "trainingData": [
                {"text": "weather in paris", "entities": [{"begin": 11, "end": 16, "name": "city"}]},
                {"text": "is it raining in rome", "entities": [{"begin": 17, "end": 21, "name": "city"}]},
            ],
        },
    ]
}


def test_console_imports_an_acf_export_edits_entity_synonyms_and_exports(
    page: Page, parley: EmbeddedParley, tmp_path: Path
) -> None:
    upload = tmp_path / "weather-bot.json"
    upload.write_text(json.dumps(ACF_EXPORT))
    sign_in(page, parley)
    page.get_by_label("Definition file").set_input_files(upload)
    expect(page.get_by_label("Bot name")).to_have_value("weather-bot")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("link", name="weather-bot", exact=True)).to_be_visible()

    page.get_by_role("link", name="weather-bot", exact=True).click()
    page.get_by_role("link", name="Entities", exact=True).click()
    page.get_by_role("complementary", name="Entities").get_by_role("link", name="city").click()
    page.get_by_label("Values with synonyms").check()
    page.get_by_label("New value").fill("paris")
    page.get_by_label("New value").press("Enter")
    synonyms = page.get_by_label("Synonyms of paris", exact=True).last
    synonyms.fill("paname, city of light")
    synonyms.press("Enter")
    expect(page.get_by_role("list", name="Synonyms of paris")).to_contain_text("city of light")
    screenshot(page, "console-entities")
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()

    saved = httpx.get(parley.url("/api/v1/bots/weather-bot"), headers={"authorization": f"Bearer {TOKEN}"})
    city = next(e for e in saved.json()["entities"] if e["name"] == "city")
    assert city["values"] == [{"value": "paris", "synonyms": ["paname", "city of light"]}]

    page.get_by_role("link", name="Settings", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export (AI Chatbot Framework)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert {i["intentId"] for i in exported["intents"]} >= {"init_conversation", "weather"}


def test_test_chat_shows_a_pressed_button_by_its_title(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley, "#/bots/pizzeria/chat")
    page.get_by_role("button", name="Show the menu").first.click()
    turn = page.locator(".turn").last
    expect(turn.locator(".bubble.user")).to_have_text("Show the menu")
    expect(turn.locator(".bubble.bot").first).to_contain_text("margherita", ignore_case=True)
