"""Publishing off the turn path: the user never waits for a queue (DESIGN.md §1)."""

from __future__ import annotations

import asyncio
import random
import time

import structlog

from parley_messages import Message
from parley_runtime.bus.ports import Bus
from parley_runtime.errors import ParleyError, TransientError

log = structlog.get_logger(__name__)

DRAIN_SECONDS = 20.0
"""How long shutdown waits for unpublished messages: within Kubernetes' default 30 s grace period."""


class BackgroundPublisher:
    """Publishes each message in its own task, retrying transient failures; `drain` on shutdown.

    A message whose turn the user has already seen answered must outlive a broker restart, so
    transient failures are retried (backing off to `max_delay`) for up to `retry_seconds`, not for
    a fixed number of attempts that a restart of a few seconds would use up.
    """

    def __init__(
        self, bus: Bus, *, first_delay: float = 0.05, max_delay: float = 2.0, retry_seconds: float = 300.0
    ) -> None:
        self._bus = bus
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._retry_seconds = retry_seconds
        self._pending: set[asyncio.Task[None]] = set()

    def submit(self, message: Message) -> None:
        task = asyncio.create_task(self._publish(message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self, within: float = DRAIN_SECONDS) -> None:
        """Wait until everything submitted so far is published, for at most `within` seconds; what
        is still unpublished then (the broker is down) is logged as lost, one entry per message."""
        deadline = time.monotonic() + within
        while self._pending and (left := deadline - time.monotonic()) > 0:
            await asyncio.wait(set(self._pending), timeout=left)
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)

    async def _publish(self, message: Message) -> None:
        try:
            await self._publish_until_deadline(message)
        except asyncio.CancelledError:
            log.error("publish.abandoned", message_id=message.message_id, type=type(message).__name__)
            raise
        except ParleyError as exc:  # permanent: retrying cannot help, and nobody awaits this task
            log.error(
                "publish.failed", message_id=message.message_id, type=type(message).__name__, error=str(exc)
            )

    async def _publish_until_deadline(self, message: Message) -> None:
        deadline = time.monotonic() + self._retry_seconds
        delay = self._first_delay
        while True:
            try:
                await self._bus.publish(message)
                return
            except TransientError as exc:
                if time.monotonic() + delay > deadline:
                    log.error("publish.failed", message_id=message.message_id, type=type(message).__name__)
                    return
                if delay == self._first_delay:
                    log.warning("publish.retrying", message_id=message.message_id, error=str(exc))
            # Jitter spreads out the backlog that an outage piles up when the broker comes back.
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, self._max_delay)
