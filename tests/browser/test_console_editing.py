"""Editing a bot in the console: unsaved work is never lost without asking."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import poll, select_words, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


def test_leaving_a_bot_with_unsaved_changes_asks_first(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")  # from the list of bots
    name = page.get_by_label("Display name")
    name.fill("Say hello (edited)")
    unsaved = page.get_by_role("region", name="Unsaved changes")
    expect(unsaved).to_be_visible()

    asked: list[str] = []
    leave = False  # the user's answer to "leave without saving?"
    page.on(
        "dialog",
        lambda dialog: (asked.append(dialog.message), dialog.accept() if leave else dialog.dismiss()),
    )
    console = page.get_by_role("navigation", name="Console")
    for go in (
        page.go_back,
        console.get_by_role("link", name="API keys").click,
        console.get_by_role("link", name="Bots").click,
    ):
        address, questions = page.url, len(asked)
        go()
        poll(page, lambda: len(asked) > questions, "the question whether to leave")  # noqa: B023
        expect(page).to_have_url(address)
        expect(unsaved).to_be_visible()
        expect(name).to_have_value("Say hello (edited)")
    assert all("unsaved changes" in question for question in asked)

    page.get_by_role("link", name="Entities", exact=True).click()  # same bot: the draft stays, no question
    page.get_by_role("link", name="Intents", exact=True).click()
    page.get_by_role("complementary", name="Intents").get_by_role("link", name=re.compile("^greet")).click()
    expect(name).to_have_value("Say hello (edited)")
    assert len(asked) == 3

    leave = True
    console.get_by_role("link", name="Bots").click()
    expect(page.get_by_role("heading", name="Bots", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/console/#/$"))


def test_selecting_words_in_one_example_after_another_labels_the_words_selected(
    page: Page, parley: EmbeddedParley
) -> None:
    sign_in(page, parley, "#/bots/pizzeria/intents/order_pizza")
    form = page.get_by_role("form", name="Label an entity")
    for example, words in (
        ("one pizza please", "one pizza"),
        ("I'm hungry, get me a pizza", "hungry"),  # opening this form closes the one above
        ("one pizza please", "please"),  # a row that moved up since the previous selection
    ):
        select_words(page, example, words)
        expect(form).to_have_count(1)
        expect(page.locator("li.example", has_text=example).get_by_label("Words", exact=True)).to_have_value(
            words
        )


def test_empty_reply_variants_and_buttons_are_refused_before_saving(
    page: Page, parley: EmbeddedParley, admin: httpx.Client
) -> None:
    before = admin.get("/api/v1/bots/pizzeria").raise_for_status().json()
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    page.get_by_role("button", name="+ Add reply variant").click()
    page.get_by_role("button", name="+ Add button").click()
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    refusal = page.get_by_role("alert").filter(has_text="Not saved")
    expect(refusal).to_contain_text(re.compile(r"Intent greet: reply variant \d+ is empty"))
    expect(refusal).to_contain_text(re.compile(r"Intent greet: button \d+ needs a title and a payload"))
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_visible()
    assert admin.get("/api/v1/bots/pizzeria").json() == before


def test_discard_puts_back_the_saved_bot_and_clears_the_save_error(
    page: Page, parley: EmbeddedParley
) -> None:
    sign_in(page, parley, "#/bots/pizzeria/entities/size")
    page.on("dialog", lambda dialog: dialog.accept())  # "Discard the unsaved changes to pizzeria?"
    savebar = page.get_by_role("region", name="Unsaved changes")
    page.get_by_label("Pattern (regular expression)").check()
    expect(page.get_by_label("Pattern", exact=True)).to_be_visible()
    savebar.get_by_role("button", name="Discard").click()
    expect(page.get_by_label("Values with synonyms")).to_be_checked()
    expect(page.get_by_role("heading", name="Values")).to_be_visible()

    page.goto(parley.url("/console/#/bots/pizzeria/intents/greet"))
    page.get_by_role("button", name="+ Add reply variant").click()
    savebar.get_by_role("button", name="Save").click()
    refusal = page.get_by_role("alert").filter(has_text="Not saved")
    expect(refusal).to_be_visible()
    savebar.get_by_role("button", name="Discard").click()
    expect(refusal).to_have_count(0)
    expect(savebar).to_be_hidden()


def test_a_mangled_or_unknown_address_shows_not_found(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley, "#/bots/%E0%A4%A")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to the bots").click()
    expect(page.get_by_role("link", name="pizzeria", exact=True)).to_be_visible()
    page.goto(parley.url("/console/#/nowhere"))
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(parley.url("/console/#/bots/pizzeria/nowhere"))
    expect(page.get_by_text("This bot has no page “nowhere”")).to_be_visible()


def test_a_duplicate_value_or_an_over_long_name_says_why_it_is_not_added(
    page: Page, parley: EmbeddedParley
) -> None:
    sign_in(page, parley, "#/bots/pizzeria/entities/size")
    page.get_by_label("New value").fill("large")
    page.get_by_role("button", name="Add value").click()
    expect(page.get_by_role("alert")).to_contain_text("“large” is a value of size already")
    page.goto(parley.url("/console/#/bots/pizzeria/intents"))
    page.get_by_label("New intent id").fill("a" * 65)
    page.get_by_role("button", name="Add intent").click()
    expect(page.get_by_role("alert")).to_contain_text("64 letters")
