"""The in-process bus: SQS semantics (visibility timeout, receive counts, redrive) in one event loop.

Used in embedded mode and by unit tests. Same routing table and encoding as `SqsBus`, so a consumer
that works here meets the same at-least-once behaviour in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from parley_messages import Message, dead_letter_queue, encode, queues_for
from parley_runtime.bus.ports import Delivery, QueueStats

MAX_BATCH = 10
"""SQS hands out at most ten messages per receive."""


@dataclass(eq=False)
class _Stored:
    message_id: str
    body: bytes
    sent_at: float = field(default_factory=time.time)
    visible_at: float = 0.0
    receive_count: int = 0
    receipt: str | None = None


@dataclass(eq=False)
class _Queue:
    # Insertion-ordered: the oldest visible messages are handed out first.
    messages: dict[str, _Stored] = field(default_factory=dict[str, _Stored])


class MemoryBus:
    """An asyncio bus with SQS semantics (`Bus` and `QueueAdmin`).

    A received message stays in its queue, invisible for `visibility_timeout` seconds, until it is
    acked; a message received more than `max_receives` times moves to the queue's dead-letter queue.
    Dead-letter queues themselves have no redrive, like Parley's SQS queues.
    """

    def __init__(self, max_receives: int = 5, visibility_timeout: float = 30.0) -> None:
        self._max_receives = max_receives
        self._visibility_timeout = visibility_timeout
        self._queues: dict[str, _Queue] = {}
        self._changed = asyncio.Condition()
        # Ids and receipts need only be unique on this bus: a counter, not a system call per uuid4.
        self._prefix = uuid.uuid4().hex[:12]
        self._serials = itertools.count(1)

    async def publish(self, message: Message) -> None:
        """Send `message` to every queue its routing entry lists."""
        body = encode(message)
        async with self._changed:
            for queue in queues_for(message):
                self._append(queue, body)
            self._changed.notify_all()

    async def receive(
        self, queue: str, *, max_messages: int = 10, wait_seconds: float = 20.0
    ) -> list[Delivery]:
        """Up to `max_messages` deliveries, waiting up to `wait_seconds` for the first (long poll)."""
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}, not {max_messages}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(wait_seconds, 0.0)
        async with self._changed:
            while True:
                deliveries = self._take(queue, max_messages, loop.time())
                now = loop.time()
                if deliveries or now >= deadline:
                    return deliveries
                await self._wait_for_change(min(deadline, self._next_visible(queue)) - now)

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Delete handled deliveries; a stale receipt (the message was received again since) is ignored."""
        async with self._changed:
            for delivery in deliveries:
                self._remove(delivery)

    async def retry_later(self, delivery: Delivery, *, delay_seconds: float) -> None:
        """Make `delivery` visible again after `delay_seconds` (ignored for a stale receipt)."""
        async with self._changed:
            stored = self._current(delivery)
            if stored is not None:
                stored.visible_at = asyncio.get_running_loop().time() + max(delay_seconds, 0.0)
                self._changed.notify_all()

    async def dead_letter(self, delivery: Delivery, *, reason: str) -> None:
        """Move `delivery` to its queue's dead-letter queue now (`reason` is for the caller's log)."""
        async with self._changed:
            stored = self._remove(delivery)
            if stored is not None:
                self._append(dead_letter_queue(delivery.queue), stored.body)
                self._changed.notify_all()

    async def stats(self, queue: str) -> QueueStats:
        """How many messages of `queue` are visible now and how many are received but not deleted."""
        found = self._queues.get(queue)
        now = asyncio.get_running_loop().time()
        stored = list(found.messages.values()) if found else []
        visible = sum(1 for message in stored if message.visible_at <= now)
        return QueueStats(queue=queue, visible=visible, in_flight=len(stored) - visible)

    async def move(self, source: str, target: str, *, limit: int | None = None) -> int:
        """Move up to `limit` visible messages (all when None) from `source` to the end of `target`."""
        async with self._changed:
            found = self._queues.get(source)
            now = asyncio.get_running_loop().time()
            ready = [m for m in found.messages.values() if m.visible_at <= now] if found else []
            chosen = ready if limit is None else ready[:limit]
            for message in chosen:
                del self._queues[source].messages[message.message_id]
                self._append(target, message.body)
            self._changed.notify_all()
        return len(chosen)

    def depth(self, queue: str) -> int:
        """Messages in `queue` not yet deleted, in flight included."""
        found = self._queues.get(queue)
        return 0 if found is None else len(found.messages)

    def _append(self, queue: str, body: bytes) -> None:
        stored = _Stored(message_id=self._serial(), body=body)
        self._queues.setdefault(queue, _Queue()).messages[stored.message_id] = stored

    def _serial(self) -> str:
        return f"{self._prefix}-{next(self._serials)}"

    def _take(self, queue: str, max_messages: int, now: float) -> list[Delivery]:
        found = self._queues.get(queue)
        if found is None:
            return []
        # Stops at a full batch: a backed-up queue costs a receive its batch, not its depth.
        deliveries: list[Delivery] = []
        exhausted: list[_Stored] = []
        for stored in found.messages.values():
            if len(deliveries) == max_messages:
                break
            if stored.visible_at > now:
                continue
            if self._exhausted(queue, stored):
                exhausted.append(stored)
                continue
            deliveries.append(self._lease(queue, stored, now))
        for stored in exhausted:
            del found.messages[stored.message_id]
            self._append(dead_letter_queue(queue), stored.body)
        return deliveries

    def _exhausted(self, queue: str, stored: _Stored) -> bool:
        is_dead_letter_queue = queue.endswith(dead_letter_queue(""))
        return not is_dead_letter_queue and stored.receive_count >= self._max_receives

    def _lease(self, queue: str, stored: _Stored, now: float) -> Delivery:
        stored.receive_count += 1
        stored.receipt = self._serial()
        stored.visible_at = now + self._visibility_timeout
        return Delivery(
            queue=queue,
            body=stored.body,
            receipt=stored.receipt,
            receive_count=stored.receive_count,
            message_id=stored.message_id,
            sent_at=stored.sent_at,
        )

    def _next_visible(self, queue: str) -> float:
        found = self._queues.get(queue)
        times = [stored.visible_at for stored in found.messages.values()] if found else []
        return min(times, default=float("inf"))

    async def _wait_for_change(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(seconds, 0.0)):
                await self._changed.wait()

    def _current(self, delivery: Delivery) -> _Stored | None:
        found = self._queues.get(delivery.queue)
        stored = found.messages.get(delivery.message_id) if found else None
        return stored if stored is not None and stored.receipt == delivery.receipt else None

    def _remove(self, delivery: Delivery) -> _Stored | None:
        stored = self._current(delivery)
        if stored is not None:
            del self._queues[delivery.queue].messages[stored.message_id]
        return stored
