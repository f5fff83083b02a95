"""Conversation state in Redis, one key per conversation with a sliding TTL, and a turn lock.

The lock (`SET NX PX` with a random token) serialises the turns of one conversation across
replicas. Saving checks, atomically (`WATCH`/`MULTI`), that the lock is still ours: a turn that
outlived its lock fails instead of overwriting a newer state. WATCH rather than Lua, so the same
code runs on fakeredis without a Lua runtime.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError, WatchError

from parley_dialogue.adapters.held_locks import HeldLocks
from parley_dialogue.conversation import ConversationState
from parley_runtime.errors import TransientError

_held: HeldLocks[bytes, bytes] = HeldLocks("parley_turn_locks")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(ConversationState)


def state_key(bot: str, conversation_id: str) -> str:
    return f"parley:conv:{bot}:{conversation_id}"


def lock_key(bot: str, conversation_id: str) -> str:
    return f"parley:conv-lock:{bot}:{conversation_id}"


class RedisConversationState:
    def __init__(
        self, redis: Redis, *, ttl_seconds: int, lock_seconds: float = 30.0, wait_seconds: float = 10.0
    ) -> None:
        self._redis = redis
        self._ttl_ms = ttl_seconds * 1000
        self._lock_ms = int(lock_seconds * 1000)
        self._wait_seconds = wait_seconds

    @asynccontextmanager
    async def turn_lock(
        self, bot: str, conversation_id: str, *, wait_seconds: float | None = None
    ) -> AsyncGenerator[None]:
        key = lock_key(bot, conversation_id).encode()
        token = uuid.uuid4().hex.encode()
        wait = self._wait_seconds if wait_seconds is None else min(self._wait_seconds, wait_seconds)
        await self._acquire(key, token, wait)
        try:
            with _held.holding(key, token):
                yield
        finally:
            await self._release(key, token)

    async def load(self, bot: str, conversation_id: str) -> ConversationState | None:
        try:
            data = await self._redis.get(state_key(bot, conversation_id))
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc
        return None if data is None else _decoder.decode(data)

    async def forget(self, bot: str, conversation_id: str) -> bool:
        try:
            return bool(await self._redis.delete(state_key(bot, conversation_id)))
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc

    async def save(self, state: ConversationState) -> None:
        key = state_key(state.bot, state.conversation_id)
        data = _encoder.encode(state)
        lock = lock_key(state.bot, state.conversation_id).encode()
        token = _held.token(lock)
        try:
            if token is None:
                await self._redis.set(key, data, px=self._ttl_ms)
            else:
                await self._save_holding(lock, token, key, data)
        except WatchError as exc:
            raise TransientError("the conversation's turn lock expired during the turn") from exc
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc

    async def _save_holding(self, lock: bytes, token: bytes, key: str, data: bytes) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            await pipe.watch(lock)
            if await pipe.get(lock) != token:
                raise TransientError("the conversation's turn lock expired during the turn")
            pipe.multi()
            pipe.set(key, data, px=self._ttl_ms)
            await pipe.execute()

    async def _acquire(self, key: bytes, token: bytes, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        delay = 0.002
        while True:
            try:
                if await self._redis.set(key, token, nx=True, px=self._lock_ms):
                    return
            except (RedisError, OSError) as exc:
                raise TransientError(f"redis: {type(exc).__name__}") from exc
            if time.monotonic() >= deadline:
                raise TransientError("the conversation is busy with another turn")
            await asyncio.sleep(delay)  # back off while another replica finishes its turn
            delay = min(delay * 2, 0.05)

    async def _release(self, key: bytes, token: bytes) -> None:
        """Compare-and-delete: never remove a lock another turn took after ours expired."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                await pipe.watch(key)
                if await pipe.get(key) != token:
                    return
                pipe.multi()
                pipe.delete(key)
                await pipe.execute()
        except WatchError:
            return
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis: {type(exc).__name__}") from exc
