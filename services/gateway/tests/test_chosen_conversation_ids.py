"""A conversation id is the conversation's only key: whoever sends it continues the conversation and
is answered its slots. One a chat client chooses (REST `conversation_id`, the websocket's query) must
be as hard to guess as the server's, so one shorter than `CHOSEN_ID_MIN_LENGTH` is refused, over
REST and the websocket alike, before any turn."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.names import CHOSEN_ID_MIN_LENGTH, SHORT_ID
from parley_messages import new_id

from .conftest import InMemoryDialogue, refused_websocket

Client = AsyncTestClient[Litestar]
CHAT = "/api/v1/bots/pizzeria/chat"
SHORT = ["conv-happy-1", "c1", "user-42", "a" * (CHOSEN_ID_MIN_LENGTH - 1)]
LONG_ENOUGH = ["a" * CHOSEN_ID_MIN_LENGTH, str(uuid.uuid4()), uuid.uuid4().hex, "x" * 64]


def test_the_server_assigns_ids_a_client_could_have_chosen() -> None:
    assert len(new_id()) >= CHOSEN_ID_MIN_LENGTH


@pytest.mark.parametrize("conversation_id", SHORT)
async def test_a_short_id_is_refused_over_rest_before_any_turn(
    client: Client, dialogue: InMemoryDialogue, conversation_id: str
) -> None:
    response = await client.post(CHAT, json={"text": "hello", "conversation_id": conversation_id})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_input",
        "message": SHORT_ID,
        "details": {"field": "conversation_id", "min_length": CHOSEN_ID_MIN_LENGTH},
    }
    assert dialogue.requests == []


@pytest.mark.parametrize("conversation_id", LONG_ENOUGH)
async def test_an_id_long_enough_starts_or_continues_its_conversation(
    client: Client, conversation_id: str
) -> None:
    response = await client.post(CHAT, json={"text": "hello", "conversation_id": conversation_id})
    assert (response.status_code, response.json()["conversation_id"]) == (200, conversation_id)


async def test_the_id_a_new_conversation_is_given_continues_it(client: Client) -> None:
    first = (await client.post(CHAT, json={"text": "hello"})).json()
    body = {"text": "again", "conversation_id": first["conversation_id"]}
    second = await client.post(CHAT, json=body)
    assert (second.status_code, second.json()["conversation_id"]) == (200, first["conversation_id"])


@pytest.mark.parametrize("conversation_id", SHORT)
def test_a_short_id_closes_the_websocket_with_4400(
    sync_client: Any, dialogue: InMemoryDialogue, conversation_id: str
) -> None:
    error, code = refused_websocket(sync_client, f"/ws/chat?bot=pizzeria&conversation_id={conversation_id}")
    assert (error["code"], error["message"], code) == ("invalid_input", SHORT_ID, 4400)
    assert dialogue.requests == []
    assert dialogue.welcomes == []


def test_a_uuid_resumes_a_conversation_on_the_websocket(sync_client: Any) -> None:
    conversation_id = str(uuid.uuid4())
    with sync_client.websocket_connect(f"/ws/chat?bot=pizzeria&conversation_id={conversation_id}") as ws:
        ws.send_json({"type": "user_message", "text": "hi again"})
        reply = ws.receive_json()
    assert (reply["type"], reply["conversation_id"]) == ("bot_message", conversation_id)
