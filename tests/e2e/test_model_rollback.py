"""Going back to an earlier model through the admin API: a bot trained twice is served by its first
model again, which parse and chat answer from, and which its model history marks served."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "e2e-rollback"
INTENTS = [
    {"id": "greet", "examples": ["hello", "hi there", "good morning", "hey"], "replies": ["Hello!"]},
    {
        "id": "order",
        "examples": ["I want a pizza", "order a pizza", "a large pizza please", "can I order food"],
        "replies": ["Ordered."],
    },
    {"id": "bye", "examples": ["goodbye", "bye", "see you later", "talk to you soon"], "replies": ["Bye!"]},
]
THANKS = {
    "id": "thanks",
    "examples": ["thanks", "thank you", "thanks a lot", "many thanks", "thank you so much"],
    "replies": ["You're welcome."],
}


def _api(parley: EmbeddedParley, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(
        method, parley.url(f"/api/v1/bots/{BOT}{path}"), headers=parley.admin, timeout=30, **kwargs
    )


def _trained(parley: EmbeddedParley, intents: list[dict[str, Any]]) -> str:
    """Save the bot with `intents`, train it with `force`, wait for the job; the model's version."""
    assert _api(parley, "PUT", "", json={"intents": intents}).status_code == 200
    started = _api(parley, "POST", "/train", json={"force": True})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 120
    while (job := _api(parley, "GET", f"/train/{started.json()['job_id']}").json())["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, job
        time.sleep(0.25)
    assert job["status"] == "succeeded", job
    return str(job["model_version"])


def _intent(parley: EmbeddedParley, text: str) -> tuple[str, str]:
    parsed = _api(parley, "POST", "/parse", json={"text": text})
    assert parsed.status_code == 200, parsed.text
    return parsed.json()["intent"]["name"], parsed.json()["model_version"]


def _models_published(parley: EmbeddedParley) -> int:
    return sum(day["models_published"] for day in _api(parley, "GET", "/analytics").json()["days"])


def test_a_bot_goes_back_to_its_first_model_and_answers_from_it(parley: EmbeddedParley) -> None:
    first = _trained(parley, INTENTS)
    second = _trained(parley, [*INTENTS, THANKS])
    assert _intent(parley, "thank you so much") == ("thanks", second)

    published = _api(parley, "POST", f"/models/{first}/publish")
    assert published.status_code == 200, published.text
    rollback = published.json()
    assert (rollback["republished_from"], rollback["served"], rollback["intents"]) == (first, True, 3)
    assert rollback["differences"] == {"intents_not_in_model": ["thanks"], "intents_not_in_bot": []}

    intent, version = _intent(parley, "thank you so much")
    assert intent != "thanks" and version == rollback["version"]
    chat = httpx.post(parley.url(f"/api/v1/bots/{BOT}/chat"), json={"text": "thank you so much"}, timeout=30)
    assert chat.status_code == 200 and chat.json()["intent"]["name"] != "thanks"
    assert _intent(parley, "good morning")[0] == "greet"

    listed = _api(parley, "GET", "/models").json()
    assert [(m["version"], m["served"], m["republished_from"]) for m in listed] == [
        (rollback["version"], True, first),
        (second, False, None),
        (first, False, None),
    ]
    assert [m["intents"] for m in listed] == [3, 4, 3]
    deadline = time.monotonic() + 15
    while (count := _models_published(parley)) < 3 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert count == 3  # the rollback is counted as a model published, like each training

    assert _api(parley, "DELETE", "").status_code == 204
    # Deleted, the bot has no models to list; created again, its predecessor's are retired.
    assert _api(parley, "GET", "/models").status_code == 404
    assert _api(parley, "PUT", "", json={"intents": INTENTS}).status_code == 200
    assert {(m["status"], m["served"]) for m in _api(parley, "GET", "/models").json()} == {("retired", False)}
    refused = _api(parley, "POST", f"/models/{first}/publish")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "conflict")
    _api(parley, "DELETE", "")
