"""A websocket client's context reaches the welcome: AI Chatbot Framework's own greeting,
"Hi {{context["username"] }}", greets the user by name when the socket opens with a `start` frame."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.acf_support import ACF_EXAMPLES
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "acf-defaults"


@pytest.fixture(scope="module")
def acf_bot(parley: EmbeddedParley) -> Iterator[str]:
    """ACF's default intents, imported unchanged (no training: the welcome and triggers need none)."""
    document = (ACF_EXAMPLES / "default_intents.json").read_bytes()
    headers = {**parley.admin, "content-type": "application/json"}
    response = httpx.put(parley.url(f"/api/v1/bots/{BOT}"), content=document, headers=headers, timeout=30)
    assert response.status_code in {200, 201}, response.text
    yield BOT
    httpx.delete(parley.url(f"/api/v1/bots/{BOT}"), headers=parley.admin, timeout=30)


def _open(parley: EmbeddedParley, query: str) -> ClientConnection:
    return connect(f"{parley.ws_url}?bot={BOT}&{query}", open_timeout=10)


def _receive(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=30))


def _texts(frame: dict[str, Any]) -> list[str]:
    return [message["text"] for message in frame["messages"]]


def test_the_welcome_greets_the_user_named_in_the_start_frame_once(
    parley: EmbeddedParley, acf_bot: str
) -> None:
    with _open(parley, "start=true") as ws:
        ws.send(json.dumps({"type": "start", "context": {"username": "Ann"}, "timezone": "Europe/Paris"}))
        welcome = _receive(ws)
        ws.send(json.dumps({"type": "ping"}))
        after = _receive(ws)
    assert _texts(welcome) == ["Hi Ann", "What can i do for you ?"]
    assert after == {"type": "pong"}  # one greeting, not two


def test_the_start_frames_context_stays_with_the_conversation(parley: EmbeddedParley, acf_bot: str) -> None:
    with _open(parley, "start=true") as ws:
        ws.send(json.dumps({"type": "start", "context": {"username": "Ann"}}))
        conversation = _receive(ws)["conversation_id"]
    with _open(parley, f"conversation_id={conversation}") as ws:  # resumed: no welcome, no start
        ws.send(json.dumps({"type": "user_message", "text": "/init_conversation"}))
        again = _receive(ws)
    assert _texts(again)[0] == "Hi Ann"


def test_a_client_that_announces_nothing_is_welcomed_at_once_without_a_context(
    parley: EmbeddedParley, acf_bot: str
) -> None:
    with _open(parley, "start=false") as ws:
        welcome = _receive(ws)
    assert welcome["type"] == "bot_message"
    assert "Ann" not in _texts(welcome)[0]
