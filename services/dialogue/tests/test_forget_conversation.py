"""An erasure has the dialogue forget a conversation's state: its slots, context and open form."""

from __future__ import annotations

import pytest

from parley_dialogue.adapters.memory_conversations import MemoryConversationState
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.conversation import ConversationState
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import ScriptedNlu
from parley_runtime.errors import InvalidInputError, TransientError
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

CONVERSATION = "c" * 32


def _service(store: MemoryConversationState) -> DialogueService:
    return DialogueService(
        bots=MongoBotStore(connect_mongo(InfraSettings())), conversations=store, nlu=ScriptedNlu()
    )


async def test_a_forgotten_conversation_has_no_state() -> None:
    store = MemoryConversationState(ttl_seconds=60)
    await store.save(ConversationState(conversation_id=CONVERSATION, bot="shop", slots={"phone": "0171 555"}))
    await _service(store).forget_conversation("shop", CONVERSATION)
    assert await store.load("shop", CONVERSATION) is None


async def test_forgetting_waits_for_the_turn_running_in_the_conversation() -> None:
    store = MemoryConversationState(ttl_seconds=60, wait_seconds=0.05)
    async with store.turn_lock("shop", CONVERSATION):
        with pytest.raises(TransientError, match="busy"):
            await _service(store).forget_conversation("shop", CONVERSATION)


async def test_a_conversation_id_that_cannot_be_one_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        await _service(MemoryConversationState(ttl_seconds=60)).forget_conversation("shop", "a b")
