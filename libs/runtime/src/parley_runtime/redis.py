"""The Redis client factory: `redis.asyncio` on a server, or fakeredis in-process when no URL is set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import fakeredis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from parley_runtime.errors import TransientError

if TYPE_CHECKING:  # infra imports this module to build `Infra`
    from parley_runtime.infra import InfraSettings


POOL_WAIT_SECONDS = 5.0


def connect_redis(settings: InfraSettings) -> Redis:
    """A client on `settings.redis_url`, else a private in-process fake (pub/sub included).

    Responses are bytes (`decode_responses=False`) in both cases. The client connects lazily.
    """
    # A blocking pool: past `redis_max_connections`, a command waits for a free connection
    # (up to POOL_WAIT_SECONDS) instead of failing, so a burst of turns queues rather than errors.
    if settings.redis_url:
        pool = BlockingConnectionPool.from_url(  # pyright: ignore[reportUnknownMemberType] - untyped **kwargs
            settings.redis_url,
            max_connections=settings.redis_max_connections,
            timeout=POOL_WAIT_SECONDS,
            decode_responses=False,
            health_check_interval=30,
        )
        # from_pool: the client owns the pool, so `aclose()` closes its connections too.
        return Redis.from_pool(pool)
    # A server of its own: fakeredis otherwise shares data between clients created alike.
    return fakeredis.FakeAsyncRedis(
        server=fakeredis.FakeServer(),
        decode_responses=False,
        connection_pool_class=BlockingConnectionPool,
        max_connections=settings.redis_max_connections,
        timeout=POOL_WAIT_SECONDS,
    )


async def ping_redis(redis: Redis) -> None:
    """Raise `TransientError` unless Redis answers (a readiness check)."""
    try:
        await redis.ping()  # pyright: ignore[reportUnknownMemberType] - redis-py's **kwargs
    except (RedisError, OSError) as exc:
        raise TransientError(f"redis ping: {type(exc).__name__}") from exc
