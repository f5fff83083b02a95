"""The websocket applies what REST applies per request: a key's own rate limit on every user
message, a key revoked since the socket opened; and a missing `bot` is a 4400, as documented."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import refused_websocket

ADMIN = {"authorization": "Bearer admin-secret"}


def _chat_key(client: Any, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/keys", headers=ADMIN, json={"name": "ws", "scopes": ["chat"], **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _say(ws: Any, text: str = "hi") -> dict[str, Any]:
    ws.send_json({"type": "user_message", "text": text})
    return dict(ws.receive_json())


def test_a_keys_own_rate_limit_applies_to_each_websocket_message(sync_client: Any) -> None:
    key = _chat_key(sync_client, rate_limit=2)["key"]
    with sync_client.websocket_connect(
        f"/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij&key={key}"
    ) as ws:
        replies = [_say(ws) for _ in range(4)]
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
    assert [r["type"] for r in replies] == ["bot_message", "bot_message", "error", "error"]
    assert replies[2]["code"] == "rate_limited"
    assert "try again in" in replies[2]["message"]


def test_rest_and_websocket_share_a_keys_window(sync_client: Any) -> None:
    key = _chat_key(sync_client, rate_limit=2)["key"]
    headers = {"authorization": f"Bearer {key}"}
    rest = sync_client.post("/api/v1/bots/pizzeria/chat", headers=headers, json={"text": "hi"})
    with sync_client.websocket_connect(
        f"/ws/chat?bot=pizzeria&conversation_id=c2-0123456789abcdefghij&key={key}"
    ) as ws:
        replies = [_say(ws) for _ in range(2)]
    assert rest.status_code == 200
    assert [r["type"] for r in replies] == ["bot_message", "error"]


def test_a_key_revoked_while_its_socket_is_open_is_refused(sync_client: Any) -> None:
    created = _chat_key(sync_client)
    key, key_id = created["key"], created["api_key"]["key_id"]
    with sync_client.websocket_connect(
        f"/ws/chat?bot=pizzeria&conversation_id=c3-0123456789abcdefghij&key={key}"
    ) as ws:
        assert _say(ws)["type"] == "bot_message"
        assert sync_client.delete(f"/api/v1/keys/{key_id}", headers=ADMIN).status_code == 200
        assert _say(ws)["code"] == "unauthorized"


@pytest.mark.parametrize("query", ["", "?conversation_id=c4-0123456789abcdefghij", "?bot="])
def test_a_socket_without_a_bot_gets_an_error_frame_and_closes_with_4400(
    sync_client: Any, query: str
) -> None:
    error, code = refused_websocket(sync_client, f"/ws/chat{query}")
    assert (error["type"], error["code"], code) == ("error", "invalid_input", 4400)
