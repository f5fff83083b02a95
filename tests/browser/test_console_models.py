"""The Train tab's model history: a copy of the demo bot trained twice goes back to its first model
from the console, which the listing and the admin API then agree serves; paging, a refused or
unreachable publish, and a training that publishes are staged with request routing."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Dialog, Page, Route, expect

from tests.browser.conftest import poll, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

BOT = "pizzeria-models"  # a copy of the demo bot: the other tests' pizzeria keeps its model


def _trained(admin: httpx.Client, definition: dict[str, Any]) -> tuple[str, str]:
    """Save `definition` as the bot, train it with `force`, wait for the job; its id and model's version."""
    assert admin.put(f"/api/v1/bots/{BOT}", json=definition).status_code == 200
    started = admin.post(f"/api/v1/bots/{BOT}/train", json={"force": True})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 120
    while (job := admin.get(f"/api/v1/bots/{BOT}/train/{started.json()['job_id']}").json())["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, job
        time.sleep(0.25)
    assert job["status"] == "succeeded", job
    return str(job["job_id"]), str(job["model_version"])


def test_the_console_goes_back_to_the_first_model(
    page: Page, parley: EmbeddedParley, admin: httpx.Client
) -> None:
    demo = admin.get("/api/v1/bots/pizzeria", params={"format": "native"}).json()
    demo["name"] = BOT
    # The first model without the demo's thanks intent, the second with it.
    _, first = _trained(admin, {**demo, "intents": [i for i in demo["intents"] if i["id"] != "thanks"]})
    second_job, second = _trained(admin, demo)
    try:
        sign_in(page, parley)
        # As if the second training had been started from this console: the Train tab follows it.
        page.evaluate(
            "([key, job]) => localStorage.setItem(key, job)", [f"parley-console:last-job:{BOT}", second_job]
        )
        page.goto(parley.url(f"/console/#/bots/{BOT}/train"))
        expect(page.locator(".job-status")).to_contain_text(second)
        expect(page.locator(".job [data-served]")).to_have_count(0)
        models = page.get_by_role("list", name=f"Models of {BOT}, newest first")
        expect(models.get_by_role("listitem")).to_have_count(2)
        newest = models.get_by_role("listitem").first
        expect(newest).to_have_attribute("data-version", second)
        expect(newest.get_by_role("heading")).to_contain_text("served")
        expect(newest.get_by_role("button")).to_have_count(0)
        expect(newest.locator("[data-score=quality] dt")).to_have_text("Quality (what retraining compares)")
        expect(newest.locator("[data-score=quality] dd")).to_contain_text("%")

        asked: list[str] = []

        def answer(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept()

        page.on("dialog", answer)
        serve = models.locator(f"li[data-version='{first}']").get_by_role("button", name="Serve this model")
        serve.focus()
        page.keyboard.press("Enter")
        notice = page.locator(".models .notice.success")
        expect(notice).to_contain_text(f"{BOT} is served by model {first} again, as version")
        expect(notice).to_contain_text("Not trained on the intent thanks")
        expect(notice).to_be_focused()
        assert len(asked) == 1
        assert f"Serve model {first}" in asked[0] and "answers with it right away" in asked[0], asked[0]
        assert "Not trained on the intent thanks" in asked[0], asked[0]

        expect(models.get_by_role("listitem")).to_have_count(3)
        rollback = models.get_by_role("listitem").first
        expect(rollback).to_have_attribute("data-serving", "served")
        expect(rollback).to_contain_text(f"re-publishes model {first}")
        expect(models.locator(f"li[data-version='{first}']")).to_have_attribute("data-serving", "served-as")
        expect(models.locator(f"li[data-version='{second}']").get_by_role("button")).to_be_visible()
        expect(page.locator(".job [data-served]")).to_have_text(
            f"Its model no longer serves: model {first} does (see Models)."
        )

        listed = admin.get(f"/api/v1/bots/{BOT}/models").json()
        assert [(m["served"], m["republished_from"]) for m in listed] == [
            (True, first),
            (False, None),
            (False, None),
        ]
        expect(rollback).to_have_attribute("data-version", listed[0]["version"])

        page.set_viewport_size({"width": 375, "height": 800})
        expect(rollback).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page is {width} px wide at 375 px"
        box = models.locator(f"li[data-version='{second}']").get_by_role("button").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375
    finally:
        admin.delete(f"/api/v1/bots/{BOT}")


def _model(version: str, *, served: bool = False, **extra: Any) -> dict[str, Any]:
    return {
        "bot": "pizzeria",
        "version": version,
        "status": "published",
        "served": served,
        "created_at": "2026-05-02T09:14:03Z",
        "requested_at": "2026-05-02T09:13:00Z",
        "job_id": f"job-{version}",
        "metrics": {"quality": 0.9, "accuracy": 0.95, "fallback_rate": 0.05},
        "intents": 2,
        "intent_names": ["greet", "order_pizza"],
        **extra,
    }


STAGED = [_model(f"{n:016x}", served=n == 11) for n in range(11, -1, -1)]  # newest first


def _stage_listing(page: Page, listed: list[list[dict[str, Any]]]) -> list[dict[str, list[str]]]:
    """Answer the listing from `STAGED` (or from `listed`'s next list while it has one); the queries."""
    queries: list[dict[str, list[str]]] = []

    def listing(route: Route) -> None:
        query = parse_qs(urlparse(route.request.url).query)
        queries.append(query)
        models = listed.pop(0) if listed else STAGED
        if "before_version" in query:
            after = [m["version"] for m in models].index(query["before_version"][0]) + 1
            models = models[after:]
        route.fulfill(json=models[: int(query["limit"][0])])

    page.route(re.compile(r".*/api/v1/bots/pizzeria/models(\?.*)?$"), listing)
    return queries


def test_older_models_are_paged_and_a_refused_publish_changes_nothing(
    page: Page, parley: EmbeddedParley
) -> None:
    sign_in(page, parley)
    queries = _stage_listing(page, [])
    refusals = [
        (409, {"error": {"code": "conflict", "message": "the model can no longer be loaded"}}),
        (404, {"error": {"code": "not_found", "message": "no such model"}}),
    ]
    page.route(
        "**/api/v1/bots/pizzeria/models/*/publish",
        lambda route: (
            route.fulfill(status=refusals[0][0], json=refusals.pop(0)[1]) if refusals else route.abort()
        ),
    )
    page.goto(parley.url("/console/#/bots/pizzeria/train"))
    models = page.get_by_role("list", name="Models of pizzeria, newest first")
    expect(models.get_by_role("listitem")).to_have_count(10)
    older = page.get_by_role("button", name="Show older")
    older.focus()
    page.keyboard.press("Enter")
    expect(models.get_by_role("listitem")).to_have_count(12)
    expect(older).to_have_count(0)
    assert queries[-1] == {"limit": ["11"], "before_version": [STAGED[9]["version"]]}

    declined: list[str] = []
    page.once("dialog", lambda dialog: (declined.append(dialog.message), dialog.dismiss()))
    oldest = models.locator(f"li[data-version='{STAGED[-1]['version']}']")
    oldest.get_by_role("button", name="Serve this model").click()
    poll(page, lambda: len(declined) == 1, "the question")
    assert "answers with it right away" in declined[0], declined[0]
    # The staged models know greet and order_pizza only; the demo bot has more.
    assert "Not trained on the intents cancel, " in declined[0] and "delivery" in declined[0], declined[0]
    assert "The training job running now" not in declined[0], declined[0]
    expect(page.get_by_role("alert")).to_have_count(0)

    problems = [
        ("cannot be served: the model can no longer be loaded", "Nothing changed."),
        ("is not known to the server: no such model", "Nothing changed."),
        ("may not have reached the server", "The list shows which model serves."),
    ]
    page.on("dialog", lambda dialog: dialog.accept())
    for problem, outcome in problems:
        oldest.get_by_role("button", name="Serve this model").click()
        alert = page.get_by_role("alert").filter(has_text="The model was not served")
        expect(alert).to_contain_text(problem)
        expect(alert).to_contain_text(outcome)
        expect(models.get_by_role("listitem")).to_have_count(12)  # read again as far as it was opened
        expect(models.locator("li[data-serving=served]")).to_have_attribute(
            "data-version", STAGED[0]["version"]
        )
        expect(page.locator(".models .notice")).to_have_count(0)
    assert queries[-1] == {"limit": ["13"]}


def test_a_training_that_publishes_reads_the_models_again(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    page.evaluate("() => localStorage.removeItem('parley-console:last-job:pizzeria')")
    trained = _model("00000000000000ff", served=True)
    before = [{**m, "served": False} if m["served"] else m for m in STAGED]
    _stage_listing(page, [STAGED, [trained, *before]])
    statuses = ["running", "succeeded"]
    page.route(
        "**/api/v1/bots/pizzeria/train",
        lambda route: route.fulfill(status=202, json={"job_id": "staged", "status": "queued"}),
    )
    page.route(
        "**/api/v1/bots/pizzeria/train/staged",
        lambda route: route.fulfill(
            json={
                "job_id": "staged",
                "status": statuses.pop(0) if len(statuses) > 1 else statuses[0],
                "model_version": trained["version"],
                "metrics": {"accuracy": 0.9},
            }
        ),
    )
    page.goto(parley.url("/console/#/bots/pizzeria/train"))
    models = page.get_by_role("list", name="Models of pizzeria, newest first")
    expect(models.locator("li[data-serving=served]")).to_have_attribute("data-version", STAGED[0]["version"])
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator(".job-status")).to_have_attribute("data-status", "succeeded")
    expect(models.locator("li[data-serving=served]")).to_have_attribute("data-version", trained["version"])
    expect(page.locator(".job [data-served]")).to_have_count(0)
