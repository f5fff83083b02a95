"""The widget's context reaches the welcome: a page that names its user in `data-context` gets
AI Chatbot Framework's default greeting, "Hi {{context["username"] }}", with the name, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import escape

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.server import Shop
from tests.e2e.acf_support import ACF_EXAMPLES
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BOT = "acf-welcome"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>My account</title></head>
<body><h1>Your orders</h1>
<script src="{server}/widget.js" data-bot="{bot}" data-title="Help" data-context="{context}" defer></script>
</body></html>"""


@pytest.fixture(scope="module")
def acf_bot(parley: EmbeddedParley) -> Iterator[str]:
    """ACF's default intents, imported unchanged (the welcome needs no training)."""
    headers = {**parley.admin, "content-type": "application/json"}
    document = (ACF_EXAMPLES / "default_intents.json").read_bytes()
    response = httpx.put(parley.url(f"/api/v1/bots/{BOT}"), content=document, headers=headers, timeout=30)
    assert response.status_code in {200, 201}, response.text
    yield BOT
    httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin, timeout=30)


def test_the_welcome_greets_the_user_the_page_names_once(
    page: Page, parley: EmbeddedParley, shop: Shop, acf_bot: str
) -> None:
    context = escape(json.dumps({"username": "Ann"}))
    shop.pages["/account"] = PAGE.format(server=parley.base_url, bot=acf_bot, context=context)
    page.goto(f"{shop.origin}/account")
    page.get_by_role("button", name="Open chat").click()
    log = page.get_by_role("dialog", name="Help").get_by_role("log")
    expect(log.locator(".msg.bot")).to_have_text(["Bot: Hi Ann", "Bot: What can i do for you ?"])

    page.reload()  # the same conversation, resumed: no second welcome
    chat = page.get_by_role("dialog", name="Help")
    expect(chat.get_by_role("status")).to_have_text("Online")
    chat.get_by_label("Message").fill("/init_conversation")
    chat.get_by_label("Message").press("Enter")
    # A welcome comes before any reply, so once the reply is in, a second one would be too.
    expect(chat.get_by_role("log").locator(".msg.bot")).to_have_text(
        ["Bot: Hi Ann", "Bot: What can i do for you ?", "Bot: Hi Ann", "Bot: What can i do for you ?"]
    )
