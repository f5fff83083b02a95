"""The gateway, the dialogue service and the console accept and refuse the same bot names, so a
bot created through any of them is reachable through the gateway (decision 58). The NLU service
and the HTTP clients apply the same check (`parley_runtime.names`)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pymongo_async_mock import AsyncMongoMockClient

from parley_dialogue.adapters.memory_conversations import MemoryConversationState
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import ScriptedNlu
from parley_gateway.names import check_bot_name
from parley_messages import BOT_NAME_PATTERN
from parley_runtime.errors import InvalidInputError

CONSOLE_NAMES = Path(__file__).parents[1] / "web" / "src" / "console" / "names.ts"
NAMES = [
    "pizzeria",
    "order_status",
    "a-b",
    "A1",
    "x" * 64,
    "pizzeria.v2",
    "v1.json",
    "-a",
    "_a",
    "",
    "a b",
    "a/b",
    "a:b",
    "a\n",
    "é",
    "x" * 65,
]
DOCUMENT = b'{"name": "ignored", "intents": [{"id": "hello", "examples": ["hello"], "replies": ["Hi!"]}]}'


def _dialogue() -> DialogueService:
    return DialogueService(
        bots=MongoBotStore(AsyncMongoMockClient(tz_aware=True).get_database("parley_test")),
        conversations=MemoryConversationState(ttl_seconds=600),
        nlu=ScriptedNlu(),
        rng=random.Random(7),
    )


def _gateway_accepts(name: str) -> bool:
    try:
        check_bot_name(name)
    except InvalidInputError:
        return False
    return True


async def _dialogue_accepts(name: str) -> bool:
    try:
        await _dialogue().put_bot(name, DOCUMENT, "application/json")
    except InvalidInputError:
        return False
    return True


@pytest.mark.parametrize("name", NAMES)
async def test_the_gateway_and_the_dialogue_accept_and_refuse_the_same_bot_names(name: str) -> None:
    assert await _dialogue_accepts(name) == _gateway_accepts(name)


async def test_a_dotted_name_is_refused_by_both() -> None:
    assert not _gateway_accepts("pizzeria.v2")
    assert not await _dialogue_accepts("pizzeria.v2")


def test_the_console_checks_names_with_the_shared_rule() -> None:
    assert f"export const BOT_NAME = /{BOT_NAME_PATTERN}/;" in CONSOLE_NAMES.read_text()
