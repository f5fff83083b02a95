"""The Settings tab's built-in sentences (`settings.messages`) against the server: a message is
saved as worded, a cleared one is left out (the server then says the default), "Say nothing" saves
it empty, and the server's template errors are named by the message's label."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "messages-cafe"


@pytest.fixture
def cafe(admin: httpx.Client) -> Iterator[str]:
    """A copy of pizzeria that a test may change."""
    definition = admin.get("/api/v1/bots/pizzeria").raise_for_status().json()
    admin.put(f"/api/v1/bots/{BOT}", json={**definition, "name": BOT}).raise_for_status()
    try:
        yield BOT
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")


def _save(page: Page) -> None:
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()


def _messages(admin: httpx.Client) -> object:
    return admin.get(f"/api/v1/bots/{BOT}").raise_for_status().json().get("settings", {}).get("messages")


def test_built_in_sentences_are_saved_as_worded_and_cleared_to_their_defaults(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, cafe: str
) -> None:
    sign_in(page, parley, f"#/bots/{cafe}/settings")
    failed = page.get_by_role("textbox", name="A webhook failed")
    expect(failed).to_have_attribute("placeholder", "Service is not available. Please try again later.")
    failed.fill("Our kitchen is offline, sorry.")
    page.get_by_role("group", name="A value was replaced").get_by_label("Say nothing").check()
    _save(page)
    expect(page.get_by_text("Saved. Train the bot")).to_be_visible()
    assert _messages(admin) == {"corrected": "", "action_failed": "Our kitchen is offline, sorry."}

    failed.fill("")
    _save(page)  # over the version saved above: If-Match with its ETag
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()
    assert _messages(admin) == {"corrected": ""}


def test_a_refused_sentence_is_named_by_its_label(page: Page, parley: EmbeddedParley, cafe: str) -> None:
    sign_in(page, parley, f"#/bots/{cafe}/settings")
    page.get_by_role("textbox", name="Not one of the options").fill("Sorry, {% if value %}")
    _save(page)
    refusal = page.get_by_role("alert").filter(has_text="Not saved")
    expect(refusal).to_contain_text("Settings, message “Not one of the options”: ")
    expect(refusal).not_to_contain_text("settings.messages")
