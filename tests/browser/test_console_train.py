"""The Train tab follows a job through failed status polls, and forgets a job the server no
longer knows. The server's answers are staged with request routing, so nothing trains."""

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
