"""Which notifications were sent, in Redis: `parley:notified:{message_id}` = `sending` | `sent`.

SQS delivers at least once. A delivery claims its message id before calling the webhook
(`SET NX`); a copy delivered meanwhile, or after the webhook answered (a lost ack, a worker
stopped in between), finds the key and is acked without a second call. A claim lapses after
`claim_seconds`, shorter than the queue's visibility timeout, so the message of a sender that
died mid-call is sent by its redelivery.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley_runtime.errors import TransientError

SENT_TTL_SECONDS = 15 * 86_400
"""Longer than SQS's longest message retention (14 days): no redelivery outlives the mark."""
CLAIM_SECONDS = 15.0
"""Longer than the slowest webhook (10 s); the notifier caps it at half the visibility timeout."""


def sent_key(message_id: str) -> str:
    return f"parley:notified:{message_id}"


class RedisSentNotifications:
    def __init__(
        self, redis: Redis, *, ttl_seconds: int = SENT_TTL_SECONDS, claim_seconds: float = CLAIM_SECONDS
    ) -> None:
        self._redis = redis
        self._ttl_seconds = ttl_seconds
        self._claim_ms = int(claim_seconds * 1000)

    async def claim(self, message_id: str) -> bool:
        try:
            return bool(await self._redis.set(sent_key(message_id), b"sending", nx=True, px=self._claim_ms))
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc

    async def mark_sent(self, message_id: str) -> None:
        try:
            await self._redis.set(sent_key(message_id), b"sent", ex=self._ttl_seconds)
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc

    async def release(self, message_id: str) -> None:
        try:
            await self._redis.delete(sent_key(message_id))
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc
