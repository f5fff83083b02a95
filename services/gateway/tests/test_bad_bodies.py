"""Bodies and frames that are not UTF-8 (or Unicode) or nest too deep: a clear 400 (or error frame),
nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient, TestClient

from parley_runtime.client_json import MAX_DEPTH

Client = AsyncTestClient[Litestar]
CHAT = "/api/v1/bots/pizzeria/chat"
JSON = {"content-type": "application/json"}


def _nested(depth: int) -> bytes:
    return b'{"text": "hi", "context": {"a": ' + b"[" * depth + b"]" * depth + b"}}"


async def test_a_chat_body_that_is_not_utf8_is_invalid_input(client: Client) -> None:
    response = await client.post(CHAT, content=b'{"text": "h\xffi"}', headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert "UTF-8" in response.json()["error"]["message"]


LONE_SURROGATE = b'{"text": "\\ud800"}'
NOT_UNICODE = "not valid Unicode: \\ud800 (at byte 10) is half of a UTF-16 surrogate pair"


@pytest.mark.parametrize("path", [CHAT, "/api/v1/bots/pizzeria/parse"])
async def test_text_with_half_a_surrogate_pair_is_not_unicode(
    client: Client, admin: dict[str, str], dialogue: Any, path: str
) -> None:
    response = await client.post(path, content=LONE_SURROGATE, headers={**admin, **JSON})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["message"].startswith(NOT_UNICODE)
    assert dialogue.requests == []


def test_a_frame_with_half_a_surrogate_pair_gets_an_error_frame(app: Litestar) -> None:
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws,
    ):
        ws.send_text('{"type": "user_message", "text": "\\ud800"}')
        error = ws.receive_json()
    assert error["code"] == "invalid_json"
    assert error["message"].startswith("not valid Unicode: \\ud800 (at byte 34) is half of a UTF-16")


async def test_a_chat_context_nested_too_deep_is_invalid_input(client: Client, dialogue: Any) -> None:
    response = await client.post(CHAT, content=_nested(3000), headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert f"more than {MAX_DEPTH} levels" in response.json()["error"]["message"]
    assert dialogue.requests == []


async def test_a_chat_context_nested_within_the_limit_is_answered(client: Client) -> None:
    response = await client.post(CHAT, content=_nested(MAX_DEPTH - 2), headers=JSON)
    assert response.status_code == 200


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=latin-1"])
async def test_a_key_name_that_is_not_utf8_is_invalid_input_and_creates_no_key(
    client: Client, admin: dict[str, str], content_type: str
) -> None:
    headers = {**admin, "content-type": content_type}
    response = await client.post("/api/v1/keys", content=b'{"name": "caf\xe9"}', headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert (await client.get("/api/v1/keys", headers=admin)).json() == []


def test_a_frame_nested_too_deep_gets_an_invalid_json_error_frame(app: Litestar) -> None:
    frame = b'{"type": "user_message", "text": "hi", "context": {"a": ' + b"[" * 3000 + b"]" * 3000 + b"}}"
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws,
    ):
        ws.send_text(frame.decode())
        error = ws.receive_json()
        ws.send_json({"type": "user_message", "text": "still there?"})
        assert ws.receive_json()["type"] == "bot_message"
    assert error["code"] == "invalid_json"
    assert f"more than {MAX_DEPTH} levels" in error["message"]


@pytest.mark.parametrize("charset", ["utf-8", "no-such-charset"])
async def test_a_form_field_whose_text_does_not_decode_is_invalid_input(
    client: Client, admin: dict[str, str], charset: str
) -> None:
    body = (
        b'--xx\r\nContent-Disposition: form-data; name="note"\r\n'
        + f"Content-Type: text/plain; charset={charset}\r\n\r\ncaf\xe9\r\n--xx--\r\n".encode("latin-1")
    )
    headers = {**admin, "content-type": "multipart/form-data; boundary=xx"}
    response = await client.post("/api/v1/bots/shop/import", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


async def test_a_chat_body_that_gives_a_key_twice_is_invalid_input(client: Client, dialogue: Any) -> None:
    body = b'{"text": "cancel my order", "context": {"user": "ann"}, "text": "confirm my order"}'
    response = await client.post(CHAT, content=body, headers=JSON)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"][0]["key"]) == ("invalid_input", "text")
    assert dialogue.requests == []


def test_a_frame_that_gives_a_key_twice_gets_an_invalid_json_error_frame(app: Litestar) -> None:
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws,
    ):
        ws.send_text('{"type": "user_message", "text": "yes", "context": {"a": 1, "a": 2}}')
        error = ws.receive_json()
    assert error["code"] == "invalid_json"
    assert error["message"].startswith("repeated key in the JSON: `context.a`")
