"""The message bus port: publish by the routing table, receive/ack/dead-letter per queue."""

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
