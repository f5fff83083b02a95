"""Publishing off the turn path: the user never waits for a queue (DESIGN.md §1)."""

from __future__ import annotations

import asyncio

import structlog

from parley_messages import Message
from parley_runtime.bus.ports import Bus
from parley_runtime.errors import TransientError

log = structlog.get_logger(__name__)


class BackgroundPublisher:
    """Publishes each message in its own task, retrying transient failures; `drain` on shutdown."""

    def __init__(self, bus: Bus, *, attempts: int = 5, first_delay: float = 0.05) -> None:
        self._bus = bus
        self._attempts = attempts
        self._first_delay = first_delay
        self._pending: set[asyncio.Task[None]] = set()

    def submit(self, message: Message) -> None:
        task = asyncio.create_task(self._publish(message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait until everything submitted so far is published (or given up on)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _publish(self, message: Message) -> None:
        delay = self._first_delay
        for attempt in range(1, self._attempts + 1):
            try:
                await self._bus.publish(message)
                return
            except TransientError:
                if attempt == self._attempts:
                    break
                await asyncio.sleep(delay)
                delay *= 2
        log.error("publish.failed", message_id=message.message_id, type=type(message).__name__)
