"""Request limits: the shared fixed-window counter (on every Redis it runs on), the limits per
address and per key, and the per-websocket token bucket."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import fakeredis
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis, from_url
from redis.exceptions import ConnectionError as RedisConnectionError

from parley_gateway.adapters.redis_rates import RedisRateCounter
from parley_gateway.bootstrap import app_for
from parley_gateway.errors import RateLimitedError
from parley_gateway.limits import MessageBucket, RateLimits
from parley_runtime.infra import Infra

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def unique(name: str) -> str:
    """A subject no other test run counts (the window outlives a run; runs may overlap)."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["fakeredis", "redis"])
async def redis(request: pytest.FixtureRequest) -> AsyncIterator[Redis]:
    """The counter's contract runs on fakeredis and, when one answers, on a Redis server (db 15)."""
    client: Redis = fakeredis.FakeAsyncRedis() if request.param == "fakeredis" else from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError):
        await client.aclose()
        pytest.skip(f"no Redis server at {REDIS_URL}")
    await client.delete(*[k async for k in client.scan_iter("parley:rate:test-*")] or ["-"])
    yield client
    await client.delete(*[k async for k in client.scan_iter("parley:rate:test-*")] or ["-"])
    await client.aclose()


async def test_the_counter_counts_each_subject_in_its_window(redis: Redis) -> None:
    counter = RedisRateCounter(redis, clock=lambda: 1_000.5)
    await counter.count(["test-a"], 60)
    counts, left = await counter.count(["test-a", "test-b"], 60)
    assert counts == [2, 1]
    assert left == pytest.approx(19.5)


async def test_the_counter_starts_again_in_the_next_window(redis: Redis) -> None:
    now = [1_000.0]
    counter = RedisRateCounter(redis, clock=lambda: now[0])
    await counter.count(["test-c"], 60)
    now[0] += 60
    assert (await counter.count(["test-c"], 60))[0] == [1]


async def test_the_counter_keys_expire(redis: Redis) -> None:
    await RedisRateCounter(redis, clock=lambda: 1_000.0).count(["test-d"], 60)
    keys = [k async for k in redis.scan_iter("parley:rate:test-d:*")]
    assert 0 < await redis.ttl(keys[0]) <= 61


async def test_an_address_over_its_limit_is_refused_with_the_wait(redis: Redis) -> None:
    limits = RateLimits(RedisRateCounter(redis), window_seconds=60, per_address=2, per_key=0)
    address = unique("test-addr")
    await limits.check(address, None, None)
    await limits.check(address, None, None)
    with pytest.raises(RateLimitedError) as refused:
        await limits.check(address, None, None)
    assert 1 <= refused.value.retry_after <= 60


async def test_a_key_own_limit_wins_over_the_default(redis: Redis) -> None:
    limits = RateLimits(RedisRateCounter(redis), window_seconds=60, per_address=0, per_key=100)
    key = unique("test-key")
    await limits.check("test-x", (key, 1), "bot")
    with pytest.raises(RateLimitedError):
        await limits.check("test-y", (key, 1), "bot")


async def test_a_key_is_counted_per_bot(redis: Redis) -> None:
    limits = RateLimits(RedisRateCounter(redis), window_seconds=60, per_address=0, per_key=1)
    key = unique("test-key")
    await limits.check("test-x", (key, None), "one")
    await limits.check("test-x", (key, None), "two")


def test_a_bucket_allows_a_burst_then_the_rate() -> None:
    bucket = MessageBucket(rate=2, burst=3, now=0)
    assert [bucket.take(0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5)
    assert not bucket.take(0.5)


async def test_an_over_limit_client_gets_429_with_retry_after(
    make_gateway: Callable[..., Awaitable[object]], infra: Infra
) -> None:
    gateway = await make_gateway(address_rate_limit=3)
    async with AsyncTestClient(app_for(gateway, infra)) as client:  # type: ignore[arg-type]
        statuses = [(await client.post("/api/v1/bots/pizzeria/chat", json={"text": "hi"})) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[-1].json()["error"]["code"] == "rate_limited"
    assert 1 <= int(statuses[-1].headers["retry-after"]) <= 60


async def test_an_over_limit_key_gets_429(
    client: AsyncTestClient[Litestar], new_key: Callable[..., Awaitable[str]]
) -> None:
    key = await new_key(scopes=["admin"], rate_limit=2)
    headers = {"authorization": f"Bearer {key}"}
    statuses = [(await client.get("/api/v1/bots", headers=headers)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
