"""Keeping a delivery invisible to other consumers while its handler runs."""

from __future__ import annotations

import asyncio

import structlog

from parley_runtime.bus.ports import Bus, Delivery
from parley_runtime.errors import ParleyError

log = structlog.get_logger(__name__)


class Lease:
    """Extends `delivery`'s visibility to `seconds` every `seconds / 3` until `end` is awaited.

    Most handlers finish long before the first extension is due, so until then a lease is a timer
    on the event loop, not a task: a task started and cancelled per message cost the worker loop
    more than the rest of its bookkeeping for that message.
    """

    def __init__(self, bus: Bus, delivery: Delivery, seconds: float) -> None:
        self._bus = bus
        self._delivery = delivery
        self._seconds = seconds
        self._loop = asyncio.get_running_loop()
        self._extending: asyncio.Task[None] | None = None
        self._timer = self._loop.call_later(seconds / 3, self._due)

    async def end(self) -> None:
        """Stop extending; an extension under way is cancelled and waited for, so that none lands
        after what the handler's outcome asks of the broker."""
        self._timer.cancel()
        if self._extending is not None:
            self._extending.cancel()
            await asyncio.gather(self._extending, return_exceptions=True)

    def _due(self) -> None:
        self._extending = asyncio.create_task(self._extend())

    async def _extend(self) -> None:
        try:
            await self._bus.retry_later(self._delivery, delay_seconds=self._seconds)
        except ParleyError as exc:
            log.warning("worker.lease_failed", error=str(exc))
        self._timer = self._loop.call_later(self._seconds / 3, self._due)
