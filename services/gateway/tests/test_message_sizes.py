"""The byte limit of a chat message (a websocket frame, a REST chat body) counts the JSON as sent and
holds any valid message however escaped; a refusal says the limit in bytes and how escapes count."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.settings import GatewaySettings
from parley_messages import MAX_TEXT_CHARS

from .conftest import InMemoryDialogue

Client = AsyncTestClient[Litestar]
CHAT = "/api/v1/bots/pizzeria/chat"
EMOJI = "\N{GRINNING FACE}" * MAX_TEXT_CHARS
"""The longest text, of characters outside the BMP: 12 bytes each as Python's `json.dumps` writes them."""
LIMIT = GatewaySettings().max_frame_bytes


def test_the_longest_text_escaped_as_pythons_json_does_is_answered(sync_client: Any) -> None:
    body = json.dumps({"text": EMOJI})  # ASCII-escaped: 24,000 bytes for 2,000 characters
    response = sync_client.post(CHAT, content=body, headers={"content-type": "application/json"})
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws:
        ws.send_text(json.dumps({"type": "user_message", "text": EMOJI}))
        reply = ws.receive_json()
    assert (response.status_code, reply["type"]) == (200, "bot_message")


async def test_a_chat_body_over_the_limit_is_told_the_limit_in_bytes_and_how_escapes_count(
    client: Client,
) -> None:
    body = json.dumps({"text": "hi", "context": {"pad": " " * LIMIT}})
    response = await client.post(CHAT, content=body, headers={"content-type": "application/json"})
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["details"]) == (413, "too_large", {"max_bytes": LIMIT})
    assert error["message"] == (
        f"a chat request body is limited to {LIMIT} bytes of JSON as sent: an escaped character "
        "(\\u00e9) takes 6 bytes and one outside the BMP (an emoji) 12, so send characters unescaped, "
        "as UTF-8"
    )


def test_a_frame_over_the_limit_is_told_its_size_and_the_limit_in_bytes(sync_client: Any) -> None:
    frame = json.dumps({"type": "user_message", "text": "hi", "context": {"pad": " " * LIMIT}})
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws:
        ws.send_text(frame)
        error = ws.receive_json()
    assert error["code"] == "frame_too_large"
    assert error["message"].startswith(
        f"this frame is {len(frame)} bytes; frames are limited to {LIMIT} bytes"
    )


def test_a_context_over_the_dialogues_limit_is_refused_at_the_edge(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    context = {"k": "a" * 16_384}
    response = sync_client.post(CHAT, json={"text": "hi", "context": context})
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws:
        ws.send_json({"type": "user_message", "text": "hi", "context": context})
        error = ws.receive_json()
    message = "context is larger than 16384 bytes encoded"
    assert (response.status_code, response.json()["error"]["message"]) == (400, message)
    assert (error["code"], error["message"]) == ("invalid_input", message)
    assert dialogue.requests == []


def _escaped(value: Any) -> str:
    """`value` as JSON with every character of every string escaped (`\\u0061`, a pair for an
    emoji) and Python's default separators: the largest a common encoder writes it."""
    if isinstance(value, str):
        units = value.encode("utf-16-be")
        return '"' + "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)) + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_escaped(k)}: {_escaped(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _largest_valid(**fields: Any) -> str:
    """A chat message at every limit: the longest text of emoji, a context of 16 KiB encoded (one
    ASCII string: 6 bytes a byte once escaped, the most), a long time zone, all escaped."""
    context = {"k": "a" * (16_384 - len('{"k":""}'))}
    assert len(msgspec.json.encode(context)) == 16_384
    zone = "America/Argentina/ComodRivadavia"
    return _escaped({**fields, "text": EMOJI, "context": context, "timezone": zone})


def test_the_default_limit_holds_any_valid_message_however_escaped(sync_client: Any) -> None:
    body = _largest_valid(conversation_id="c" * 64)
    frame = _largest_valid(type="user_message")
    assert 120_000 < len(body) <= LIMIT
    response = sync_client.post(CHAT, content=body, headers={"content-type": "application/json"})
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws:
        ws.send_text(frame)
        reply = ws.receive_json()
    assert (response.status_code, reply["type"]) == (200, "bot_message")
