"""An intent's details in the console and the test chat: a parameter may take a built-in entity, the
webhook's headers box follows the draft and refuses lines it cannot read (and Save with them),
deleting an intent says what triggers it, and a reply stays with the message it answers when the
console's parse fails."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Dialog, Page, Route, WebSocketRoute, expect

from tests.browser.conftest import poll, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "details"
DEFINITION: dict[str, Any] = {
    "name": BOT,
    "intents": [
        {
            "id": "book",
            "examples": ["a table for 4 people tomorrow", "book a table"],
            "parameters": [
                {"name": "guests", "entity": "number", "prompt": ["How many?"]},
                {"name": "day", "entity": "date", "prompt": ["Which day?"]},
                {"name": "size", "entity": "size", "prompt": ["Which size?"], "required": False},
            ],
            "replies": ["Booked."],
            "buttons": [{"title": "Never mind", "payload": "/cancel"}],
            "action": {"url": "https://api.example.com/book", "headers": {"X-Token": "abc"}},
        },
        {"id": "cancel", "examples": ["cancel"], "replies": ["Cancelled."]},
    ],
    "entities": [{"name": "size", "values": [{"value": "large"}, {"value": "small"}]}],
}


@pytest.fixture
def bot(admin: httpx.Client) -> Iterator[dict[str, Any]]:
    admin.put(f"/api/v1/bots/{BOT}", json=DEFINITION).raise_for_status()
    try:
        yield DEFINITION
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")


def _saved(admin: httpx.Client) -> dict[str, Any]:
    return admin.get(f"/api/v1/bots/{BOT}").raise_for_status().json()


def _entity_select(page: Page, parameter: str) -> Any:
    return page.get_by_role("group", name=parameter, exact=True).get_by_label("Entity")


def test_a_parameter_takes_a_built_in_entity_and_shows_one_the_bot_lacks(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, bot: dict[str, Any]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # deleting the entity that size uses
    sign_in(page, parley, f"#/bots/{BOT}/intents/book")
    guests, day, size = (_entity_select(page, name) for name in ("guests", "day", "size"))
    expect(guests).to_have_value("number")
    expect(day).to_have_value("date")
    built_in = guests.locator("optgroup[label^='Built in'] option")
    expect(built_in).to_have_count(5)
    assert [o.get_attribute("value") for o in built_in.all()] == [
        "number",
        "ordinal",
        "duration",
        "date",
        "time",
    ]
    expect(guests.locator('optgroup[label="This bot\'s entities"] option')).to_have_text(["size"])
    choices = page.get_by_role("group", name="guests", exact=True).get_by_role("group", name="Choices")
    expect(choices).to_have_accessible_name("Choices (the only answers accepted; offered as quick replies)")

    size.select_option("time")
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()
    assert [p["entity"] for p in _saved(admin)["intents"][0]["parameters"]] == ["number", "date", "time"]

    # A name the bot neither declares nor has built in is shown, not a blank select.
    size.select_option("size")
    page.get_by_role("link", name="Entities", exact=True).click()
    page.get_by_role("link", name=re.compile("^size")).click()
    page.get_by_role("button", name="Delete entity").click()
    page.get_by_role("link", name="Intents", exact=True).click()
    page.get_by_role("link", name=re.compile("^book")).click()
    expect(size).to_have_value("size")
    expect(size.locator("option:checked")).to_have_text("size (not an entity of this bot)")
    assert size.evaluate("select => select.selectedIndex") >= 0


def test_a_bots_own_entity_of_a_built_ins_name_replaces_it_in_the_select(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, bot: dict[str, Any]
) -> None:
    own = {
        **DEFINITION,
        "entities": [*DEFINITION["entities"], {"name": "date", "values": [{"value": "today"}]}],
    }
    admin.put(f"/api/v1/bots/{BOT}", json=own).raise_for_status()
    sign_in(page, parley, f"#/bots/{BOT}/intents/book")
    day = _entity_select(page, "day")
    expect(day).to_have_value("date")
    expect(day.locator("option[value=date]")).to_have_count(1)
    expect(day.locator("option:checked")).to_have_text("date (the bot's own, in place of the built-in)")
    expect(day.locator("optgroup[label^='Built in'] option[value=date]")).to_have_count(0)


def test_the_headers_box_follows_discard_and_reload_and_refuses_a_line_it_cannot_read(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, bot: dict[str, Any]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # "Discard the unsaved changes?"
    unsaved = page.get_by_role("region", name="Unsaved changes")
    sign_in(page, parley, f"#/bots/{BOT}/intents/book")
    headers = page.get_by_label("Headers (one “Name: value” per line)")
    expect(headers).to_have_value("X-Token: abc")

    headers.fill("X-Token: CHANGED")
    unsaved.get_by_role("button", name="Discard").click()
    expect(unsaved).to_be_hidden()
    expect(headers).to_have_value("X-Token: abc")
    headers.press("End")
    headers.press_sequentially("d")
    unsaved.get_by_role("button", name="Save").click()
    expect(unsaved).to_be_hidden()
    assert _saved(admin)["intents"][0]["action"]["headers"] == {"X-Token": "abcd"}

    # Someone else saves meanwhile: Save is refused, and "Reload (lose my changes)" shows theirs.
    theirs = json.loads(json.dumps(DEFINITION))
    theirs["intents"][0]["action"]["headers"] = {"X-Token": "theirs"}
    headers.fill("X-Token: mine")
    admin.put(f"/api/v1/bots/{BOT}", json=theirs).raise_for_status()
    unsaved.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Reload (lose my changes)").click()
    expect(headers).to_have_value("X-Token: theirs")
    expect(unsaved).to_be_hidden()

    headers.fill("X-Token: theirs\nX-Shop: cafe\nBroken header line")
    headers.blur()
    problem = page.get_by_role("alert").filter(has_text="Broken header line")
    expect(problem).to_contain_text("Line 3 (“Broken header line”) has no colon")
    expect(problem).to_contain_text(
        "nothing in this box reaches the draft, and Save is refused"
        " (the draft keeps the headers X-Token: theirs)."
    )
    expect(headers).to_have_attribute("aria-invalid", "true")
    expect(unsaved).to_be_hidden()  # nothing from the box reached the draft

    headers.fill("X-Token: theirs\nX-Shop: cafe")
    expect(problem).to_have_count(0)
    unsaved.get_by_role("button", name="Save").click()
    expect(unsaved).to_be_hidden()
    assert _saved(admin)["intents"][0]["action"]["headers"] == {"X-Token": "theirs", "X-Shop": "cafe"}


def test_save_is_refused_while_a_headers_box_holds_a_line_it_cannot_read(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, bot: dict[str, Any]
) -> None:
    questions = _dismissing(page)
    puts: list[str] = []
    page.on("request", lambda request: puts.append(request.url) if request.method == "PUT" else None)
    unsaved = page.get_by_role("region", name="Unsaved changes")
    not_saved = page.get_by_role("alert").filter(has_text="Not saved")
    sign_in(page, parley, f"#/bots/{BOT}/intents/book")
    headers = page.get_by_label("Headers (one “Name: value” per line)")
    expect(headers).to_have_value("X-Token: abc")

    page.get_by_label("Display name").fill("Book a table")
    page.get_by_role("button", name="+ Add button").click()
    headers.fill("X-Token: new\nBroken header line")
    unsaved.get_by_role("button", name="Save").click()
    expect(not_saved).to_contain_text("Intent book: button 2 needs a title and a payload.")
    expect(not_saved).to_contain_text(
        "Intent book, webhook headers: Line 2 (“Broken header line”) has no colon"
    )

    # Shown on another intent, then on another tab, the box still refuses the save.
    page.get_by_role("button", name="Remove button 2").click()
    page.get_by_role("link", name=re.compile("^cancel")).click()
    expect(page.get_by_role("heading", name="cancel", exact=True)).to_be_visible()
    page.get_by_role("link", name="Train", exact=True).click()
    expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible()
    unsaved.get_by_role("button", name="Save").click()
    expect(not_saved).not_to_contain_text("Fill in or remove")
    expect(not_saved).to_contain_text("Intent book, webhook headers: Line 2 (“Broken header line”)")
    assert puts == []
    assert _saved(admin)["intents"][0]["action"]["headers"] == {"X-Token": "abc"}

    # Back at the intent, the box shows what was typed and why it is refused, at once.
    page.get_by_role("link", name="Intents", exact=True).click()
    page.get_by_role("link", name=re.compile("^book")).click()
    expect(headers).to_have_value("X-Token: new\nBroken header line")
    expect(headers).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text="Save is refused")).to_contain_text("Line 2")

    # Renamed, the intent keeps its box, and the refusal names it by its new id.
    page.get_by_role("button", name="Rename intent").click()
    rename = page.get_by_role("form", name="Rename intent").get_by_role("textbox")
    expect(rename).to_be_focused()
    rename.fill("reserve")
    rename.press("Enter")
    expect(page.get_by_role("heading", name="reserve", exact=True)).to_be_visible()
    expect(headers).to_have_value("X-Token: new\nBroken header line")
    unsaved.get_by_role("button", name="Save").click()
    expect(not_saved).to_contain_text("Intent reserve, webhook headers: Line 2")
    headers.fill("X-Token: new")
    unsaved.get_by_role("button", name="Save").click()
    expect(unsaved).to_be_hidden()
    saved = _saved(admin)["intents"][0]
    assert (saved["id"], saved["name"]) == ("reserve", "Book a table")
    assert saved["action"]["headers"] == {"X-Token": "new"}

    # Leaving the bot from another tab asks first: the line is in no draft, only in the box.
    headers.fill("X-Token: new\nBroken")
    page.get_by_role("link", name="Train", exact=True).click()
    expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible()
    expect(unsaved).to_be_hidden()
    page.get_by_role("heading", level=1).get_by_role("link", name="Bots").click()
    poll(page, lambda: bool(questions), "the question before leaving the bot")
    assert questions == [
        f"Text typed in “Headers” of intent reserve is not added to {BOT}. Leave without adding it?"
    ]
    expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible()


def test_deleting_an_intent_names_the_buttons_that_trigger_it(
    page: Page, parley: EmbeddedParley, bot: dict[str, Any]
) -> None:
    questions = _dismissing(page)
    sign_in(page, parley, f"#/bots/{BOT}/intents/cancel")
    page.get_by_role("button", name="Delete intent").click()
    poll(page, lambda: bool(questions), "the question before deleting")
    assert questions[0].startswith("Delete the intent “cancel”?\n")
    assert "• button “Never mind” of intent book" in questions[0]
    assert "It is the cancel intent in Settings: without it, the bot has no cancel intent." in questions[0]
    expect(page.get_by_role("heading", name="cancel", exact=True)).to_be_visible()


def test_a_reply_stays_with_its_message_when_the_parse_fails(page: Page, parley: EmbeddedParley) -> None:
    """The bot's answers are held until the console's parse has failed: the order the defect needed."""
    parses: list[str] = []
    held: list[tuple[WebSocketRoute, str | bytes]] = []
    holding = {"on": False}

    def fail(route: Route) -> None:
        parses.append(route.request.post_data or "")
        route.fulfill(status=500, json={"error": {"code": "internal", "message": "boom"}})

    def through(ws: WebSocketRoute) -> None:
        def from_server(message: str | bytes) -> None:
            if holding["on"] and "bot_message" in str(message):
                held.append((ws, message))
            else:
                ws.send(message)

        ws.connect_to_server().on_message(from_server)

    page.route("**/api/v1/bots/pizzeria/parse", fail)
    page.route_web_socket(re.compile(r"/ws/chat"), through)
    sign_in(page, parley, "#/bots/pizzeria/chat")
    turns = page.locator(".turn")
    welcome = re.compile(r"welcome to Parley Pizza", re.IGNORECASE)  # one of the greeting's variants
    expect(turns.first.locator(".bubble.bot").first).to_contain_text(welcome)
    replies = page.get_by_role("log", name="Bot replies")
    expect(replies).to_contain_text(re.compile(r"^Bot: .*welcome to Parley Pizza", re.IGNORECASE))
    holding["on"] = True

    for number, text in enumerate(["hello", "I want a large pizza"], start=1):
        page.get_by_label("Message to the bot").fill(text)
        page.get_by_label("Message to the bot").press("Enter")
        turn = turns.filter(has=page.locator(".bubble.user", has_text=text))
        expect(turn.locator(".debug")).to_contain_text("No ranking: the parse failed")
        poll(page, lambda n=number: len(held) >= n, f"the answer to {text!r}")
        ws, message = held[number - 1]
        ws.send(message)
        answer = turn.locator(".bubble.bot").first
        expect(answer).to_be_visible()
        expect(turn.locator(".bubble.error")).to_have_count(0)
        expect(turn.get_by_text("…", exact=True)).to_have_count(0)
        expect(replies).to_contain_text(f"Bot: {answer.inner_text()}")

    expect(turns).to_have_count(3)  # the welcome and the two messages; no answer on a turn of its own
    expect(turns.filter(has_text="I want a large pizza").locator("[data-intent]")).to_have_text("order_pizza")
    assert len(parses) == 2


def _dismissing(page: Page) -> list[str]:
    """The questions the page asks (confirm dialogs) from now on, each answered "Cancel"."""
    questions: list[str] = []

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    return questions


def test_a_new_parameter_must_be_named_and_given_a_prompt_before_it_is_saved(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, bot: dict[str, Any]
) -> None:
    unsaved = page.get_by_role("region", name="Unsaved changes")
    not_saved = page.get_by_role("alert").filter(has_text="Not saved")
    sign_in(page, parley, f"#/bots/{BOT}/intents/book")
    page.get_by_role("button", name="Add parameter").click()
    added = page.get_by_role("group", name="parameter 4", exact=True)
    name = added.get_by_label("Name")
    expect(name).to_be_focused()
    expect(name).to_have_value("")
    expect(added).to_contain_text("Required, so the bot asks for it: write a prompt, or untick Required.")
    unsaved.get_by_role("button", name="Save").click()
    expect(not_saved).to_contain_text("Intent book: parameter 4 needs a name.")
    expect(not_saved).to_contain_text("Intent book, parameter 4: prompt variant 1 is empty.")
    assert len(_saved(admin)["intents"][0]["parameters"]) == 3

    name.fill("phone")
    phone = page.get_by_role("group", name="phone", exact=True)
    phone.get_by_role("textbox", name="Prompts for phone 1").fill("What number can we call?")
    expect(phone).not_to_contain_text("Required, so the bot asks for it")
    unsaved.get_by_role("button", name="Save").click()
    expect(unsaved).to_be_hidden()
    saved = _saved(admin)["intents"][0]["parameters"][3]
    assert (saved["name"], saved["prompt"]) == ("phone", ["What number can we call?"])
