"""The console on a phone (375 px wide): the pages fit the screen, tables included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

WIDTH = 375


def right_edge(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("(element) => element.getBoundingClientRect().right")


def test_bots_and_entity_values_fit_a_phone_screen(page: Page, parley: EmbeddedParley) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 667})
    sign_in(page, parley)
    delete = page.get_by_role("button", name="Delete pizzeria")
    expect(delete).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert right_edge(page, "button[aria-label='Delete pizzeria']") <= WIDTH

    page.goto(parley.url("/console/#/bots/pizzeria/entities/size"))
    expect(page.get_by_role("heading", name="Values")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert right_edge(page, "article.editor table") <= right_edge(page, "article.editor")
    assert right_edge(page, "button[aria-label='Remove value large']") <= WIDTH
