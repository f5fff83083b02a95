"""Daily analytics per bot, updated exactly once per event without transactions.

Each bot x day is split into `SHARDS` bucket documents. An event is counted by one conditional
single-document update: "add these counters and this event id, unless the id is already there".
MongoDB applies a single-document update atomically, so a redelivered event can never count twice,
and a crash before the update leaves nothing half-counted. Each bucket holds the ids of its share
of the day's events only, which keeps documents bounded (64 shards x 16 MB).

Distinct conversations and users are counted the same way: a marker document per conversation
(per user and day) remembers which event saw it first, and only that event's bucket update adds 1.
A crash between the marker and the bucket update is repaired by the redelivery of that same event.
Markers expire `MARKER_DAYS` after their event, long after SQS has given up redelivering it. A
marker never changes while it lives, so a store remembers the markers it has read (`Sightings`):
a conversation's later turns cost one bucket update, not three writes.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_analytics.counters import turn_increments, user_key
from parley_messages import ModelPublished, TurnCompleted
from parley_runtime.mongo import translate_errors

SHARDS = 64
MARKER_DAYS = 35
"""Longer than SQS keeps a message (14 days) plus a replay from the dead-letter queue (14 more)."""
REMEMBERED_MARKERS = 50_000
"""Markers a store remembers having read (per kind), so a conversation's later turns skip the write."""


class AnalyticsStore(Protocol):
    async def count_turn(self, event: TurnCompleted) -> bool:
        """Count one turn; False when it was counted before."""
        ...

    async def count_model(self, event: ModelPublished) -> bool: ...


class Sightings:
    """The markers this process has read: key -> (first event id, expiry). A marker never changes
    until it expires, so while it lives a remembered answer is the stored one, for every replica."""

    def __init__(self, size: int = REMEMBERED_MARKERS) -> None:
        self._size = size
        self._markers: OrderedDict[str, tuple[str, datetime]] = OrderedDict()

    def first_event(self, key: str) -> str | None:
        marker = self._markers.get(key)
        if marker is None or marker[1] <= datetime.now(UTC):
            return None
        self._markers.move_to_end(key)
        return marker[0]

    def remember(self, key: str, first_event_id: str, expires_at: datetime) -> None:
        self._markers[key] = (first_event_id, expires_at)
        self._markers.move_to_end(key)
        while len(self._markers) > self._size:
            self._markers.popitem(last=False)


def utc_day(moment: datetime) -> date:
    """The UTC day of `moment` (one without an offset is UTC), as transcripts and their archives count
    days: a turn at 23:30-05:00 belongs to the next day."""
    return _aware(moment).astimezone(UTC).date()


def bucket_id(bot: str, day: date, event_id: str) -> str:
    shard = int(hashlib.blake2b(event_id.encode(), digest_size=2).hexdigest(), 16) % SHARDS
    return f"{bot}:{day.isoformat()}:{shard:02d}"


class MongoAnalyticsStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._daily = db["analytics_daily"]
        self._conversations = db["analytics_conversations"]
        self._users = db["analytics_users"]
        self._seen_conversations, self._seen_users = Sightings(), Sightings()

    async def ensure_indexes(self) -> None:
        async with translate_errors():
            await self._daily.create_index([("bot", ASCENDING), ("day", ASCENDING)])
            for markers in (self._conversations, self._users):
                await markers.create_index("expires_at", expireAfterSeconds=0)

    async def count_turn(self, event: TurnCompleted) -> bool:
        day = utc_day(event.occurred_at)
        increments = turn_increments(event)
        conversation = f"{event.bot}:{event.conversation_id}"
        if await self._first_sighting(self._conversations, self._seen_conversations, conversation, event):
            increments["conversations"] = 1
        user = f"{event.bot}:{day}:{user_key(event)}"
        if await self._first_sighting(self._users, self._seen_users, user, event):
            increments["users"] = 1
        return await self._apply(event.bot, day, event.message_id, increments)

    async def count_model(self, event: ModelPublished) -> bool:
        return await self._apply(
            event.bot, utc_day(event.occurred_at), event.message_id, {"models_published": 1}
        )

    async def _apply(self, bot: str, day: date, event_id: str, increments: dict[str, float]) -> bool:
        query = {"_id": bucket_id(bot, day, event_id), "event_ids": {"$ne": event_id}}
        update = {
            "$inc": increments,
            "$push": {"event_ids": event_id},
            "$setOnInsert": {"bot": bot, "day": datetime(day.year, day.month, day.day)},
        }
        async with translate_errors():
            try:
                result = await self._daily.update_one(query, update, upsert=True)
                return bool(result.modified_count or result.upserted_id)
            except DuplicateKeyError:
                # The bucket exists and either holds this event already or was created
                # concurrently by another event: try again without creating it.
                result = await self._daily.update_one(query, update)
                return bool(result.modified_count)

    async def _first_sighting(self, markers: Any, seen: Sightings, key: str, event: TurnCompleted) -> bool:
        """Whether `event` is the one that first saw `key` (idempotent: the marker keeps its id)."""
        first = seen.first_event(key)
        if first is None:
            expires = event.occurred_at + timedelta(days=MARKER_DAYS)
            async with translate_errors():
                doc = await markers.find_one_and_update(
                    {"_id": key},
                    {"$setOnInsert": {"first_event_id": event.message_id, "expires_at": expires}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            if doc is None:
                return False
            first = str(doc.get("first_event_id"))
            seen.remember(key, first, _aware(doc.get("expires_at", expires)))
        return first == event.message_id


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
