"""Leaving a bot asks about the work the user is doing at that moment: an edit committed by the
very click that leaves (a synonym committed on blur), and text typed into an "add" input but not
added."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import poll, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


def _answering(page: Page, leave: bool) -> list[str]:
    asked: list[str] = []
    page.on(
        "dialog",
        lambda dialog: (asked.append(dialog.message), dialog.accept() if leave else dialog.dismiss()),
    )
    return asked


def test_a_synonym_committed_by_the_click_on_a_link_is_asked_about(
    page: Page, parley: EmbeddedParley
) -> None:
    sign_in(page, parley, "#/bots/pizzeria/entities/size")
    asked = _answering(page, leave=False)
    synonym = page.get_by_placeholder("Add synonym…").first
    synonym.fill("humongous")  # not committed yet: no Enter, the blur commits it
    expect(page.get_by_role("region", name="Unsaved changes")).to_have_count(0)
    address = page.url
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Bots").click()
    poll(page, lambda: len(asked) == 1, "the question whether to leave")
    assert "unsaved changes" in asked[0]
    expect(page).to_have_url(address)
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_visible()
    expect(page.get_by_role("list", name=re.compile("^Synonyms of")).first).to_contain_text("humongous")


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("#/bots/pizzeria/intents/greet", "New example"),
        ("#/bots/pizzeria/entities/size", "New value"),
        ("#/bots/pizzeria/intents", "New intent id"),
    ],
)
def test_text_typed_but_not_added_is_asked_about(
    page: Page, parley: EmbeddedParley, address: str, label: str
) -> None:
    sign_in(page, parley, address)
    asked = _answering(page, leave=False)
    page.get_by_label(label, exact=True).fill("good evening")
    here = page.url
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Bots").click()
    poll(page, lambda: len(asked) == 1, "the question whether to leave")
    assert label in asked[0]
    expect(page).to_have_url(here)
    expect(page.get_by_label(label, exact=True)).to_have_value("good evening")

    page.get_by_label(label, exact=True).fill("")  # nothing typed any more: leaves without asking
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Bots").click()
    expect(page.get_by_role("heading", name="Bots", exact=True)).to_be_visible()
    assert len(asked) == 1


def test_discard_asks_first_naming_what_it_throws_away(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    name = page.get_by_label("Display name")
    saved_name = name.input_value()
    name.fill("Say hello (edited)")
    savebar = page.get_by_role("region", name="Unsaved changes")
    answers = [False, True]
    asked: list[str] = []
    page.on(
        "dialog",
        lambda dialog: (
            asked.append(dialog.message),
            dialog.accept() if answers.pop(0) else dialog.dismiss(),
        ),
    )
    savebar.get_by_role("button", name="Discard").click()
    poll(page, lambda: len(asked) == 1, "the question whether to discard")
    assert "Discard the unsaved changes to pizzeria (intent greet)" in asked[0]
    expect(name).to_have_value("Say hello (edited)")
    expect(savebar).to_be_visible()

    savebar.get_by_role("button", name="Discard").click()
    expect(savebar).to_be_hidden()
    expect(name).to_have_value(saved_name)
    assert len(asked) == 2
