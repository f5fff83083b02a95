"""The message bus ports: publish by the routing table, receive/ack/dead-letter per queue; queue stats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec

from parley_messages import Message


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """One received queue message. `body` is still encoded: the worker decodes it."""

    queue: str
    body: bytes
    receipt: str
    receive_count: int
    message_id: str
    sent_at: float | None = None
    """When the broker accepted the message (seconds since the epoch), if it says."""


class QueueStats(msgspec.Struct, frozen=True, kw_only=True):
    """How many messages a queue holds: ready to receive, received but not yet deleted, delayed."""

    queue: str
    visible: int
    in_flight: int
    delayed: int = 0


class Bus(Protocol):
    async def publish(self, message: Message) -> None:
        """Send `message` to every queue its routing entry lists."""
        ...

    async def receive(
        self, queue: str, *, max_messages: int = 10, wait_seconds: float = 20.0
    ) -> list[Delivery]:
        """Up to `max_messages` deliveries, waiting up to `wait_seconds` for the first."""
        ...

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Delete handled deliveries so they are never delivered again."""
        ...

    async def retry_later(self, delivery: Delivery, *, delay_seconds: float) -> None:
        """Make `delivery` visible again after `delay_seconds` (also extends a long job's lease)."""
        ...

    async def dead_letter(self, delivery: Delivery, *, reason: str) -> None:
        """Move a delivery that can never succeed to its queue's dead-letter queue."""
        ...


class QueueAdmin(Protocol):
    """Operators' view of the queues: depths, and moving dead letters back for another try."""

    async def stats(self, queue: str) -> QueueStats:
        """The depths of `queue` (a logical name, such as `parley-logger-dlq`)."""
        ...

    async def move(self, source: str, target: str, *, limit: int | None = None) -> int:
        """Move up to `limit` messages (all when None) from `source` to `target`; how many moved.

        At least once: a message may be copied and not yet deleted when the mover dies.
        """
        ...
