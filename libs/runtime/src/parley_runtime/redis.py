"""The Redis client factory: `redis.asyncio` on a server, or fakeredis in-process when no URL is set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import fakeredis
from redis.asyncio import Redis, from_url
from redis.exceptions import RedisError

from parley_runtime.errors import TransientError

if TYPE_CHECKING:  # infra imports this module to build `Infra`
    from parley_runtime.infra import InfraSettings


def connect_redis(settings: InfraSettings) -> Redis:
    """A client on `settings.redis_url`, else a private in-process fake (pub/sub included).

    Responses are bytes (`decode_responses=False`) in both cases. The client connects lazily.
    """
    if settings.redis_url:
        return from_url(settings.redis_url, decode_responses=False, health_check_interval=30)
    # A server of its own: fakeredis otherwise shares data between clients created alike.
    return fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(), decode_responses=False)


async def ping_redis(redis: Redis) -> None:
    """Raise `TransientError` unless Redis answers (a readiness check)."""
    try:
        await redis.ping()  # pyright: ignore[reportUnknownMemberType] - redis-py's **kwargs
    except (RedisError, OSError) as exc:
        raise TransientError(f"redis ping: {type(exc).__name__}") from exc
