"""Queries over what the workers wrote: transcripts (logger) and daily aggregates (analytics)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from typing import Any

import msgspec
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from parley_messages.analytics_names import channel_counts, intent_counts
from parley_messages.latency import latency_percentile
from parley_runtime.errors import NotFoundError
from parley_runtime.mongo import translate_errors

_SUMMED = (
    "turns",
    "conversations",
    "users",
    "fallbacks",
    "completed",
    "confidence_sum",
    "confidence_count",
    "latency_ms_sum",
    "models_published",
    "welcomes",
)


NEWEST_FIRST = [("last_turn_at", DESCENDING), ("conversation_id", DESCENDING)]
"""The order conversations are listed and paged in (and the index that serves it)."""
_SUMMARY = {"_id": 0, "turn_ids": 0}
"""A conversation without the logger's bookkeeping (the ids of its latest turns)."""


class ConversationSummary(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    conversation_id: str
    channel: str | None = None
    first_turn_at: datetime | None = None
    last_turn_at: datetime | None = None
    turn_count: int = 0


class TurnRecord(msgspec.Struct, frozen=True, kw_only=True):
    event_id: str
    at: datetime
    user_text: str
    replies: list[str] = []
    intent: str | None = None
    confidence: float | None = None
    entities: list[dict[str, Any]] = []
    slots: dict[str, Any] = {}
    complete: bool = True
    fallback: bool = False
    latency_ms: float = 0.0
    channel: str | None = None
    correlation_id: str | None = None
    welcome: bool = False
    """The conversation's greeting, said before the user said anything (`user_text` is empty)."""


class Transcript(ConversationSummary, frozen=True, kw_only=True):
    turns: list[TurnRecord] = []


class ConversationFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Conversations whose last turn is in [`start`, `end`) and after the page cursor, and, with
    `intent`, that have a turn of that intent in that time, and, with `text`, one whose user text
    or a reply holds `text` (a literal substring, case-insensitive) in that time. With both, the
    two may be different turns.

    Pages are ordered by last turn, newest first, then by conversation id, descending. The cursor is
    the last conversation of the previous page: its `last_turn_at` as `before` and its id as
    `before_id`. Many conversations can share a millisecond, so `before` alone (the older cursor,
    still accepted) skips those that share the last one's time but did not fit on its page."""

    start: datetime | None = None
    end: datetime | None = None
    before: datetime | None = None
    before_id: str | None = None
    intent: str | None = None
    text: str | None = None


class Transcripts:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._conversations = db["conversations"]
        self._turns = db["turns"]

    async def ensure_indexes(self) -> None:
        """The logger creates these too; the reader makes sure its queries have them."""
        async with translate_errors():
            await self._conversations.create_index([("bot", ASCENDING), *NEWEST_FIRST])
            await self._turns.create_index([("bot", ASCENDING), ("intent", ASCENDING), ("at", DESCENDING)])
            await self._turns.create_index([("bot", ASCENDING), ("at", DESCENDING)])

    async def conversations(
        self, bot: str, *, limit: int, where: ConversationFilter | None = None
    ) -> list[ConversationSummary]:
        """Newest first (by last turn)."""
        where = where or ConversationFilter()
        query: dict[str, Any] = {"bot": bot}
        cursor_after = where.before is not None and where.before_id is not None
        window = _window(where.start, where.end, None if cursor_after else where.before)
        if window:
            query["last_turn_at"] = window
        if cursor_after:
            query["$or"] = [
                {"last_turn_at": {"$lt": where.before}},
                {"last_turn_at": where.before, "conversation_id": {"$lt": where.before_id}},
            ]
        async with translate_errors():
            matching = await self._with_turns(bot, where)
            if matching is not None:
                query["conversation_id"] = {"$in": matching}
            found = self._conversations.find(query, _SUMMARY).sort(NEWEST_FIRST).limit(limit)
            return [msgspec.convert(doc, ConversationSummary, strict=False) async for doc in found]

    async def _with_turns(self, bot: str, where: ConversationFilter) -> list[str] | None:
        """The ids of the conversations with a turn of `intent` and one holding `text` (None: no
        such condition). The text is looked for only in the conversations the intent kept."""
        matching: list[str] | None = None
        if where.intent is not None:
            matching = await self._with_turn(bot, where, {"intent": where.intent}, matching)
        if where.text is not None:
            matching = await self._with_turn(bot, where, _holding(where.text), matching)
        return matching

    async def _with_turn(
        self, bot: str, where: ConversationFilter, turn: dict[str, Any], among: list[str] | None
    ) -> list[str]:
        query: dict[str, Any] = {"bot": bot, **turn}
        window = _turn_window(where)
        if window:
            query["at"] = window
        if among is not None:
            query["conversation_id"] = {"$in": among}
        return list(await self._turns.distinct("conversation_id", query))

    async def conversation(self, bot: str, conversation_id: str) -> Transcript:
        async with translate_errors():
            summary = await self._conversations.find_one(
                {"bot": bot, "conversation_id": conversation_id}, _SUMMARY
            )
            if summary is None:
                raise NotFoundError(f"no conversation {conversation_id!r} for bot {bot!r}")
            cursor = self._turns.find({"bot": bot, "conversation_id": conversation_id}).sort("at", 1)
            turns = [_turn(doc) async for doc in cursor]
        return msgspec.convert({**summary, "turns": turns}, Transcript, strict=False)


def _window(start: datetime | None, end: datetime | None, before: datetime | None) -> dict[str, Any]:
    window: dict[str, Any] = {}
    if start is not None:
        window["$gte"] = start
    upper = min((t for t in (end, before) if t is not None), default=None)
    if upper is not None:
        window["$lt"] = upper
    return window


def _turn_window(where: ConversationFilter) -> dict[str, Any]:
    """When a listed conversation's matching turn can be: in the period, and no later than the
    page cursor (a conversation's turns are no later than its last turn), so that each later
    page looks through fewer turns."""
    window = _window(where.start, where.end, None)
    if where.before is not None:
        window["$lte"] = where.before
    return window


def _holding(text: str) -> dict[str, Any]:
    """A turn whose user text or one of its replies holds `text`, literally, in any case (MongoDB
    folds case as Unicode's simple case folding: `É` finds `é`, `SS` does not find `ß`)."""
    # MongoDB refuses a pattern holding a NUL byte; `\x00` is one to PCRE and to Python's `re`.
    literal = {"$regex": re.escape(text).replace("\x00", "\\x00"), "$options": "i"}
    return {"$or": [{"user_text": literal}, {"replies": literal}]}


def _turn(doc: dict[str, Any]) -> dict[str, Any]:
    doc["event_id"] = doc.pop("_id")
    return doc


class DayStats(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    turns: int
    conversations: int
    users: int
    fallback_rate: float
    mean_confidence: float | None
    mean_latency_ms: float | None
    latency_ms_p50: float | None
    latency_ms_p90: float | None
    latency_ms_p99: float | None
    completed: int
    models_published: int
    welcomes: int
    """Greetings of new conversations, said before the user said anything; not counted in `turns`."""
    intents: dict[str, int]
    """Turns per intent id, most first; `_none`: turns without an intent (no intent id starts with `_`)."""
    channels: dict[str, int]
    """Turns per channel (`rest`, `websocket`)."""


class Analytics:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._daily = db["analytics_daily"]

    async def daily(self, bot: str, *, start: date, end: date) -> list[DayStats]:
        """One row per day in [start, end] that has data, shards summed."""
        query = {"bot": bot, "day": {"$gte": _midnight(start), "$lte": _midnight(end)}}
        days: dict[date, dict[str, Any]] = {}
        async with translate_errors():
            async for doc in self._daily.find(query, {"event_ids": 0}):
                _merge(days.setdefault(doc["day"].date(), _empty()), doc)
        return [_finish(day, row) for day, row in sorted(days.items())]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _empty() -> dict[str, Any]:
    return {
        **dict.fromkeys(_SUMMED, 0),
        "intents": Counter(),
        "channels": Counter(),
        "latency_ms_buckets": Counter(),
    }


def _merge(row: dict[str, Any], doc: dict[str, Any]) -> None:
    for name in _SUMMED:
        row[name] += doc.get(name, 0)
    row["intents"].update(intent_counts(doc))
    row["channels"].update(channel_counts(doc))
    row["latency_ms_buckets"].update(doc.get("latency_ms_buckets", {}))


def _finish(day: date, row: dict[str, Any]) -> DayStats:
    turns = row["turns"]
    buckets = row["latency_ms_buckets"]
    return DayStats(
        day=day,
        turns=turns,
        conversations=row["conversations"],
        users=row["users"],
        fallback_rate=row["fallbacks"] / turns if turns else 0.0,
        mean_confidence=_mean_confidence(row),
        mean_latency_ms=row["latency_ms_sum"] / turns if turns else None,
        latency_ms_p50=latency_percentile(buckets, 0.5),
        latency_ms_p90=latency_percentile(buckets, 0.9),
        latency_ms_p99=latency_percentile(buckets, 0.99),
        completed=row["completed"],
        models_published=row["models_published"],
        welcomes=row["welcomes"],
        intents=dict(row["intents"].most_common()),
        channels=dict(row["channels"]),
    )


def _mean_confidence(row: dict[str, Any]) -> float | None:
    """Over the turns that had a confidence; documents older than `confidence_count` divide by turns."""
    if row["confidence_count"]:
        return row["confidence_sum"] / row["confidence_count"]
    return row["confidence_sum"] / row["turns"] if row["turns"] else None
