"""The Train tab follows a job through failed status polls, forgets a job the server no longer
knows, and checks the examples through errors and the rate limit. The server's answers are staged
with request routing, so nothing trains."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import poll, sign_in
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

LAST_JOB = "parley-console:last-job:pizzeria"


def test_train_status_keeps_updating_after_a_failed_poll(page: Page, parley: EmbeddedParley) -> None:
    answers = [
        (200, {"job_id": "staged", "status": "running"}),
        (502, {"error": {"code": "bad_gateway", "message": "the server is restarting"}}),
        (200, {"job_id": "staged", "status": "succeeded", "metrics": {"accuracy": 0.9}}),
    ]

    def job_status(route: Route) -> None:
        status, body = answers.pop(0) if len(answers) > 1 else answers[0]
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    sign_in(page, parley)
    page.route(
        "**/api/v1/bots/pizzeria/train",
        lambda route: route.fulfill(
            status=202,
            content_type="application/json",
            body=json.dumps({"job_id": "staged", "status": "queued"}),
        ),
    )
    page.route("**/api/v1/bots/pizzeria/train/staged", job_status)
    page.goto(parley.url("/console/#/bots/pizzeria/train"))
    train = page.get_by_role("button", name="Train", exact=True)
    train.click()
    expect(page.get_by_role("alert")).to_contain_text("the server is restarting")
    expect(page.locator(".job-status")).to_have_attribute("data-status", "succeeded", timeout=15_000)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(train).to_be_enabled()


def test_train_tab_forgets_a_job_the_server_does_not_know(page: Page, parley: EmbeddedParley) -> None:
    sign_in(page, parley)
    page.evaluate("([key]) => localStorage.setItem(key, 'gone-after-a-restart')", [LAST_JOB])
    page.goto(parley.url("/console/#/bots/pizzeria/train"))
    poll(
        page, lambda: page.evaluate("([key]) => localStorage.getItem(key)", [LAST_JOB]) is None, "forgetting"
    )
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_enabled()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator(".job-status")).to_have_count(0)


def test_a_rejected_model_shows_its_scores_and_can_be_published_anyway(
    page: Page, parley: EmbeddedParley
) -> None:
    rejected = {
        "job_id": "staged",
        "status": "rejected",
        "error": "the new model scores quality 0.700 on held-out data, below the current model v1 (0.900)",
        "metrics": {"accuracy": 0.7},
    }
    page.route("**/api/v1/bots/pizzeria/train/staged", lambda route: route.fulfill(json=rejected))
    forced: list[object] = []

    def train(route: Route) -> None:
        forced.append(route.request.post_data_json.get("force"))
        route.fulfill(status=202, json={"job_id": "forced", "status": "queued"})

    page.route("**/api/v1/bots/pizzeria/train", train)
    page.route(
        "**/api/v1/bots/pizzeria/train/forced",
        lambda route: route.fulfill(json={"job_id": "forced", "status": "running"}),
    )
    sign_in(page, parley)
    page.evaluate("([key]) => localStorage.setItem(key, 'staged')", [LAST_JOB])
    page.goto(parley.url("/console/#/bots/pizzeria/train"))
    expect(page.get_by_role("alert")).to_contain_text("below the current model")
    expect(page.locator("[data-metric=accuracy] dd")).to_have_text("70.0 %")
    # Each step's state is in words for a screen reader, and in a mark beside its colour.
    steps = page.get_by_role("list", name="Training steps")
    expect(steps).to_match_aria_snapshot(
        """
        - list "Training steps":
          - listitem: queued (done)
          - listitem: running (done)
          - listitem: rejected (not published)
        """
    )
    expect(steps.get_by_role("listitem")).to_have_text(
        ["✓ queued (done)", "✓ running (done)", "✕ rejected (not published)"]
    )
    page.get_by_role("button", name="Train and publish anyway").click()
    expect(page.locator(".job-status")).to_have_attribute("data-status", "running")
    expect(steps).to_match_aria_snapshot(
        """
        - list "Training steps":
          - listitem: queued (done)
          - listitem: running (in progress)
          - listitem: succeeded (not yet)
        """
    )
    expect(steps.locator("[aria-current=step]")).to_have_text("… running (in progress)")
    assert forced == [True]
    expect(page.get_by_role("button", name="Train and publish anyway")).to_have_count(0)


def test_the_evaluation_leads_with_what_users_get_and_keeps_trainings_settings_in_details(
    page: Page, parley: EmbeddedParley
) -> None:
    metrics = {
        "accuracy": 0.9545, "in_scope_accuracy": 0.7273, "fallback_rate": 0.2727, "macro_f1": 0.71,
        "held_out": 22, "oos_recall": 0.8, "left_out": 22, "quality": 0.7636, "threshold": 0.5,
        "examples": 26, "temperature": 0.278, "wording_weight": 0, "intents": 5, "train_seconds": 2.31,
    }  # fmt: skip
    stage_trained_job(page, parley, metrics)
    evaluation = page.locator("section[aria-labelledby=metrics-title]")
    expect(evaluation.locator(".metric:visible dt")).to_have_text(
        ["Right intent", "Sent to fallback", "Wrong intent", "Left-out intents sent to fallback"]
    )
    expect(evaluation.locator("[data-metric=fallback_rate] dd")).to_have_text("27.3 %")
    expect(evaluation).to_contain_text("What users get at the fallback threshold 0.50")
    expect(evaluation.locator("[data-advice]")).to_contain_text("lower the fallback threshold in Settings")
    temperature = evaluation.locator("[data-metric=temperature]")
    expect(temperature).to_be_hidden()
    evaluation.get_by_text("Details", exact=True).click()
    expect(temperature).to_be_visible()
    expect(temperature).to_contain_text("Calibration temperature (set by training)0.278")


def stage_trained_job(page: Page, parley: EmbeddedParley, metrics: dict[str, float] | None = None) -> None:
    """The Train tab of pizzeria with a succeeded job, so the per-intent check is offered."""
    succeeded = {"job_id": "staged", "status": "succeeded", "metrics": metrics or {"accuracy": 0.9}}
    page.route("**/api/v1/bots/pizzeria/train/staged", lambda route: route.fulfill(json=succeeded))
    sign_in(page, parley)
    page.evaluate("([key]) => localStorage.setItem(key, 'staged')", [LAST_JOB])
    page.goto(parley.url("/console/#/bots/pizzeria/train"))
    expect(page.locator(".job-status")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_role("list", name="Training steps")).to_match_aria_snapshot(
        """
        - list "Training steps":
          - listitem: queued (done)
          - listitem: running (done)
          - listitem: succeeded (done)
        """
    )


def parsed_as(intent: str) -> dict[str, object]:
    return {"intent": {"name": intent, "confidence": 0.9}, "ranking": [], "entities": []}


def test_example_check_stops_on_an_error_and_can_run_again(page: Page, parley: EmbeddedParley) -> None:
    def parse(route: Route) -> None:
        if route.request.post_data_json["text"] == "order pizza":
            route.fulfill(
                status=500, json={"error": {"code": "internal_error", "message": "the NLU fell over"}}
            )
        else:
            route.fulfill(json=parsed_as("greet"))

    page.route("**/api/v1/bots/pizzeria/parse", parse)
    stage_trained_job(page, parley)
    check = page.locator("section[aria-labelledby=check-title]")
    check.get_by_role("button", name="Check examples").click()
    expect(check.get_by_role("alert")).to_contain_text("the NLU fell over")
    expect(check.get_by_role("button", name="Check examples")).to_be_enabled()
    expect(check.get_by_role("alert")).to_contain_text("Stopped after")


def test_example_check_waits_out_the_rate_limit(page: Page, parley: EmbeddedParley) -> None:
    refusals = [1] * 6

    def parse(route: Route) -> None:
        if refusals:
            refusals.pop()
            route.fulfill(
                status=429,
                headers={"retry-after": "1"},
                json={"error": {"code": "rate_limited", "message": "too many requests from this address"}},
            )
        else:
            route.fulfill(json=parsed_as("greet"))

    page.route("**/api/v1/bots/pizzeria/parse", parse)
    stage_trained_job(page, parley)
    check = page.locator("section[aria-labelledby=check-title]")
    check.get_by_role("button", name="Check examples").click()
    expect(check.get_by_role("button")).to_contain_text("rate limit")
    expect(check.get_by_role("table", name="Per-intent scores")).to_be_visible(timeout=15_000)
    expect(check.get_by_role("alert")).to_have_count(0)
    expect(check.get_by_role("button", name="Check again")).to_be_enabled()
