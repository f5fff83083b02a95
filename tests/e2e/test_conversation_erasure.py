"""Erasing one conversation through the admin API, for a user who asks: its transcript goes, the
bot's other conversations stay, and the user chatting on under the id starts a new transcript."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "e2e-erasure"
DEFINITION = {"intents": [{"id": "hello", "examples": ["hello there", "hi"], "replies": ["Hi"]}]}


def _chat(parley: EmbeddedParley, conversation_id: str | None = None) -> str:
    body: dict[str, Any] = {"text": "/hello"}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    reply = httpx.post(parley.url(f"/api/v1/bots/{BOT}/chat"), json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()["conversation_id"]


def _conversations(parley: EmbeddedParley) -> dict[str, int]:
    """Each listed conversation's turn count."""
    response = httpx.get(parley.url(f"/api/v1/bots/{BOT}/conversations"), headers=parley.admin)
    assert response.status_code == 200, response.text
    return {c["conversation_id"]: c["turn_count"] for c in response.json()}


def _eventually(read: Callable[[], Any], expected: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while (found := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.25)
    assert found == expected


def test_an_erased_conversation_is_gone_and_chatting_on_starts_a_new_transcript(
    parley: EmbeddedParley,
) -> None:
    created = httpx.put(parley.url(f"/api/v1/bots/{BOT}"), json=DEFINITION, headers=parley.admin)
    assert created.status_code in (200, 201), created.text
    erased = _chat(parley)
    _chat(parley, erased)
    kept = _chat(parley)
    _eventually(lambda: _conversations(parley), {erased: 2, kept: 1})

    url = parley.url(f"/api/v1/bots/{BOT}/conversations/{erased}")
    assert httpx.delete(url, headers=parley.admin).status_code == 204
    assert httpx.get(url, headers=parley.admin).status_code == 404
    assert _conversations(parley) == {kept: 1}
    assert httpx.delete(url, headers=parley.admin).status_code == 404

    _chat(parley, erased)
    _eventually(lambda: _conversations(parley), {erased: 1, kept: 1})
    turns = httpx.get(url, headers=parley.admin).json()["turns"]
    assert [turn["user_text"] for turn in turns] == ["/hello"]
    httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin)
