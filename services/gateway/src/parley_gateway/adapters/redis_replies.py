"""Replies kept for copies of a user message (`replays.ReplyLog`) in Redis: one string per message,
"" while it is being answered, with the expiry Redis gives it (plain SET NX/PX, so fakeredis runs the
same code)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Generator
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley_runtime.errors import TransientError

_PREFIX = "parley:reply:"


class RedisReplyLog:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def reserve(self, key: str, seconds: float) -> bool:
        with _translated():
            return bool(await self._redis.set(_PREFIX + key, b"", nx=True, px=_ms(seconds)))

    async def get(self, key: str) -> str | None:
        with _translated():
            value = await self._redis.get(_PREFIX + key)
        return value.decode() if isinstance(value, bytes) else value  # bytes: decode_responses=False

    async def keep(self, key: str, reply: str, seconds: float) -> None:
        with _translated():
            await self._redis.set(_PREFIX + key, reply.encode(), px=_ms(seconds))

    async def release(self, key: str) -> None:
        with _translated():
            await self._redis.delete(_PREFIX + key)

    async def forget(self, prefix: str) -> int:
        """SCAN, not KEYS: an erasure is rare, and must not block Redis. `prefix` is made of names
        and ids, which hold none of the pattern's special characters."""
        scan = self._redis.scan_iter  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        found = cast("AsyncIterator[bytes]", scan(match=f"{_PREFIX}{prefix}*", count=1000))
        with _translated():
            keys = [key async for key in found]
            return int(await self._redis.delete(*keys)) if keys else 0


@contextlib.contextmanager
def _translated() -> Generator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise TransientError(f"redis reply log: {type(exc).__name__}") from exc


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))
