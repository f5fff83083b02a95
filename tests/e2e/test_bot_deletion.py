"""Deleting a bot through the admin API takes its conversations, analytics, models and training
snapshots with it: a bot created again under the name starts with none of its predecessor's."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "e2e-deleted"
DEFINITION = {"intents": [{"id": "hello", "examples": ["hello there", "hi"], "replies": ["Hi"]}]}
TRAINABLE = {
    "intents": [
        {"id": "hello", "examples": ["hello there", "hi", "good morning"], "replies": ["Hi"]},
        {"id": "bye", "examples": ["goodbye", "bye now", "see you later"], "replies": ["Bye"]},
    ]
}


def _create_and_chat(parley: EmbeddedParley) -> str:
    created = httpx.put(parley.url(f"/api/v1/bots/{BOT}"), json=DEFINITION, headers=parley.admin)
    assert created.status_code in (200, 201), created.text
    reply = httpx.post(parley.url(f"/api/v1/bots/{BOT}/chat"), json={"text": "/hello"})
    assert reply.status_code == 200, reply.text
    return reply.json()["conversation_id"]


def _read(parley: EmbeddedParley, path: str) -> Any:
    response = httpx.get(parley.url(f"/api/v1/bots/{BOT}/{path}"), headers=parley.admin)
    assert response.status_code == 200, response.text
    return response.json()


def _conversations(parley: EmbeddedParley) -> list[str]:
    return [conversation["conversation_id"] for conversation in _read(parley, "conversations")]


def _turns_counted(parley: EmbeddedParley) -> int:
    return sum(day["turns"] for day in _read(parley, "analytics")["days"])


def _eventually(read: Callable[[], Any], expected: Any, timeout: float = 15.0) -> None:
    """Polls gently: the gateway limits an address to 10 requests a second on average."""
    deadline = time.monotonic() + timeout
    while (found := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.25)
    assert found == expected


def test_a_bot_created_again_lists_and_counts_none_of_the_deleted_bots_conversations(
    parley: EmbeddedParley,
) -> None:
    old = _create_and_chat(parley)
    _eventually(lambda: (_conversations(parley), _turns_counted(parley)), ([old], 1))
    assert httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin).status_code == 204
    new = _create_and_chat(parley)
    _eventually(lambda: (_conversations(parley), _turns_counted(parley)), ([new], 1))
    gone = httpx.get(parley.url(f"/api/v1/bots/{BOT}/conversations/{old}"), headers=parley.admin)
    assert gone.status_code == 404
    httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin)


def _trained(parley: EmbeddedParley, bot: str) -> None:
    created = httpx.put(parley.url(f"/api/v1/bots/{bot}"), json=TRAINABLE, headers=parley.admin)
    assert created.status_code in (200, 201), created.text
    started = httpx.post(parley.url(f"/api/v1/bots/{bot}/train"), headers=parley.admin, timeout=30)
    assert started.status_code == 202, started.text
    job = parley.url(f"/api/v1/bots/{bot}/train/{started.json()['job_id']}")
    _eventually(lambda: httpx.get(job, headers=parley.admin).json()["status"], "succeeded", timeout=120)


def _blobs(parley: EmbeddedParley, bot: str) -> list[str]:
    """The bot's models and snapshots in the embedded blob store (`PARLEY_DATA_DIR`)."""
    folders = [parley.data_dir / "models" / bot, parley.data_dir / "datasets" / bot]
    return sorted(
        path.name for folder in folders if folder.is_dir() for path in folder.rglob("*") if path.is_file()
    )


def test_a_deleted_bots_models_and_snapshots_leave_the_blob_store_and_no_other_bots_do(
    parley: EmbeddedParley,
) -> None:
    for bot in ("e2e-pizza", "e2e-pizzeria"):
        _trained(parley, bot)
    kept = _blobs(parley, "e2e-pizzeria")
    assert len(_blobs(parley, "e2e-pizza")) == len(kept) == 2  # a snapshot and a model
    assert httpx.delete(parley.url("/api/v1/bots/e2e-pizza"), headers=parley.admin).status_code == 204
    _eventually(lambda: _blobs(parley, "e2e-pizza"), [])
    assert _blobs(parley, "e2e-pizzeria") == kept
    httpx.delete(parley.url("/api/v1/bots/e2e-pizzeria"), headers=parley.admin)
