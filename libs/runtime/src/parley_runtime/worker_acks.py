"""Deleting handled deliveries together: the acks of handlers that finish about now share one call."""

from __future__ import annotations

import asyncio

import structlog
from prometheus_client import Counter

from parley_runtime.bus.ports import Bus, Delivery
from parley_runtime.errors import ParleyError

MAX_BATCH = 10
"""Deliveries one delete call takes (SQS's limit)."""
ACK_LINGER_SECONDS = 0.05
"""How long a finished handler's ack may wait for others to fill a delete batch."""

log = structlog.get_logger(__name__)


class AckBatches:
    """Acks of one worker, sent up to ten per call.

    An ack waits until its batch is full, until no delivery still being handled could join it, or
    until `ACK_LINGER_SECONDS` after the first waiting ack, whichever comes first. One timer serves
    every waiting ack, not a timeout each (decision 31).
    """

    def __init__(self, bus: Bus, processed: Counter) -> None:
        self._bus = bus
        self._processed = processed
        self._pending: list[Delivery] = []
        self._lock = asyncio.Lock()
        self._due = asyncio.Event()
        self._linger: asyncio.TimerHandle | None = None
        self._undecided = 0

    def expect(self, count: int) -> None:
        """`count` more deliveries are being handled: each might still join a batch."""
        self._undecided += count

    def decided(self, count: int = 1) -> None:
        """The outcome of `count` deliveries is known: they will join no batch they are not in."""
        self._undecided -= count
        self._wake()

    async def ack(self, delivery: Delivery) -> None:
        """Delete `delivery` together with those of handlers finishing about now."""
        self._pending.append(delivery)
        self._wake()
        if not self._due.is_set():
            self._arm_linger()
            await self._due.wait()
        async with self._lock:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            if not batch:
                return
            try:
                await self._bus.ack(batch)
            except ParleyError as exc:
                log.warning("worker.ack_failed", error=str(exc), count=len(batch))
                return
            self._processed.inc(len(batch))

    def _wake(self) -> None:
        """Acks are due when a batch is full or no delivery being handled could still join it."""
        if len(self._pending) >= MAX_BATCH or self._undecided <= 0:
            self._due.set()
        else:
            self._due.clear()

    def _arm_linger(self) -> None:
        """Make acks due at most `ACK_LINGER_SECONDS` from now, unless an earlier deadline stands."""
        if self._linger is None:
            self._linger = asyncio.get_running_loop().call_later(ACK_LINGER_SECONDS, self._lingered)

    def _lingered(self) -> None:
        self._linger = None
        self._due.set()
