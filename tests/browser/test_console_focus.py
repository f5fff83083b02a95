"""Keyboard focus in the examples editor stays on the page: after deleting an example it moves to
the next example's Edit button, and closing an example's editor (Escape, Enter) returns it to the
example's Edit button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


def _focused_label(page: Page) -> str | None:
    return page.evaluate(
        "() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName"
    )


def test_deleting_an_example_moves_focus_to_the_next_one(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    examples = page.locator("li.example")
    second = examples.nth(1).locator(".example-text").inner_text()
    page.get_by_role("button", name="Delete example 1").focus()
    page.keyboard.press("Enter")
    expect(examples.first.locator(".example-text")).to_have_text(second)
    expect(page.get_by_role("button", name="Edit example 1")).to_be_focused()


def test_escape_in_an_examples_editor_returns_focus_to_its_edit_button(
    page: Page, parley: EmbeddedParley
) -> None:
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    page.get_by_role("button", name="Edit example 2").focus()
    page.keyboard.press("Enter")
    editor = page.get_by_label("Example 2", exact=True)
    expect(editor).to_be_focused()
    page.keyboard.press("Escape")
    expect(editor).to_have_count(0)
    expect(page.get_by_role("button", name="Edit example 2")).to_be_focused()

    page.keyboard.press("Enter")
    expect(editor).to_be_focused()
    editor.press("End")
    page.keyboard.type(" you")
    page.keyboard.press("Enter")  # changed: the row is drawn anew, focus still lands on it
    expect(page.get_by_role("button", name="Edit example 2")).to_be_focused()
    assert _focused_label(page) == "Edit example 2"
