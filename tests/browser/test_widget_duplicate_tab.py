"""A duplicated tab: the browser copies the tab's sessionStorage, its tab id included, and the
widget's pages tell the copy from the tab's next page over a BroadcastChannel (web/README.md)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import poll
from tests.browser.server import Shop
from tests.browser.test_widget import open_chat, send
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


def tab_id(page: Page, parley: EmbeddedParley) -> str | None:
    """The tab id the widget keeps in the page's sessionStorage."""
    record = page.evaluate("key => sessionStorage.getItem(key)", f"parley-chat:{parley.base_url}:pizzeria")
    return json.loads(record).get("tab") if record else None


def duplicate(page: Page) -> Page:
    """A copy of `page` as "Duplicate tab" makes it: its sessionStorage copied before the page's
    scripts run (Playwright has no such command)."""
    copied = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    copy = page.context.new_page()
    copy.add_init_script(f"for (const [k, v] of {copied}) sessionStorage.setItem(k, v);")
    copy.goto(page.url)
    return copy


def test_a_duplicated_tab_takes_its_own_id_and_the_next_page_keeps_the_tabs(
    page: Page, parley: EmbeddedParley, shop: Shop
) -> None:
    first = open_chat(page, parley, shop)
    send(first, "what's on the menu")
    expect(first.get_by_role("log")).to_contain_text("margherita")
    original = tab_id(page, parley)
    assert original

    copy = duplicate(page)  # with the original's id, which it gives up once the original answers
    poll(copy, lambda: tab_id(copy, parley) not in (None, original), "the duplicated tab's new id")
    second = copy.get_by_role("dialog", name="Luigi's helper")
    expect(second.get_by_role("status")).to_have_text("Online")
    send(second, "when are you open")
    expect(second.get_by_role("log").locator(".msg.bot", has_text="11:00")).to_have_count(1)
    expect(first.get_by_role("log").locator(".msg.bot", has_text="11:00")).to_have_count(1)

    # The messages each tab sent carry its own id.
    items = page.evaluate(
        "key => JSON.parse(localStorage.getItem(key)).items", f"parley-chat:{parley.base_url}:pizzeria"
    )
    tabs = {item["text"]: item.get("tab") for item in items if item["from"] == "user"}
    assert tabs == {"what's on the menu": original, "when are you open": tab_id(copy, parley)}

    page.reload()  # the original tab's next page: the page before it is gone, the id stays
    expect(page.get_by_role("dialog", name="Luigi's helper").get_by_role("status")).to_have_text("Online")
    assert tab_id(page, parley) == original
