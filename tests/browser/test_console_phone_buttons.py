"""The intent editor's Buttons rows fit a phone screen (375 px): title, payload and the remove
button side by side, inside the editor."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

WIDTH = 375


def _right(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("(element) => element.getBoundingClientRect().right")


def test_the_buttons_rows_fit_a_phone_screen(page: Page, parley: EmbeddedParley) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 667})
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    page.get_by_role("button", name="+ Add button").click()
    remove = page.get_by_role("button", name="Remove button 1")
    expect(remove).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert _right(page, "button[aria-label='Remove button 1']") <= _right(page, "article.editor")
