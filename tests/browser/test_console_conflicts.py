"""Saving over someone else's save: the console saves only over the version it loaded (If-Match with
the ETag of its export), and when the server answers 412 it says so, keeps the user's draft and
offers to reload. The server's answers are staged with request routing, so these tests hold the
console to the HTTP contract whether or not the server enforces it."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BOT = "**/api/v1/bots/pizzeria?format=native"


def _export_at_version(route: Route, version: int) -> None:
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "etag": f'"{version}"'})


def _refuse(route: Route, current_version: int | None) -> None:
    error = {"code": "precondition_failed", "message": "the bot changed", "details": None}
    if current_version is not None:
        error["details"] = {"current_version": current_version}
    route.fulfill(status=412, content_type="application/json", body=json.dumps({"error": error}))


def test_a_save_over_someone_elses_is_refused_and_keeps_the_draft(
    page: Page, parley: EmbeddedParley, admin: httpx.Client
) -> None:
    before = admin.get("/api/v1/bots/pizzeria").raise_for_status().json()
    sent: list[dict[str, str]] = []

    def put(route: Route) -> None:
        if route.request.method != "PUT":
            route.fallback()
            return
        sent.append(route.request.headers)
        _refuse(route, current_version=8)

    page.route(BOT, lambda route: _export_at_version(route, 7))
    page.route("**/api/v1/bots/pizzeria", put)
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    name = page.get_by_label("Display name")
    name.fill("Mine")
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()

    conflict = page.get_by_role("alert").filter(has_text="someone else changed pizzeria")
    expect(conflict).to_contain_text("version 8")
    assert sent[0].get("if-match") == '"7"'
    expect(name).to_have_value("Mine")
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_visible()
    assert admin.get("/api/v1/bots/pizzeria").json() == before

    conflict.get_by_role("button", name="Reload (lose my changes)").click()
    greet = next(intent for intent in before["intents"] if intent["id"] == "greet")
    expect(name).to_have_value(greet.get("name", ""))
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()
    expect(conflict).to_have_count(0)


def test_a_save_of_a_deleted_bot_offers_to_create_it_again(page: Page, parley: EmbeddedParley) -> None:
    sent: list[dict[str, str]] = []

    def put(route: Route) -> None:
        if route.request.method != "PUT":
            route.fallback()
            return
        sent.append(route.request.headers)
        if "if-none-match" in route.request.headers:
            route.fulfill(
                json={"name": "pizzeria", "version": 1, "intents": 0, "entities": 0, "updated_at": ""}
            )
        else:
            _refuse(route, current_version=None)

    page.route(BOT, lambda route: _export_at_version(route, 3))
    page.route("**/api/v1/bots/pizzeria", put)
    sign_in(page, parley, "#/bots/pizzeria/intents/greet")
    page.get_by_label("Display name").fill("Mine")
    page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
    conflict = page.get_by_role("alert").filter(has_text="pizzeria was deleted")
    expect(conflict).to_contain_text("Someone deleted pizzeria")
    expect(conflict.get_by_role("button", name="Reload (lose my changes)")).to_be_visible()

    conflict.get_by_role("button", name="Create pizzeria again with my changes").click()
    expect(conflict).to_have_count(0)
    assert sent[-1].get("if-none-match") == "*"
    assert "if-match" not in sent[-1]


def test_new_bot_creates_only_a_bot_that_does_not_exist(page: Page, parley: EmbeddedParley) -> None:
    sent: list[dict[str, str]] = []

    def put(route: Route) -> None:
        if route.request.method != "PUT":
            route.fallback()
            return
        sent.append(route.request.headers)
        _refuse(route, current_version=1)  # created by someone else since the console checked

    sign_in(page, parley)
    page.route("**/api/v1/bots/raced", put)
    page.get_by_label("Name", exact=True).fill("raced")
    page.get_by_role("button", name="Create bot").click()
    expect(page.get_by_role("alert")).to_contain_text("A bot named “raced” exists")
    assert sent[0].get("if-none-match") == "*"


def test_two_editors_against_the_server(page: Page, parley: EmbeddedParley, admin: httpx.Client) -> None:
    """No staging: the embedded server's own preconditions (decision 84)."""
    admin.put(
        "/api/v1/bots/twoeditors",
        json={"name": "twoeditors", "intents": [{"id": "greet", "examples": ["hi"]}]},
    ).raise_for_status()
    try:
        sign_in(page, parley, "#/bots/twoeditors/intents/greet")
        name = page.get_by_label("Display name")
        name.fill("Mine")
        theirs = {"name": "twoeditors", "intents": [{"id": "greet", "name": "Theirs", "examples": ["hi"]}]}
        admin.put("/api/v1/bots/twoeditors", json=theirs).raise_for_status()
        page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
        conflict = page.get_by_role("alert").filter(has_text="someone else changed twoeditors")
        expect(conflict).to_be_visible()
        expect(name).to_have_value("Mine")
        assert admin.get("/api/v1/bots/twoeditors").json()["intents"][0]["name"] == "Theirs"
        conflict.get_by_role("button", name="Reload (lose my changes)").click()
        expect(name).to_have_value("Theirs")
        name.fill("Mine, after reading theirs")
        page.get_by_role("region", name="Unsaved changes").get_by_role("button", name="Save").click()
        expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()
        assert (
            admin.get("/api/v1/bots/twoeditors").json()["intents"][0]["name"] == "Mine, after reading theirs"
        )
    finally:
        admin.delete("/api/v1/bots/twoeditors")
