"""API keys, Settings, Analytics on a phone and a bot that fails to load: creating a key is one
request however often the button is pressed, focus stays on the page after a revoke, replacing a
bot from a file says which unsaved changes it loses, the charts fit 375 px, and a failed load can be
retried (and is, when the user moves to another tab); the time zone is set in Settings, and a bad
one refused by name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Dialog, Page, Request, Route, expect

from tests.browser.conftest import poll, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "keys-settings-cafe"


@pytest.fixture
def cafe(admin: httpx.Client) -> Iterator[str]:
    """A copy of pizzeria that a test may change."""
    definition = admin.get("/api/v1/bots/pizzeria").raise_for_status().json()
    admin.put(f"/api/v1/bots/{BOT}", json={**definition, "name": BOT}).raise_for_status()
    try:
        yield BOT
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")


@pytest.fixture
def made_keys(admin: httpx.Client) -> Iterator[list[str]]:
    """Names of the keys a test makes; every key with one of them is revoked afterwards."""
    names: list[str] = []
    yield names
    for key in admin.get("/api/v1/keys").raise_for_status().json():
        if key["name"] in names and not key.get("revoked_at"):
            admin.delete(f"/api/v1/keys/{key['key_id']}")


def _keys_page(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley, "#/keys")
    form = page.get_by_role("form", name="New key")
    unavailable = page.get_by_text("Not available on this server.")
    expect(unavailable.or_(form)).to_be_visible()
    if unavailable.is_visible():
        pytest.skip("this server has no API key routes")


def _live_keys(admin: httpx.Client, name: str) -> list[dict[str, object]]:
    keys = admin.get("/api/v1/keys").raise_for_status().json()
    return [key for key in keys if key["name"] == name and not key.get("revoked_at")]


def test_create_key_sends_one_request_however_often_it_is_pressed(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, made_keys: list[str]
) -> None:
    made_keys.append("double click key")
    _keys_page(page, parley)
    held: list[Route] = []  # the creation requests, held until the test lets them through
    page.route(
        lambda url: urlparse(url).path == "/api/v1/keys",
        lambda route: held.append(route) if route.request.method == "POST" else route.fallback(),
    )
    form = page.get_by_role("form", name="New key")
    form.get_by_label("Name").fill("double click key")
    create = form.get_by_role("button", name="Create key")
    create.dblclick()
    page.keyboard.press("Enter")  # on the button, which keeps the focus
    # Nothing to wait for but the absence of a second request: give one the time to be made.
    page.wait_for_timeout(300)
    assert len(held) == 1
    busy = form.get_by_role("button", name="Creating key…")
    expect(busy).to_be_disabled()
    expect(busy).to_be_focused()  # aria-disabled, not disabled: the keyboard focus stays
    held[0].continue_()

    secret = page.get_by_role("alert").filter(has_text="Copy it now")
    expect(secret).to_contain_text("double click key")
    expect(secret.get_by_role("button", name="Copy")).to_be_focused()
    expect(form.get_by_role("button", name="Create key")).to_be_visible()
    assert len(_live_keys(admin, "double click key")) == 1


def test_focus_moves_to_the_next_key_after_a_revoke(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, made_keys: list[str]
) -> None:
    made_keys.extend(["focus key one", "focus key two"])
    for name in made_keys:
        admin.post("/api/v1/keys", json={"name": name, "scopes": ["chat"]}).raise_for_status()
    _keys_page(page, parley)
    page.on("dialog", lambda dialog: dialog.accept())
    revoke = page.get_by_role("button", name="Revoke focus key")
    expect(revoke).to_have_count(2)  # the list is read after the page shows: wait for it
    labels = revoke.evaluate_all("(buttons) => buttons.map((b) => b.getAttribute('aria-label'))")
    assert len(labels) == 2
    first, second = labels

    page.get_by_role("button", name=first).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("row", name=first.removeprefix("Revoke "))).to_contain_text("revoked")
    expect(page.get_by_role("button", name=second)).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.get_by_role("row", name=second.removeprefix("Revoke "))).to_contain_text("revoked")

    def focus_moved() -> bool:
        """Another key still in use (from other tests), or else the list's heading: never <body>.
        The console moves the focus in an effect after the render that shows "revoked"."""
        tag, text, label = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.textContent, "
            "document.activeElement.getAttribute('aria-label') ?? '']"
        )
        return (tag == "H2" and text == "Keys") or label.startswith("Revoke ")

    poll(page, focus_moved, "the focus on the keys' heading or another Revoke button")


def _replace_from_file(page: Page, path: Path) -> None:
    page.get_by_label("Replace from file…").set_input_files(str(path))


def test_replacing_from_a_file_names_the_unsaved_changes_it_loses(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, cafe: str, tmp_path: Path
) -> None:
    replacement = admin.get(f"/api/v1/bots/{cafe}").raise_for_status().json()
    replacement["description"] = "From the file"
    good = tmp_path / "cafe.json"
    good.write_text(json.dumps(replacement))
    bad = tmp_path / "broken.json"
    bad.write_text("{ not json")
    sign_in(page, parley, f"#/bots/{cafe}/settings")
    description = page.get_by_label("Description")
    description.fill("Edited, not saved")
    answers: list[bool] = []
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        if answers.pop(0):
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)

    answers.append(False)
    _replace_from_file(page, good)
    expect(description).to_have_value("Edited, not saved")
    assert asked == [
        f"Replace {cafe} with the definition in cafe.json?"
        f" This loses the unsaved changes to {cafe} (description)."
    ]

    answers.append(True)
    _replace_from_file(page, bad)
    refusal = page.get_by_role("alert")
    expect(refusal).to_be_visible()
    answers.append(False)  # another file, not imported after all: the refusal of broken.json goes
    _replace_from_file(page, good)
    expect(refusal).to_have_count(0)
    assert len(asked) == 3

    answers.append(True)
    _replace_from_file(page, good)  # the same file again is a choice too
    expect(description).to_have_value("From the file")
    expect(page.get_by_role("region", name="Unsaved changes")).to_have_count(0)
    assert len(asked) == 4


def test_replace_from_file_shows_the_keyboard_focus(page: Page, parley: EmbeddedParley, cafe: str) -> None:
    sign_in(page, parley, f"#/bots/{cafe}/settings")
    page.get_by_role("button", name="Export (AI Chatbot Framework)").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Replace from file…")).to_be_focused()
    outline = page.locator("label.button", has_text="Replace from file…").evaluate(
        "(label) => getComputedStyle(label).outlineStyle"
    )
    assert outline == "solid"


def test_a_refused_save_names_the_intent_and_the_reply(page: Page, parley: EmbeddedParley, cafe: str) -> None:
    sign_in(page, parley, f"#/bots/{cafe}/intents/greet")
    page.get_by_role("button", name="+ Add reply variant").click()
    replies = page.locator("textarea[aria-label^='Replies ']")
    replies.last.fill("Hello {{ name")
    number = replies.count()
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    refusal = page.get_by_role("alert").filter(has_text="Not saved")
    expect(refusal).to_contain_text(f"Intent greet, reply variant {number}: template syntax error")
    expect(refusal).not_to_contain_text("intents[")


def test_analytics_charts_fit_a_phone_screen(page: Page, parley: EmbeddedParley) -> None:
    days = [f"2026-03-{day:02d}" for day in range(1, 31)]
    analytics = {
        "bot": "pizzeria",
        "from": days[0],
        "to": days[-1],
        "days": [
            {
                "day": day,
                "turns": 3 + n % 5,
                "conversations": 1 + n % 3,
                "fallback_rate": 0.1,
                "mean_confidence": 0.9,
                "mean_latency_ms": 20,
                "completed": 1,
                "models_published": 0,
                "intents": {"greet": 2, "order": 1 + n % 5},
                "channels": {},
            }
            for n, day in enumerate(days)
        ],
    }
    page.route(
        lambda url: urlparse(url).path == "/api/v1/bots/pizzeria/analytics",
        lambda route: route.fulfill(json=analytics),
    )
    page.set_viewport_size({"width": 375, "height": 667})
    sign_in(page, parley, "#/bots/pizzeria/analytics")
    charts = page.get_by_role("figure")
    expect(charts).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for n in range(3):
        box = charts.nth(n).evaluate(
            """(figure) => {
                const svg = figure.querySelector("svg");
                const labels = [...svg.querySelectorAll("text.xlabel")];
                return {
                    right: figure.getBoundingClientRect().right,
                    width: svg.getBoundingClientRect().width,
                    drawn: svg.viewBox.baseVal.width,
                    lastLabel: Math.max(...labels.map((t) => t.getBoundingClientRect().right)),
                    overlaps: labels.slice(1).some(
                        (t, i) => t.getBoundingClientRect().left < labels[i].getBoundingClientRect().right
                    ),
                };
            }"""
        )
        assert box["right"] <= 375, box
        assert box["lastLabel"] <= box["right"], box
        assert abs(box["drawn"] - box["width"]) <= 1, box  # drawn at its size: text is not squeezed
        assert not box["overlaps"], box


class FailingLoad:
    """Answers the console's loading of a bot with a 500 while `failing`, and counts the attempts."""

    def __init__(self, page: Page, bot: str) -> None:
        self.failing = True
        self.attempts = 0
        page.route(lambda url: urlparse(url).path == f"/api/v1/bots/{bot}", self._answer)

    def _answer(self, route: Route) -> None:
        request: Request = route.request
        if request.method != "GET" or not self.failing:
            route.fallback()
            return
        self.attempts += 1
        route.fulfill(status=500, json={"error": {"code": "internal", "message": "Internal Server Error"}})


