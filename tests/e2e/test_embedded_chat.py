"""The embedded runner through its public interface: websocket, REST chat, admin API."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _frame(ws: ClientConnection, payload: Any) -> dict[str, Any]:
    ws.send(payload if isinstance(payload, str) else json.dumps(payload))
    return json.loads(ws.recv(timeout=30))


def _open(parley: EmbeddedParley, **params: str) -> ClientConnection:
    query = "&".join(f"{k}={v}" for k, v in {"bot": "pizzeria", **params}.items())
    return connect(f"{parley.ws_url}?{query}", open_timeout=10)


def test_chat_page_is_served(parley: EmbeddedParley) -> None:
    page = httpx.get(parley.base_url + "/")
    assert page.status_code == 200
    assert "/ws/chat" in page.text


def test_new_websocket_conversation_is_greeted(parley: EmbeddedParley) -> None:
    with _open(parley) as ws:
        welcome = json.loads(ws.recv(timeout=30))
    assert welcome["type"] == "bot_message"
    assert welcome["messages"]


def test_hi_on_the_websocket_gets_the_greeting_intent(parley: EmbeddedParley) -> None:
    with _open(parley) as ws:
        ws.recv(timeout=30)  # welcome
        reply = _frame(ws, {"type": "user_message", "text": "hi"})
    assert reply["type"] == "bot_message"
    assert reply["intent"]["name"] == "greet"
    assert reply["messages"][0]["text"]
    assert reply["conversation_id"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("this is not json", "invalid_json"),
        ({"type": "shout", "text": "hi"}, "unknown_type"),
        ({"type": "user_message"}, "invalid_frame"),
        ({"type": "user_message", "text": "x" * 2001}, "text_too_long"),
    ],
)
def test_bad_frames_get_an_error_frame_and_the_socket_stays_usable(
    parley: EmbeddedParley, payload: Any, code: str
) -> None:
    with _open(parley) as ws:
        ws.recv(timeout=30)
        error = _frame(ws, payload)
        assert error == {"type": "error", "code": code, "message": error["message"]}
        assert _frame(ws, {"type": "user_message", "text": "hello"})["type"] == "bot_message"


def test_rest_chat_answers_like_the_websocket(parley: EmbeddedParley) -> None:
    reply = httpx.post(f"{parley.base_url}/api/v1/bots/pizzeria/chat", json={"text": "hello there"}).json()
    assert reply["type"] == "bot_message"
    assert reply["intent"]["name"] == "greet"


def test_rest_chat_refuses_unknown_fields(parley: EmbeddedParley) -> None:
    response = httpx.post(
        f"{parley.base_url}/api/v1/bots/pizzeria/chat", json={"text": "hi", "colour": "red"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_slot_is_prompted_for_then_filled(parley: EmbeddedParley) -> None:
    url = f"{parley.base_url}/api/v1/bots/pizzeria/chat"
    first = httpx.post(url, json={"text": "I'd like to order a pizza"}).json()
    assert first["intent"]["name"] == "order_pizza"
    assert first["complete"] is False
    assert first["missing_slots"]
    cid = first["conversation_id"]
    second = httpx.post(url, json={"text": "a large pepperoni please", "conversation_id": cid}).json()
    assert second["complete"] is True
    assert second["slots"]["pizza"] == "pepperoni"
    assert second["slots"]["size"] == "large"


def test_a_turn_is_stored_as_a_transcript_and_counted(parley: EmbeddedParley) -> None:
    reply = httpx.post(
        f"{parley.base_url}/api/v1/bots/pizzeria/chat", json={"text": "when are you open?"}
    ).json()
    cid = reply["conversation_id"]
    conversation = _poll(
        lambda: httpx.get(f"{parley.base_url}/api/v1/bots/pizzeria/conversations/{cid}", headers=parley.admin)
    )
    assert [t["user_text"] for t in conversation["turns"]] == ["when are you open?"]
    analytics = httpx.get(f"{parley.base_url}/api/v1/bots/pizzeria/analytics", headers=parley.admin).json()
    assert sum(day["turns"] for day in analytics["days"]) >= 1


def test_admin_routes_need_a_key(parley: EmbeddedParley) -> None:
    assert httpx.get(f"{parley.base_url}/api/v1/bots").status_code == 401
    bots = httpx.get(f"{parley.base_url}/api/v1/bots", headers=parley.admin).json()
    assert "pizzeria" in [b["name"] for b in bots]


def _poll(request: Any, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response: httpx.Response = request()
        if response.status_code == 200 or time.monotonic() > deadline:
            assert response.status_code == 200, response.text
            return response.json()
        time.sleep(0.05)
