"""The Redis contract: what Parley uses of Redis behaves alike on fakeredis and on a real server."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import WatchError


async def test_values_come_back_as_bytes(redis: Redis, key_prefix: str) -> None:
    await redis.set(f"{key_prefix}state", '{"slots": {}}')
    assert await redis.get(f"{key_prefix}state") == b'{"slots": {}}'


async def test_a_key_with_a_ttl_reports_it_and_can_be_extended(redis: Redis, key_prefix: str) -> None:
    key = f"{key_prefix}conversation"
    await redis.set(key, b"x", ex=60)
    assert 0 < await redis.ttl(key) <= 60
    await redis.expire(key, 600)
    assert 60 < await redis.ttl(key) <= 600


async def test_a_missing_key_reads_as_none(redis: Redis, key_prefix: str) -> None:
    assert await redis.get(f"{key_prefix}missing") is None


async def test_counters_increment_atomically_in_a_pipeline(redis: Redis, key_prefix: str) -> None:
    key = f"{key_prefix}rate"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.incr(key)
        pipe.expire(key, 60)
        results = await pipe.execute()
    assert results[:2] == [1, 2]


async def test_set_if_absent_is_true_only_for_the_first_writer(redis: Redis, key_prefix: str) -> None:
    key = f"{key_prefix}lock"
    assert await redis.set(key, b"a", nx=True, px=5_000)
    assert not await redis.set(key, b"b", nx=True, px=5_000)
    assert await redis.get(key) == b"a"


async def test_a_transaction_on_a_watched_key_fails_when_another_client_changed_it(
    redis: Redis, key_prefix: str
) -> None:
    # Lua scripts (and so redis-py's Lock) are not available on fakeredis: compare-and-set uses WATCH.
    key = f"{key_prefix}state"
    await redis.set(key, b"v1")
    async with redis.pipeline(transaction=True) as pipe:
        await pipe.watch(key)
        assert await pipe.get(key) == b"v1"
        await redis.set(key, b"v2")
        pipe.multi()
        pipe.set(key, b"v3")
        with pytest.raises(WatchError):
            await pipe.execute()
    assert await redis.get(key) == b"v2"


async def test_a_transaction_on_an_unchanged_watched_key_succeeds(redis: Redis, key_prefix: str) -> None:
    key = f"{key_prefix}state"
    await redis.set(key, b"v1")
    async with redis.pipeline(transaction=True) as pipe:
        await pipe.watch(key)
        pipe.multi()
        pipe.set(key, b"v2")
        assert await pipe.execute() == [True]
    assert await redis.get(key) == b"v2"


async def test_a_published_message_reaches_a_subscriber_on_the_same_client(
    redis: Redis, key_prefix: str
) -> None:
    channel = f"{key_prefix}models"
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe(channel)
        confirmation = await pubsub.get_message(timeout=5)
        assert confirmation is not None and confirmation["type"] == "subscribe"
        assert await redis.publish(channel, b"pizzeria:3") == 1
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
        assert message is not None
        assert (message["channel"], message["data"]) == (channel.encode(), b"pizzeria:3")
        await pubsub.unsubscribe(channel)


async def test_a_subscriber_listening_in_a_task_receives_what_is_published_later(
    redis: Redis, key_prefix: str
) -> None:
    channel = f"{key_prefix}models"
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe(channel)

        async def first_message() -> bytes:
            async for message in pubsub.listen():
                if message["type"] == "message":
                    return bytes(message["data"])
            raise AssertionError("subscription ended")

        listening = asyncio.create_task(first_message())
        await redis.publish(channel, b"reload")
        assert await asyncio.wait_for(listening, timeout=5) == b"reload"
