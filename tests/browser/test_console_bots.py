"""The Bots page never replaces a bot by surprise: creating refuses a name that exists, importing
names the bot after the file just chosen and asks before replacing a bot, and names the gateway
would refuse are refused in the console first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import poll, sign_in
from tests.browser.test_console import ACF_EXPORT
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


@pytest.fixture
def made_bots(admin: httpx.Client) -> Iterator[list[str]]:
    """Names of bots a test creates; deleted afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        admin.delete(f"/api/v1/bots/{name}")


def test_new_bot_refuses_a_name_that_exists(page: Page, parley: EmbeddedParley, admin: httpx.Client) -> None:
    before = admin.get("/api/v1/bots/pizzeria").raise_for_status().json()
    sign_in(page, parley)
    form = page.get_by_role("form", name="New bot")
    form.get_by_label("Name").fill("pizzeria")
    form.get_by_role("button", name="Create bot").click()
    expect(form.get_by_role("alert")).to_contain_text("A bot named “pizzeria” exists")
    assert admin.get("/api/v1/bots/pizzeria").json() == before

    form.get_by_label("Name").fill("pizzeria.v2")  # the gateway's names have no dots
    form.get_by_role("button", name="Create bot").click()
    expect(form.get_by_role("alert")).to_contain_text("letters, digits, “_” and “-”")
    assert admin.get("/api/v1/bots/pizzeria.v2").status_code != 200


def test_import_names_the_bot_after_the_chosen_file_and_asks_before_replacing(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, made_bots: list[str], tmp_path: Path
) -> None:
    made_bots += ["alpha-v1", "beta"]
    first, second = tmp_path / "alpha.v1.json", tmp_path / "beta.acf.json"
    for upload in (first, second):
        upload.write_text(json.dumps(ACF_EXPORT))
    sign_in(page, parley)
    form = page.get_by_role("form", name="Import")
    name = form.get_by_label("Bot name")
    form.get_by_label("Definition file").set_input_files(first)
    expect(name).to_have_value("alpha-v1")
    form.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("link", name="alpha-v1", exact=True)).to_be_visible()

    form.get_by_label("Definition file").set_input_files(second)
    expect(name).to_have_value("beta")  # the new file's name, not the previous one
    name.fill("gamma")
    form.get_by_label("Definition file").set_input_files(first)
    expect(name).to_have_value("gamma")  # a typed name stays

    version = admin.get("/api/v1/bots").json()
    name.fill("alpha-v1")
    # Answered by a handler: a click waiting on `expect_event` can time out while confirm() blocks.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    form.get_by_role("button", name="Import", exact=True).click()
    poll(page, lambda: bool(asked), "the question before replacing")
    assert len(asked) == 1 and "A bot named “alpha-v1” exists" in asked[0]
    assert admin.get("/api/v1/bots").json() == version

    form.get_by_label("Definition file").set_input_files(second)
    expect(name).to_have_value("alpha-v1")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Imported alpha-v1")).to_be_visible()


def test_an_imported_bot_is_shown_untrained_with_the_way_to_train_it(
    page: Page, parley: EmbeddedParley, made_bots: list[str], tmp_path: Path
) -> None:
    made_bots.append("delta")
    upload = tmp_path / "delta.json"
    upload.write_text(json.dumps(ACF_EXPORT))
    sign_in(page, parley)
    form = page.get_by_role("form", name="Import")
    form.get_by_label("Definition file").set_input_files(upload)
    form.get_by_role("button", name="Import", exact=True).click()
    said = form.get_by_role("status")
    expect(said).to_contain_text("Imported delta: 2 intents")
    expect(said).to_contain_text(
        "until a training succeeds, it answers with the model it had, or, never trained"
    )

    def model_cell(bot: str) -> Locator:
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=bot, exact=True))
        return row.locator("td[data-trained]")

    expect(model_cell("delta")).to_have_attribute("data-trained", "untrained")
    expect(model_cell("delta")).to_have_text("not trained")
    expect(model_cell("pizzeria")).to_have_attribute("data-trained", "trained")

    said.get_by_role("link", name="Train delta").click()
    expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible()
    expect(page.locator("[data-untrained]")).to_have_count(0)  # the Train tab's model history says it
    page.get_by_role("link", name="Test chat", exact=True).click()
    expect(page.locator("[data-untrained]")).to_contain_text(
        "delta is not trained yet: it answers every message with its fallback reply"
    )
