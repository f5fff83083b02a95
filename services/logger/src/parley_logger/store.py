"""Transcripts in MongoDB: `turns` is append-only (one per event), `conversations` one per conversation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_messages import TurnCompleted
from parley_runtime.mongo import translate_errors

RECENT_TURN_IDS = 100
"""Ids of its latest turns a conversation keeps, so that a redelivered turn is not counted again.
SQS redelivers within minutes (a dead-letter replay: a turn that was never counted), long before a
conversation has 100 newer turns; the ids stay out of every listing."""


class TranscriptStore(Protocol):
    async def append(self, turn: TurnCompleted) -> bool:
        """Store one turn; False when it was stored before (a redelivery)."""
        ...


class MongoTranscriptStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._turns = db["turns"]
        self._conversations = db["conversations"]

    async def ensure_indexes(self) -> None:
        async with translate_errors():
            await self._turns.create_index(
                [("bot", ASCENDING), ("conversation_id", ASCENDING), ("at", ASCENDING)]
            )
            await self._turns.create_index([("bot", ASCENDING), ("at", DESCENDING)])
            await self._turns.create_index([("bot", ASCENDING), ("intent", ASCENDING), ("at", DESCENDING)])
            # The gateway lists a bot's conversations newest first, ties by id (its page cursor).
            await self._conversations.create_index(
                [("bot", ASCENDING), ("last_turn_at", DESCENDING), ("conversation_id", DESCENDING)]
            )
            # Archiving and retention select turns by time, across bots.
            await self._turns.create_index([("at", ASCENDING)])

    async def append(self, turn: TurnCompleted) -> bool:
        async with translate_errors():
            try:
                await self._turns.insert_one(turn_document(turn))
                inserted = True
            except DuplicateKeyError:
                inserted = False
            await self._update_conversation(turn)
        return inserted

    async def bots_between(self, start: datetime, end: datetime) -> list[str]:
        """Bots with a turn in [start, end)."""
        async with translate_errors():
            return sorted(await self._turns.distinct("bot", {"at": {"$gte": start, "$lt": end}}))

    async def turns_between(self, bot: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The stored turns of `bot` in [start, end), oldest first."""
        query = {"bot": bot, "at": {"$gte": start, "$lt": end}}
        async with translate_errors():
            return [
                doc async for doc in self._turns.find(query).sort([("at", ASCENDING), ("_id", ASCENDING)])
            ]

    async def mark_archived(self, event_ids: list[str], at: datetime) -> None:
        async with translate_errors():
            await self._turns.update_many({"_id": {"$in": event_ids}}, {"$set": {"archived_at": at}})

    async def unarchived_days(self, before: datetime) -> set[tuple[str, date]]:
        """(bot, day) of every turn older than `before` that no archive holds yet."""
        query = {"at": {"$lt": before}, "archived_at": None}
        async with translate_errors():
            cursor = self._turns.find(query, {"bot": 1, "at": 1})
            return {(doc["bot"], doc["at"].date()) async for doc in cursor}

    async def delete_archived(self, before: datetime) -> int:
        """Delete the archived turns older than `before`; how many."""
        async with translate_errors():
            result = await self._turns.delete_many({"at": {"$lt": before}, "archived_at": {"$ne": None}})
        return result.deleted_count

    async def _update_conversation(self, turn: TurnCompleted) -> None:
        """Count the turn exactly once, whatever the order and number of its deliveries: "add it,
        unless its id is among the conversation's latest", one atomic single-document update (as
        analytics counts events). The count no longer depends on the stored turns, which retention
        deletes."""
        key = {"bot": turn.bot, "conversation_id": turn.conversation_id}
        query = {"_id": f"{turn.bot}:{turn.conversation_id}", "turn_ids": {"$ne": turn.message_id}}
        update = {
            "$setOnInsert": {**key, "channel": turn.channel},
            "$min": {"first_turn_at": turn.occurred_at},
            "$max": {"last_turn_at": turn.occurred_at},
            "$inc": {"turn_count": 1},
            "$push": {"turn_ids": {"$each": [turn.message_id], "$slice": -RECENT_TURN_IDS}},
        }
        try:
            await self._conversations.update_one(query, update, upsert=True)
        except DuplicateKeyError:
            # The conversation exists and has counted this turn, or another turn created it just now.
            await self._conversations.update_one(query, update)


def turn_document(turn: TurnCompleted) -> dict[str, Any]:
    return {
        "_id": turn.message_id,
        "bot": turn.bot,
        "conversation_id": turn.conversation_id,
        "channel": turn.channel,
        "at": turn.occurred_at,
        "user_text": turn.user_text,
        "replies": turn.replies,
        "intent": turn.intent,
        "confidence": turn.confidence,
        "entities": turn.entities,
        "slots": turn.slots,
        "complete": turn.complete,
        "fallback": turn.fallback,
        "latency_ms": turn.latency_ms,
        "correlation_id": turn.correlation_id,
        "user_id": turn.user_id,
    }
