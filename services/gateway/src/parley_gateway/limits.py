"""Request limits: per client address and per API key (in a shared counter, so every replica
counts together), and per websocket (in memory: a connection lives on one replica)."""

from __future__ import annotations

import math

from parley_gateway.errors import RateLimitedError
from parley_gateway.ports import RateCounter


class RateLimits:
    """Fixed-window limits; a limit of 0 is no limit."""

    def __init__(self, counter: RateCounter, *, window_seconds: int, per_address: int, per_key: int) -> None:
        self._counter = counter
        self._window = window_seconds
        self._per_address = per_address
        self._per_key = per_key

    async def check(self, address: str, key: tuple[str, int | None] | None, bot: str | None) -> None:
        """Count one request from `address` (and by `key` = (key id, its own limit) on `bot`);
        `RateLimitedError` when either is over its limit."""
        limits = {f"addr:{address}": self._per_address}
        if key is not None:
            limits.update(self._key_limit(key, bot))
        await self._count(limits)

    async def check_key(self, key: tuple[str, int | None], bot: str | None) -> None:
        """Count one request by `key` = (key id, its own limit) on `bot` only (a websocket message:
        its address was counted when the socket opened); `RateLimitedError` when over the limit."""
        await self._count(self._key_limit(key, bot))

    def _key_limit(self, key: tuple[str, int | None], bot: str | None) -> dict[str, int]:
        key_id, own_limit = key
        return {f"key:{key_id}:{bot or '*'}": self._per_key if own_limit is None else own_limit}

    async def _count(self, limits: dict[str, int]) -> None:
        limits = {subject: limit for subject, limit in limits.items() if limit > 0}
        if not limits:
            return
        counts, left = await self._counter.count(list(limits), self._window)
        for (subject, limit), count in zip(limits.items(), counts, strict=True):
            if count > limit:
                who = "this key" if subject.startswith("key:") else "this address"
                raise RateLimitedError(
                    f"too many requests from {who}: at most {limit} per {self._window} s",
                    retry_after=max(1, math.ceil(left)),
                )


class MessageBucket:
    """A token bucket for one websocket: `burst` messages at once, then `rate` per second."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._last = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
