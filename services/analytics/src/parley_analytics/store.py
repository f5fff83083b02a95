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

A deleted bot's aggregates are dropped up to the time of its deletion (`BotDeleted.occurred_at`),
which `analytics_purges` remembers per bot (`$max`). A bucket whose first event (`first_at`) is
that old goes whole, so on the day of the deletion a bucket that also counted the new bot's first
turns (only when the deletion was handled after them) goes with it. An event of the deleted bot
that arrives later is counted, then found in the purges and taken back out exactly: checking after
the update, a purge handled in between is seen by one of the two, whichever runs last.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Protocol

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_analytics.counters import turn_increments, user_key
from parley_messages import ModelPublished, TurnCompleted
from parley_runtime.mongo import stored_time, translate_errors

SHARDS = 64
MARKER_DAYS = 35
"""Longer than SQS keeps a message (14 days) plus a replay from the dead-letter queue (14 more)."""
REMEMBERED_MARKERS = 50_000
"""Markers a store remembers having read (per kind), so a conversation's later turns skip the write."""


Counted = Literal["counted", "duplicate", "purged"]
"""What became of an event: counted now, counted before, or not counted (its bot was deleted since)."""


class AnalyticsStore(Protocol):
    async def count_turn(self, event: TurnCompleted) -> Counted:
        """Count one turn, unless it was counted before or its bot was deleted after it."""
        ...

    async def count_model(self, event: ModelPublished) -> Counted: ...

    async def purge(self, bot: str, through: datetime) -> int:
        """Drop the aggregates of `bot` up to `through` (how many buckets), and leave its events of
        that time or earlier that arrive later uncounted. Idempotent."""
        ...


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

    def forget(self, key: str) -> None:
        self._markers.pop(key, None)

    def forget_expiring(self, prefix: str, by: datetime) -> None:
        """Forget the markers under `prefix` that expire by `by` (a purged bot's)."""
        for key in [k for k, (_, expires) in self._markers.items() if k.startswith(prefix) and expires <= by]:
            del self._markers[key]


Marker = tuple[Any, Sightings, str]
"""A marker collection, the store's memory of it, and a key an event was the first to see."""


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
        self._purges = db["analytics_purges"]
        self._seen_conversations, self._seen_users = Sightings(), Sightings()

    async def ensure_indexes(self) -> None:
        async with translate_errors():
            await self._daily.create_index([("bot", ASCENDING), ("day", ASCENDING)])
            for markers in (self._conversations, self._users):
                await markers.create_index("expires_at", expireAfterSeconds=0)

    async def count_turn(self, event: TurnCompleted) -> Counted:
        day = utc_day(event.occurred_at)
        increments = turn_increments(event)
        firsts: list[Marker] = []
        conversation = f"{event.bot}:{event.conversation_id}"
        if await self._first_sighting(self._conversations, self._seen_conversations, conversation, event):
            increments["conversations"] = 1
            firsts.append((self._conversations, self._seen_conversations, conversation))
        user = f"{event.bot}:{day}:{user_key(event)}"
        if await self._first_sighting(self._users, self._seen_users, user, event):
            increments["users"] = 1
            firsts.append((self._users, self._seen_users, user))
        return await self._count(event, increments, firsts)

    async def count_model(self, event: ModelPublished) -> Counted:
        return await self._count(event, {"models_published": 1}, [])

    async def purge(self, bot: str, through: datetime) -> int:
        """The purge is recorded first: an event counted after the deletes below finds it."""
        through = stored_time(through)
        # A bucket without `first_at` was written before buckets had one.
        old_buckets = {
            "bot": bot,
            "day": {"$lte": _midnight(utc_day(through))},
            "first_at": {"$not": {"$gt": through}},
        }
        old_markers = {
            "_id": {"$regex": f"^{re.escape(bot)}:"},
            "expires_at": {"$lte": through + timedelta(days=MARKER_DAYS)},
        }
        async with translate_errors():
            await self._purges.update_one({"_id": bot}, {"$max": {"through": through}}, upsert=True)
            dropped = await self._daily.delete_many(old_buckets)
            for markers in (self._conversations, self._users):
                await markers.delete_many(old_markers)
        for seen in (self._seen_conversations, self._seen_users):
            seen.forget_expiring(f"{bot}:", through + timedelta(days=MARKER_DAYS))
        return dropped.deleted_count

    async def _count(
        self, event: TurnCompleted | ModelPublished, increments: dict[str, float], firsts: list[Marker]
    ) -> Counted:
        counted = await self._apply(event, increments)
        async with translate_errors():
            purge = await self._purges.find_one({"_id": event.bot})
        if purge is None or stored_time(event.occurred_at) > purge["through"]:
            return "counted" if counted else "duplicate"
        await self._uncount(event, increments, firsts, purge["through"])
        return "purged"

    async def _apply(self, event: TurnCompleted | ModelPublished, increments: dict[str, float]) -> bool:
        day, event_id = utc_day(event.occurred_at), event.message_id
        query = {"_id": bucket_id(event.bot, day, event_id), "event_ids": {"$ne": event_id}}
        update = {
            "$inc": increments,
            "$push": {"event_ids": event_id},
            "$min": {"first_at": event.occurred_at},
            "$setOnInsert": {"bot": event.bot, "day": _midnight(day)},
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

    async def _uncount(
        self,
        event: TurnCompleted | ModelPublished,
        increments: dict[str, float],
        firsts: list[Marker],
        through: datetime,
    ) -> None:
        """Take a purged bot's late event back out of its bucket (once: only while the bucket holds
        its id), and the markers it was the first to see. A bucket left with no event is deleted.

        The bucket's other events are all later than the purge (it dropped the bucket otherwise), so
        `first_at` is raised past it again: a redelivered deletion must not take this bucket for one
        of the deleted bot's."""
        bucket = bucket_id(event.bot, utc_day(event.occurred_at), event.message_id)
        negated = {name: -value for name, value in increments.items()}
        later = through + timedelta(milliseconds=1)
        async with translate_errors():
            await self._daily.update_one(
                {"_id": bucket, "event_ids": event.message_id},
                {"$inc": negated, "$pull": {"event_ids": event.message_id}, "$max": {"first_at": later}},
            )
            await self._daily.delete_one({"_id": bucket, "event_ids": {"$size": 0}})
            for markers, seen, key in firsts:
                await markers.delete_one({"_id": key, "first_event_id": event.message_id})
                seen.forget(key)

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


def _midnight(day: date) -> datetime:
    """How a bucket stores its day."""
    return datetime(day.year, day.month, day.day)
