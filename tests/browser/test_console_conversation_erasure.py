"""The console's "Delete conversation" erases a transcript for a user who asks: after its
confirmation the conversation leaves the list, and the server has it no more; dismissing the
confirmation deletes nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import poll, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "erasure-desk"
DEFINITION = {
    "name": BOT,
    "intents": [
        {"id": "hours", "examples": ["when are you open", "opening hours"], "replies": ["Nine to five."]},
        {"id": "fallback", "replies": ["Sorry?"]},
    ],
}


@pytest.fixture
def conversation(admin: httpx.Client) -> Iterator[str]:
    """The id of a logged conversation of a bot of its own."""
    admin.put(f"/api/v1/bots/{BOT}", json=DEFINITION).raise_for_status()
    try:
        answer = admin.post(f"/api/v1/bots/{BOT}/chat", json={"text": "/hours"}).raise_for_status().json()
        deadline = time.monotonic() + 30  # the logger writes off the turn path
        while admin.get(f"/api/v1/bots/{BOT}/conversations/{answer['conversation_id']}").status_code != 200:
            assert time.monotonic() < deadline, "timed out waiting for the logged conversation"
            time.sleep(0.1)
        yield answer["conversation_id"]
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")


def test_delete_conversation_erases_it_after_its_confirmation(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, conversation: str
) -> None:
    sign_in(page, parley, f"#/bots/{BOT}/conversations/{conversation}")
    listed = page.get_by_role("complementary", name="Conversations").get_by_role("link")
    expect(listed).to_have_count(1)
    answers: list[bool] = [False, True]

    def answer(dialog: Dialog) -> None:
        assert conversation in dialog.message and "cannot be undone" in dialog.message
        dialog.accept() if answers.pop(0) else dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name="Delete conversation").click()  # dismissed: nothing happens
    expect(listed).to_have_count(1)
    assert admin.get(f"/api/v1/bots/{BOT}/conversations/{conversation}").status_code == 200
    page.get_by_role("button", name="Delete conversation").click()
    expect(listed).to_have_count(0)

    def gone() -> bool:
        return admin.get(f"/api/v1/bots/{BOT}/conversations/{conversation}").status_code == 404

    poll(page, gone, "the transcript erased")
