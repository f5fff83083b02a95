"""Erasing one conversation through the admin API, for a user who asks: its transcript and its state
go, the bot's other conversations stay, and the user chatting on under the id starts anew."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "e2e-erasure"
DEFINITION = {
    "intents": [{"id": "hello", "examples": ["hello there", "hi"], "replies": ["Hi {{ context.name }}"]}]
}


def _chat(parley: EmbeddedParley, conversation_id: str | None = None, **body: Any) -> tuple[str, str]:
    """The conversation's id and the reply's text."""
    body = {"text": "/hello", **body}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    reply = httpx.post(parley.url(f"/api/v1/bots/{BOT}/chat"), json=body)
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    return answer["conversation_id"], " ".join(message["text"] for message in answer["messages"])


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
    erased, said = _chat(parley, context={"name": "Ann"})
    assert said == "Hi Ann"
    _chat(parley, erased)
    kept, _ = _chat(parley)
    _eventually(lambda: _conversations(parley), {erased: 2, kept: 1})

    url = parley.url(f"/api/v1/bots/{BOT}/conversations/{erased}")
    assert httpx.delete(url, headers=parley.admin).status_code == 204
    assert httpx.get(url, headers=parley.admin).status_code == 404
    assert _conversations(parley) == {kept: 1}
    assert httpx.delete(url, headers=parley.admin).status_code == 404

    assert "Ann" not in _chat(parley, erased)[1]  # the conversation's context went with it
    _eventually(lambda: _conversations(parley), {erased: 1, kept: 1})
    turns = httpx.get(url, headers=parley.admin).json()["turns"]
    assert [turn["user_text"] for turn in turns] == ["/hello"]
    httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin)
