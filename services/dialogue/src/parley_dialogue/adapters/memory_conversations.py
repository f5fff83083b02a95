"""Conversation state in this process's memory: the `ConversationStore` of a single-process stack.

The semantics of `RedisConversationState`, checked by the same contract tests: a sliding
time-to-live on each state, a turn lock that lapses after `lock_seconds`, a turn that waits up to
`wait_seconds` for a held conversation, and a save refused once its turn's lock has lapsed or been
taken over. Without `REDIS_URL` the Redis adapter would run on a private fakeredis, which is just
as local and costs a dozen emulated round trips per turn; here a turn costs a few dictionary
operations. States are kept encoded, so a caller never shares a stored state's dicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager

import msgspec

from parley_dialogue.adapters.held_locks import HeldLocks
from parley_dialogue.conversation import ConversationState
from parley_runtime.errors import TransientError

Key = tuple[str, str]

_held: HeldLocks[Key, int] = HeldLocks("parley_memory_turn_locks")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(ConversationState)


class MemoryConversationState:
    def __init__(
        self,
        *,
        ttl_seconds: int,
        lock_seconds: float = 30.0,
        wait_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = float(ttl_seconds)
        self._lock_seconds = lock_seconds
        self._wait_seconds = wait_seconds
        self._clock = clock
        # Ordered by last save: with one TTL for all, the front expires first (see `_sweep`).
        self._states: dict[Key, tuple[float, bytes]] = {}
        self._locks: dict[Key, tuple[int, float]] = {}
        self._released: dict[Key, asyncio.Event] = {}
        self._tokens = itertools.count(1)  # unique in this store, which is all a token must be

    @asynccontextmanager
    async def turn_lock(
        self, bot: str, conversation_id: str, *, wait_seconds: float | None = None
    ) -> AsyncGenerator[None]:
        key = (bot, conversation_id)
        token = next(self._tokens)
        wait = self._wait_seconds if wait_seconds is None else min(self._wait_seconds, wait_seconds)
        await self._acquire(key, token, wait)
        try:
            with _held.holding(key, token):
                yield
        finally:
            self._release(key, token)

    async def load(self, bot: str, conversation_id: str) -> ConversationState | None:
        stored = self._states.get((bot, conversation_id))
        if stored is None or stored[0] <= self._clock():
            return None
        return _decoder.decode(stored[1])

    async def forget(self, bot: str, conversation_id: str) -> bool:
        stored = self._states.pop((bot, conversation_id), None)
        return stored is not None and stored[0] > self._clock()

    async def save(self, state: ConversationState) -> None:
        key = (state.bot, state.conversation_id)
        token = _held.token(key)
        if token is not None and self._holder(key) != token:
            raise TransientError("the conversation's turn lock expired during the turn")
        now = self._clock()
        self._states.pop(key, None)
        self._states[key] = (now + self._ttl, _encoder.encode(state))
        self._sweep(now)

    def _sweep(self, now: float) -> None:
        """Drop expired states from the front; amortised, each state is dropped once."""
        while self._states:
            key, (expires_at, _) = next(iter(self._states.items()))
            if expires_at > now:
                return
            del self._states[key]

    def _holder(self, key: Key) -> int | None:
        """The token of the unexpired lock on `key`, if any."""
        lock = self._locks.get(key)
        return None if lock is None or lock[1] <= self._clock() else lock[0]

    async def _acquire(self, key: Key, token: int, wait_seconds: float) -> None:
        deadline = self._clock() + wait_seconds
        while self._holder(key) is not None:
            now = self._clock()
            if now >= deadline:
                raise TransientError("the conversation is busy with another turn")
            lapses = self._locks[key][1]
            released = self._released.setdefault(key, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(deadline, lapses) - now):
                    await released.wait()
        self._locks[key] = (token, self._clock() + self._lock_seconds)

    def _release(self, key: Key, token: int) -> None:
        """Never remove a lock another turn took after ours lapsed; wake the turns waiting."""
        lock = self._locks.get(key)
        if lock is not None and lock[0] == token:
            del self._locks[key]
        released = self._released.pop(key, None)
        if released is not None:
            released.set()
