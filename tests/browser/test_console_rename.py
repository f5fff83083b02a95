"""Renaming in the console: an intent's id and an entity's name change with everything in the bot
that names them (a setting and a button's payload; a parameter and a label), as one more edit of
the draft that Discard puts back and Save saves."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "renaming"
MISTYPED = {
    "name": BOT,
    "settings": {"welcome_intent": "helo"},
    "intents": [
        {"id": "helo", "examples": ["hi", "hello there"], "replies": ["Hello!"]},
        {
            "id": "order",
            "examples": [
                "a pizza please",
                {"text": "a large pizza", "entities": [{"entity": "pizza_sise", "start": 2, "end": 7}]},
            ],
            "parameters": [{"name": "size", "entity": "pizza_sise", "prompt": ["Which size?"]}],
            "replies": ["A {{ parameters.size }} pizza it is."],
            "buttons": [{"title": "Start again", "payload": "/helo"}],
        },
    ],
    "entities": [{"name": "pizza_sise", "values": [{"value": "large"}, {"value": "small"}]}],
}


def _rename(page: Page, what: str, to: str) -> None:
    """Open the rename form from the keyboard and type the new name over the current one."""
    page.get_by_role("button", name=f"Rename {what}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("form", name=f"Rename {what}").get_by_role("textbox")).to_be_focused()
    page.keyboard.type(to)
    page.keyboard.press("Enter")


def test_renaming_an_intent_and_an_entity_renames_what_names_them(
    page: Page, parley: EmbeddedParley, admin: httpx.Client
) -> None:
    admin.put(f"/api/v1/bots/{BOT}", json=MISTYPED).raise_for_status()
    saves: list[dict[str, str]] = []
    page.on(
        "request", lambda r: saves.append(r.headers) if r.method == "PUT" and r.url.endswith(BOT) else None
    )
    page.on("dialog", lambda dialog: dialog.accept())  # "Discard the unsaved changes?"
    unsaved = page.get_by_role("region", name="Unsaved changes")
    try:
        sign_in(page, parley, f"#/bots/{BOT}/intents/helo")
        _rename(page, "intent", "order")
        expect(page.get_by_role("alert")).to_contain_text("An intent “order” exists already.")
        expect(page.get_by_role("heading", name="helo", exact=True)).to_be_visible()
        expect(unsaved).to_be_hidden()
        page.keyboard.press("Escape")
        expect(page.get_by_role("button", name="Rename intent")).to_be_focused()

        _rename(page, "intent", "hello")
        expect(page.get_by_role("heading", name="hello", exact=True)).to_be_visible()
        expect(page).to_have_url(re.compile(r"#/bots/renaming/intents/hello$"))
        unsaved.get_by_role("button", name="Discard").click()
        expect(
            page.get_by_role("complementary", name="Intents").get_by_role("link", name=re.compile("^helo"))
        ).to_be_visible()
        expect(unsaved).to_be_hidden()

        page.goto(parley.url(f"/console/#/bots/{BOT}/intents/helo"))
        _rename(page, "intent", "hello")
        notice = page.get_by_role("status").get_by_text("Renamed intent “helo” to “hello”. Save, then train")
        expect(notice.last).to_be_visible()  # the first rename's may still show too
        page.get_by_role("link", name="Entities", exact=True).click()
        page.get_by_role("link", name=re.compile("^pizza_sise")).click()
        _rename(page, "entity", "pizza_size")
        expect(page.get_by_role("heading", name="pizza_size", exact=True)).to_be_visible()
        unsaved.get_by_role("button", name="Save").click()
        expect(unsaved).to_be_hidden()
        assert saves and saves[-1].get("if-match")

        page.reload()
        expect(page.get_by_role("heading", name="pizza_size", exact=True)).to_be_visible()
        saved = admin.get(f"/api/v1/bots/{BOT}").raise_for_status().json()
        assert saved["settings"]["welcome_intent"] == "hello"
        assert [intent["id"] for intent in saved["intents"]] == ["hello", "order"]
        order = saved["intents"][1]
        assert order["buttons"] == [{"title": "Start again", "payload": "/hello"}]
        assert order["parameters"][0]["entity"] == "pizza_size"
        assert order["examples"][1]["entities"][0]["entity"] == "pizza_size"
        assert [entity["name"] for entity in saved["entities"]] == ["pizza_size"]
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")
