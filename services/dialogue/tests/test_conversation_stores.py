"""Contract of `ConversationStore`, run against every adapter: Redis on fakeredis, Redis on a real
server when `PARLEY_TEST_REDIS_URL` (or `REDIS_URL`) names one, and the in-process memory store."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable

import fakeredis
import pytest
from redis.asyncio import Redis

from parley_dialogue.adapters.memory_conversations import MemoryConversationState
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.conversation import ConversationState
from parley_dialogue.ports import ConversationStore
from parley_runtime.errors import TransientError

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL") or os.environ.get("REDIS_URL")
ADAPTERS = [
    "memory",
    "fakeredis",
    *([pytest.param("redis", marks=pytest.mark.integration)] if REDIS_URL else []),
]

MakeStore = Callable[..., ConversationStore]


@pytest.fixture(params=ADAPTERS)
async def make_store(request: pytest.FixtureRequest) -> AsyncIterator[MakeStore]:
    """`make_store(ttl_seconds=..., lock_seconds=..., wait_seconds=...)`: stores of one backend,
    sharing its data like replicas do."""
    if request.param == "memory":
        shared: list[MemoryConversationState] = []

        def memory(**tuning: float) -> ConversationStore:
            # One process, one store: "replicas" of the memory adapter are the same object.
            if not shared:
                shared.append(MemoryConversationState(**tuning))
            return shared[0]

        yield memory
        return
    client: Redis = (
        fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer())
        if request.param == "fakeredis"
        else Redis.from_url(REDIS_URL or "")
    )
    try:
        yield lambda **tuning: RedisConversationState(client, **tuning)
    finally:
        await client.aclose()


@pytest.fixture
def bot() -> str:
    """A bot name of its own, so runs against a shared Redis never meet."""
    return f"contract-{uuid.uuid4().hex[:12]}"


async def eventually(condition: Callable[[], object], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.05)


async def test_a_saved_state_loads_back_equal(make_store: MakeStore, bot: str) -> None:
    store = make_store(ttl_seconds=60)
    state = ConversationState(conversation_id="c", bot=bot, slots={"x": [1, 2]}, context={"u": "v"})
    await store.save(state)
    assert await store.load(bot, "c") == state
    assert await store.load(bot, "other") is None


async def test_a_forgotten_state_is_gone_and_the_others_stay(make_store: MakeStore, bot: str) -> None:
    store = make_store(ttl_seconds=60)
    for conversation in ("c", "d"):
        await store.save(ConversationState(conversation_id=conversation, bot=bot, slots={"name": "Ann"}))
    assert await store.forget(bot, "c") is True
    assert await store.load(bot, "c") is None
    assert await store.load(bot, "d") is not None
    assert await store.forget(bot, "c") is False


async def test_a_state_expires_after_its_time_to_live(make_store: MakeStore, bot: str) -> None:
    store = make_store(ttl_seconds=1)
    await store.save(ConversationState(conversation_id="c", bot=bot))

    async def gone() -> bool:
        return await store.load(bot, "c") is None

    assert not await gone()
    await eventually(gone)


async def test_a_held_conversation_makes_another_turn_wait_then_fail(make_store: MakeStore, bot: str) -> None:
    store = make_store(ttl_seconds=60, wait_seconds=0.05)
    async with store.turn_lock(bot, "c"):
        with pytest.raises(TransientError, match="busy"):
            async with store.turn_lock(bot, "c"):
                pass


@pytest.mark.parametrize("wait_seconds", [0.05, 0.0])
async def test_a_turn_waits_no_longer_than_its_caller_allows(
    make_store: MakeStore, bot: str, wait_seconds: float
) -> None:
    store = make_store(ttl_seconds=60, wait_seconds=10)
    async with store.turn_lock(bot, "c"):
        started = time.monotonic()
        with pytest.raises(TransientError, match="busy"):
            async with store.turn_lock(bot, "c", wait_seconds=wait_seconds):
                pass
        assert time.monotonic() - started < 1


async def test_a_caller_allowing_longer_still_waits_only_the_stores_limit(
    make_store: MakeStore, bot: str
) -> None:
    store = make_store(ttl_seconds=60, wait_seconds=0.05)
    async with store.turn_lock(bot, "c"):
        started = time.monotonic()
        with pytest.raises(TransientError, match="busy"):
            async with store.turn_lock(bot, "c", wait_seconds=30):
                pass
        assert time.monotonic() - started < 1


async def test_a_free_conversation_is_taken_with_no_time_left_to_wait(
    make_store: MakeStore, bot: str
) -> None:
    store = make_store(ttl_seconds=60)
    async with store.turn_lock(bot, "c", wait_seconds=0):
        pass


async def test_a_waiting_turn_runs_once_the_holder_is_done(make_store: MakeStore, bot: str) -> None:
    first, second = make_store(ttl_seconds=60), make_store(ttl_seconds=60, wait_seconds=5)
    order: list[str] = []
    async with first.turn_lock(bot, "c"):
        waiting = asyncio.create_task(_take(second, bot, order))
        for _ in range(20):
            await asyncio.sleep(0)
        order.append("first done")
    await waiting
    assert order == ["first done", "second ran"]


async def _take(store: ConversationStore, bot: str, order: list[str]) -> None:
    async with store.turn_lock(bot, "c"):
        order.append("second ran")


async def test_other_conversations_are_not_held(make_store: MakeStore, bot: str) -> None:
    store = make_store(ttl_seconds=60, wait_seconds=0.05)
    async with store.turn_lock(bot, "c"), store.turn_lock(bot, "d"):
        pass


async def test_a_lapsed_lock_lets_another_turn_in_and_the_late_turn_cannot_save(
    make_store: MakeStore, bot: str
) -> None:
    store = make_store(ttl_seconds=60, lock_seconds=0.1, wait_seconds=5)
    newer = ConversationState(conversation_id="c", bot=bot, turn_count=2)
    async with store.turn_lock(bot, "c"):
        async with store.turn_lock(bot, "c"):  # waits until the outer lock lapses
            await store.save(newer)
        with pytest.raises(TransientError, match="expired"):
            await store.save(ConversationState(conversation_id="c", bot=bot, turn_count=1))
    assert await store.load(bot, "c") == newer


async def test_a_late_turn_does_not_release_the_lock_another_turn_took(
    make_store: MakeStore, bot: str
) -> None:
    store = make_store(ttl_seconds=60, lock_seconds=0.2, wait_seconds=5)
    late_done, newer_holds = asyncio.Event(), asyncio.Event()

    async def newer_turn() -> None:
        async with store.turn_lock(bot, "c"):
            newer_holds.set()
            await late_done.wait()
            await store.save(ConversationState(conversation_id="c", bot=bot, turn_count=2))

    async with store.turn_lock(bot, "c"):
        task = asyncio.create_task(newer_turn())
        await newer_holds.wait()  # our lock lapsed and the newer turn took the conversation
    late_done.set()
    await task  # its save succeeds: leaving our turn did not release its lock
    loaded = await store.load(bot, "c")
    assert loaded is not None and loaded.turn_count == 2


async def test_a_save_outside_a_turn_needs_no_lock(make_store: MakeStore, bot: str) -> None:
    store = make_store(ttl_seconds=60)
    state = ConversationState(conversation_id="c", bot=bot, turn_count=3)
    await store.save(state)
    async with store.turn_lock(bot, "c"):
        assert await store.load(bot, "c") == state
