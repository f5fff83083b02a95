"""Request counters in Redis: one key per subject and fixed window, `INCR` + `EXPIRE` in one
`MULTI`/`EXEC` (atomic, one round trip, and no Lua, so fakeredis runs the same code)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley_runtime.errors import TransientError


class RedisRateCounter:
    def __init__(self, redis: Redis, *, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._clock = clock

    async def count(self, subjects: Sequence[str], window_seconds: int) -> tuple[list[int], float]:
        now = self._clock()
        window = int(now // window_seconds)
        pipe = self._redis.pipeline(transaction=True)
        for subject in subjects:
            key = f"parley:rate:{subject}:{window}"
            pipe.incr(key)
            pipe.expire(key, window_seconds + 1)
        try:
            replies = await pipe.execute()
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis rate counter: {type(exc).__name__}") from exc
        return [int(n) for n in replies[0::2]], (window + 1) * window_seconds - now
