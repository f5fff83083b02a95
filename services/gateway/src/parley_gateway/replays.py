"""Each user message a client names (its `id`) is answered by one turn, however often it is sent.

A client whose connection died silently cannot tell whether its message reached the bot: the reply
may have gone to the dead socket. It sends the message again, with the same id, on its next
connection. The gateway keeps each turn's reply under (bot, conversation, id) for a few minutes and
answers the copy with it; a copy that arrives while the first is still being answered waits for that
answer. A turn that ended in a refusal (rate limited, the dialogue unavailable) is not kept: it
changed nothing, so the copy is answered afresh.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import NamedTuple, Protocol

KEPT_SECONDS = 300.0
"""How long a reply is kept for a copy of its message: longer than a client goes on resending."""

Answer = tuple[str, bool]
"""An answer frame as JSON text, and whether it is a reply to keep (not a refusal)."""


class Answered(NamedTuple):
    text: str
    """The answer frame, as JSON text."""
    replayed: bool
    """Whether it is the reply kept from an earlier copy of the message (no turn ran for this one)."""


class ReplyLog(Protocol):
    """Where replies are kept, shared by every gateway replica (Redis; fakeredis when embedded)."""

    async def reserve(self, key: str, seconds: float) -> bool:
        """Mark `key` as being answered for at most `seconds`, unless it is marked or kept already:
        whether this caller now answers it."""
        ...

    async def get(self, key: str) -> str | None:
        """The reply kept under `key`; "" while it is being answered; None if neither."""
        ...

    async def keep(self, key: str, reply: str, seconds: float) -> None: ...

    async def release(self, key: str) -> None:
        """Drop the mark of a message whose answer is not kept, so a copy is answered afresh."""
        ...

    async def forget(self, prefix: str) -> int:
        """Drop every reply kept or being answered under a key starting with `prefix`; how many."""
        ...


class Replays:
    def __init__(
        self,
        log: ReplyLog,
        *,
        turn_seconds: float,
        kept_seconds: float = KEPT_SECONDS,
        poll_seconds: float = 0.05,
    ) -> None:
        self._log = log
        self._turn_seconds = turn_seconds
        self._kept_seconds = kept_seconds
        self._poll_seconds = poll_seconds

    async def once(self, key: str, answer: Callable[[], Awaitable[Answer]]) -> Answered | None:
        """`answer()`'s frame, unless the message `key` names was answered already: then the reply
        kept for it. None when another connection is still answering it after a turn's longest time
        (its gateway died mid-turn, or its turn hangs)."""
        deadline = time.monotonic() + self._turn_seconds
        while True:
            if await self._log.reserve(key, self._turn_seconds + 5):
                return await self._answered(key, answer)
            kept = await self._log.get(key)
            if kept:
                return Answered(kept, replayed=True)
            if kept is None:
                continue  # released between the two calls: answer it here
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(self._poll_seconds)

    async def forget_conversation(self, bot: str, conversation_id: str) -> int:
        """Drop the replies kept for the conversation's messages (an erasure): keys are
        `bot:conversation:id:text digest` (routes.websocket's `_replay_key`), and neither a bot name
        nor a conversation id holds `:`."""
        return await self._log.forget(f"{bot}:{conversation_id}:")

    async def _answered(self, key: str, answer: Callable[[], Awaitable[Answer]]) -> Answered:
        try:
            text, keep = await answer()
        except BaseException:
            await self._log.release(key)
            raise
        if keep:
            await self._log.keep(key, text, self._kept_seconds)
        else:
            await self._log.release(key)
        return Answered(text, replayed=False)
