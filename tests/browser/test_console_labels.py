"""Labelling entities in examples in the console: spans are code point offsets as the server counts
them (an emoji is one), typed words label whole words at the place chosen, the label form works from
the keyboard, and edits and new entity names are checked as additions are."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import select_words, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "labels"
EMOJI = "😀 one 🍵 latte please"
STORED = "🍵 and a latte"  # labelled by the API: "latte" is code points 8..13
CAFE = {
    "name": BOT,
    "intents": [
        {"id": "greet", "examples": ["hello", "hi there"], "replies": ["Hello!"]},
        {
            "id": "order_drink",
            "examples": [
                "a flat white to go",
                EMOJI,
                {"text": STORED, "entities": [{"entity": "beverage", "start": 8, "end": 13}]},
                "a steak and a tea",
                "a tea and a TEA",
            ],
            "replies": ["Coming up."],
        },
    ],
    "entities": [{"name": "beverage"}],
}


@pytest.fixture
def cafe(page: Page, parley: EmbeddedParley, admin: httpx.Client) -> Iterator[None]:
    admin.put(f"/api/v1/bots/{BOT}", json=CAFE).raise_for_status()
    try:
        sign_in(page, parley, f"#/bots/{BOT}/intents/order_drink")
        expect(page.get_by_role("heading", name="order_drink")).to_be_visible()
        yield
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")


def _row(page: Page, text: str) -> Locator:
    return page.locator("li.example").filter(has=page.locator(".example-text", has_text=text))


def _save(page: Page) -> None:
    unsaved = page.get_by_role("region", name="Unsaved changes")
    unsaved.get_by_role("button", name="Save").click()
    expect(unsaved).to_be_hidden()


def _labelled(admin: httpx.Client) -> dict[str, list[tuple[str, str]]]:
    """Each saved example of order_drink: the entity and the words of each span, cut as Python cuts."""
    saved = admin.get(f"/api/v1/bots/{BOT}").raise_for_status().json()
    intent = next(intent for intent in saved["intents"] if intent["id"] == "order_drink")
    return {
        example["text"]: [(s["entity"], example["text"][s["start"] : s["end"]]) for s in example["entities"]]
        for example in intent["examples"]
        if isinstance(example, dict)
    }


@pytest.mark.usefixtures("cafe")
def test_labels_in_text_with_emoji_cover_the_words_shown(page: Page, admin: httpx.Client) -> None:
    expect(_row(page, STORED).locator("mark")).to_have_text("latte")  # a span the server stored

    select_words(page, EMOJI, "latte")
    form = page.get_by_role("form", name="Label an entity")
    expect(form.get_by_label("Words")).to_have_value("latte")
    form.get_by_label("Entity").select_option("beverage")
    form.get_by_role("button", name="Label").click()
    expect(_row(page, EMOJI).locator("mark")).to_have_text("latte")
    expect(_row(page, EMOJI).get_by_role("list", name="Labels of example 2").locator("span")).to_have_text(
        "beverage: “latte”"
    )

    page.get_by_role("button", name="Edit example 3").click()
    page.get_by_label("Example 3", exact=True).fill("😀😀 " + STORED)
    page.keyboard.press("Enter")
    expect(_row(page, "😀😀 " + STORED).locator("mark")).to_have_text("latte")

    _save(page)
    assert _labelled(admin) == {EMOJI: [("beverage", "latte")], "😀😀 " + STORED: [("beverage", "latte")]}
    page.reload()
    expect(_row(page, EMOJI).locator("mark")).to_have_text("latte")
    expect(_row(page, "😀😀 " + STORED).locator("mark")).to_have_text("latte")


@pytest.mark.usefixtures("cafe")
def test_typed_words_label_a_whole_word_at_the_place_chosen(page: Page, admin: httpx.Client) -> None:
    form = page.get_by_role("form", name="Label an entity")
    page.get_by_role("button", name="Label words in example 4").click()
    expect(
        form.get_by_label("Words")
    ).to_be_focused()  # the form is open and settled: filled sooner, the text could be reset
    form.get_by_label("Words").fill("tea")
    form.get_by_role("button", name="Label").click()
    expect(_row(page, "a steak and a tea").locator("mark")).to_have_text("tea")  # not s[tea]k

    page.get_by_role("button", name="Label words in example 5").click()
    expect(
        form.get_by_label("Words")
    ).to_be_focused()  # the form is open and settled: filled sooner, the text could be reset
    form.get_by_label("Words").fill("tea")
    which = form.get_by_label("Which “tea”")
    expect(which.locator("option")).to_have_text(["a [tea] and a…", "…and a [TEA]"])
    which.select_option(label="…and a [TEA]")
    form.get_by_role("button", name="Label").click()
    expect(_row(page, "a tea and a TEA").locator("mark")).to_have_text("TEA")

    page.get_by_role("button", name="Label words in example 5").click()
    expect(
        form.get_by_label("Words")
    ).to_be_focused()  # the form is open and settled: filled sooner, the text could be reset
    form.get_by_label("Words").fill("Tea")
    expect(form.get_by_label("Which “Tea”")).to_have_count(0)  # one place is left
    form.get_by_role("button", name="Label").click()
    expect(_row(page, "a tea and a TEA").locator("mark")).to_have_text(["tea", "TEA"])

    page.get_by_role("button", name="Label words in example 1").click()
    expect(
        form.get_by_label("Words")
    ).to_be_focused()  # the form is open and settled: filled sooner, the text could be reset
    form.get_by_label("Words").fill("hit")
    form.get_by_role("button", name="Label").click()
    expect(form.get_by_role("alert")).to_have_text(
        "“hit” is not a whole word of the example. To label part of a word, select it in the example."
    )
    form.get_by_role("button", name="Cancel").click()

    _save(page)
    labelled = _labelled(admin)
    assert labelled["a steak and a tea"] == [("beverage", "tea")]
    assert labelled["a tea and a TEA"] == [("beverage", "tea"), ("beverage", "TEA")]


@pytest.mark.usefixtures("cafe")
def test_the_label_form_works_from_the_keyboard_one_at_a_time(page: Page) -> None:
    form = page.get_by_role("form", name="Label an entity")
    second = page.get_by_role("button", name="Label words in example 2")
    second.focus()
    page.keyboard.press("Enter")
    expect(form).to_have_accessible_name("Label an entity in example 2")
    expect(form.get_by_label("Words")).to_be_focused()
    page.keyboard.type("latte")
    page.keyboard.press("Shift+Home")  # selecting typed text is not selecting words of an example
    expect(form).to_have_count(1)
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    expect(second).to_be_focused()

    page.keyboard.press("Enter")
    page.get_by_role("button", name="Label words in example 4").click()  # closes the one of example 2
    expect(form).to_have_count(1)
    expect(form).to_have_accessible_name("Label an entity in example 4")
    expect(second).to_have_attribute("aria-expanded", "false")
    form.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name="Label words in example 4")).to_be_focused()

    page.get_by_role("button", name="Label words in example 2").press("Enter")
    expect(form.get_by_label("Words")).to_be_focused()  # typed before the form has focus, keys go astray
    page.keyboard.type("latte")
    page.keyboard.press("Enter")
    expect(form).to_have_count(0)
    expect(second).to_be_focused()
    expect(_row(page, EMOJI).locator("mark")).to_have_text("latte")


@pytest.mark.usefixtures("cafe")
def test_an_edit_is_refused_the_text_of_another_example(page: Page) -> None:
    page.get_by_label("New example").fill("hello")
    page.get_by_role("button", name="Add example").click()
    expect(page.get_by_role("alert")).to_have_text("“hello” is already an example of greet.")

    for text, owner in (("hello", "greet"), ("a steak and a tea", "order_drink")):
        page.get_by_role("button", name="Edit example 1").click()
        editor = page.get_by_label("Example 1", exact=True)
        editor.fill(text)
        editor.press("Enter")
        expect(editor).to_be_focused()
        expect(editor).to_have_attribute("aria-invalid", "true")
        expect(page.locator("li.example").first.get_by_role("alert")).to_have_text(
            f"“{text}” is already an example of {owner}."
        )
        page.keyboard.press("Escape")
        expect(_row(page, "a flat white to go")).to_have_count(1)
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()

    page.get_by_role("button", name="Edit example 1").click()
    page.get_by_label("Example 1", exact=True).fill("A flat white to go")  # the same sentence
    page.keyboard.press("Enter")
    expect(_row(page, "A flat white to go")).to_have_count(1)

    page.get_by_label("New example").fill("hello!")  # no longer the text refused
    expect(page.get_by_role("alert")).to_have_count(0)


@pytest.mark.usefixtures("cafe")
def test_a_new_entity_from_the_label_form_follows_the_name_rule(page: Page, admin: httpx.Client) -> None:
    page.get_by_role("button", name="Label words in example 1").click()
    form = page.get_by_role("form", name="Label an entity")
    form.get_by_label("Words").fill("flat white")
    form.get_by_label("Entity").select_option(label="New entity…")
    form.get_by_label("New entity name").fill("d" * 80)
    form.get_by_role("button", name="Label").click()
    expect(form.get_by_role("alert")).to_contain_text("64 letters")
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()

    form.get_by_label("New entity name").fill("coffee")
    form.get_by_role("button", name="Label").click()
    _save(page)
    saved = admin.get(f"/api/v1/bots/{BOT}").raise_for_status().json()
    assert [entity["name"] for entity in saved["entities"]] == ["beverage", "coffee"]
    assert _labelled(admin)["a flat white to go"] == [("coffee", "flat white")]
