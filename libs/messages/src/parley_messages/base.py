"""Base classes of everything that crosses a process boundary."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec


def new_id() -> str:
    """A fresh random identifier (32 hex characters)."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of everything that crosses a queue. Fields are only ever added, with defaults."""

    message_id: str = msgspec.field(default_factory=new_id)
    occurred_at: datetime = msgspec.field(default_factory=utc_now)
    correlation_id: str | None = None


class Event(Message, frozen=True, kw_only=True):
    """Something that happened (past tense). Any number of queues may receive it."""


class Command(Message, frozen=True, kw_only=True):
    """Something to do (imperative). Exactly one queue receives it."""
