"""Turns of one conversation never overlap, across replicas sharing one Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import fakeredis
import pytest

from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState, lock_key
from parley_dialogue.conversation import ConversationState
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.service import DialogueService
from parley_messages import ChatRequest
from parley_runtime.errors import TransientError

BOT = b"""
intents:
  - id: note
    examples: [note this]
    replies: ["noted"]
  - id: slow
    replies: ["done"]
    action: {url: "https://hooks.example.com/slow"}
"""


class GatedWebhooks:
    """Holds each call until released, so a turn can be paused while it holds its conversation."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def call(self, request: WebhookRequest) -> object:
        self.entered.set()
        await self.release.wait()
        return {}


async def until(condition: Callable[[], Awaitable[bool]], attempts: int = 1000) -> None:
    """Yield to the event loop until `condition` holds (no sleeping)."""
    for _ in range(attempts):
        if await condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


async def test_two_interleaved_turns_on_two_replicas_keep_both_updates(mongo, redis_server, nlu):
    clients = [fakeredis.FakeAsyncRedis(server=redis_server) for _ in range(2)]
    gate = GatedWebhooks()
    replicas = [
        DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(client, ttl_seconds=60, wait_seconds=5),
            nlu=nlu,
            webhooks=gate,
        )
        for client in clients
    ]
    await replicas[0].put_bot("memo", BOT)
    first = asyncio.create_task(
        replicas[0].turn(ChatRequest(bot="memo", text="/slow", conversation_id="c", context={"a": 1}))
    )
    await gate.entered.wait()
    second = asyncio.create_task(
        replicas[1].turn(ChatRequest(bot="memo", text="/note", conversation_id="c", context={"b": 2}))
    )
    for _ in range(50):
        await asyncio.sleep(0)
    assert not second.done()
    gate.release.set()
    await asyncio.gather(first, second)
    state = await RedisConversationState(clients[0], ttl_seconds=60).load("memo", "c")
    assert state is not None
    assert state.context == {"a": 1, "b": 2}
    assert state.turn_count == 2
    for client in clients:
        await client.aclose()


async def test_a_held_conversation_makes_another_turn_wait_then_fail(redis):
    store = RedisConversationState(redis, ttl_seconds=60, wait_seconds=0.05)
    async with store.turn_lock("b", "c"):
        with pytest.raises(TransientError, match="busy"):
            async with store.turn_lock("b", "c"):
                pass


async def test_the_lock_is_free_again_after_the_turn(redis):
    store = RedisConversationState(redis, ttl_seconds=60)
    async with store.turn_lock("b", "c"):
        pass
    assert await redis.get(lock_key("b", "c")) is None


async def test_a_turn_that_lost_its_lock_cannot_save(redis):
    store = RedisConversationState(redis, ttl_seconds=60)
    async with store.turn_lock("b", "c"):
        await redis.set(lock_key("b", "c"), b"someone-else")
        with pytest.raises(TransientError, match="expired"):
            await store.save(ConversationState(conversation_id="c", bot="b"))
    assert await redis.get(lock_key("b", "c")) == b"someone-else"


async def test_state_round_trips_with_a_time_to_live(redis):
    store = RedisConversationState(redis, ttl_seconds=60)
    state = ConversationState(conversation_id="c", bot="b", slots={"x": [1, 2]}, context={"u": "v"})
    await store.save(state)
    assert await store.load("b", "c") == state
    assert 0 < await redis.pttl("parley:conv:b:c") <= 60_000