def test_a_bot_that_failed_to_load_can_be_retried(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    load = FailingLoad(page, "pizzeria")
    page.goto(parley.url("/console/#/bots/pizzeria/intents"))
    error = page.get_by_role("alert").filter(has_text="Could not load pizzeria")
    expect(error).to_contain_text("Internal Server Error")
    expect(page.get_by_role("navigation", name="Bot pizzeria")).to_be_visible()
    retry = error.get_by_role("button", name="Retry")
    retry.click()
    poll(page, lambda: load.attempts == 2, "the second attempt")
    expect(error).to_be_visible()

    load.failing = False
    retry.click()
    expect(error).to_have_count(0)
    expect(page.get_by_role("complementary", name="Intents")).to_be_visible()


def test_moving_to_another_tab_retries_a_failed_load(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    load = FailingLoad(page, "pizzeria")
    page.goto(parley.url("/console/#/bots/pizzeria/intents"))
    error = page.get_by_role("alert").filter(has_text="Could not load pizzeria")
    expect(error).to_be_visible()
    tabs = page.get_by_role("navigation", name="Bot pizzeria")
    tabs.get_by_role("link", name="Entities").click()
    poll(page, lambda: load.attempts == 2, "the second attempt")
    expect(error).to_be_visible()

    load.failing = False
    tabs.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(error).to_have_count(0)


def test_a_refused_bot_name_marks_the_field_invalid(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    form = page.get_by_role("form", name="New bot")
    name = form.get_by_label("Name")
    expect(name).not_to_have_attribute("aria-invalid", "true")
    name.fill("not a name!")
    form.get_by_role("button", name="Create bot").click()
    expect(name).to_have_attribute("aria-invalid", "true")
    error = form.get_by_role("alert")
    expect(error).to_contain_text("letters, digits")
    assert error.get_attribute("id") in (name.get_attribute("aria-describedby") or "").split()
    expect(name).to_have_accessible_description(re.compile("letters, digits"))


def test_the_time_zone_is_set_in_settings_and_a_bad_one_refused_by_name(
    page: Page, parley: EmbeddedParley, admin: httpx.Client, cafe: str
) -> None:
    sign_in(page, parley, f"#/bots/{cafe}/settings")
    zone = page.get_by_label("Time zone")
    save = page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save")
    zone.fill("Berlin")
    save.click()
    refusal = page.get_by_role("alert").filter(has_text="Not saved")
    expect(refusal).to_contain_text("unknown time zone 'Berlin'")
    zone.fill("Europe/Berlin")
    save.click()

    def saved() -> bool:
        return admin.get(f"/api/v1/bots/{cafe}").json().get("settings", {}).get("timezone") == "Europe/Berlin"

    poll(page, saved, "the time zone saved")
