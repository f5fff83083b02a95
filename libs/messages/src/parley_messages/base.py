"""Base classes of everything that crosses a process boundary."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec


def new_id() -> str:
    """A fresh random identifier (32 hex characters)."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC, to the millisecond: what MongoDB stores of a date,
    so that a time a client is told when something is saved (`updated_at`, `created_at`) is the
    time it reads back later."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _occurred_now() -> datetime:
    """A message's time keeps its microseconds: training requests are ordered by it finer than a
    stored date could (decision 46), and no client is told it before a store has rounded it."""
    return datetime.now(UTC)


class Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of everything that crosses a queue. Fields are only ever added, with defaults."""

    message_id: str = msgspec.field(default_factory=new_id)
    occurred_at: datetime = msgspec.field(default_factory=_occurred_now)
    correlation_id: str | None = None


class Event(Message, frozen=True, kw_only=True):
    """Something that happened (past tense). Any number of queues may receive it."""


class Command(Message, frozen=True, kw_only=True):
    """Something to do (imperative). Exactly one queue receives it."""
