"""Transcripts in MongoDB: `turns` is append-only (one per event), `conversations` one per conversation.

A deleted bot's transcripts are purged up to the time of its deletion (`BotDeleted.occurred_at`),
and `bot_purges` remembers that time per bot (`$max`, so redelivered and reordered deletions agree).
A turn of the deleted bot that arrives after its purge (SQS does not keep order) is undone: every
turn is written first and checked against the purges after, so a purge that lands in between is
seen by one of the two, whichever runs last. `parley transcripts archive` carries each purge into
the archives in blob storage and records how far it has in the same document
(`archives_purged_through`, parley_logger.archive_purge).

One conversation erased at an admin's request is handled alike: the gateway records the erasure in
`conversation_erasures` (`_id` = bot:conversation, `through`; it expires after 15 days) and deletes
the transcript; a turn of that time or earlier that arrives later is written, found there and taken
out again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, Protocol

import msgspec
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_logger.archive_erasure import ConversationErasure
from parley_logger.archive_purge import BotPurge
from parley_messages import TurnCompleted
from parley_runtime.mongo import stored_time, translate_errors
from parley_runtime.transcripts import RECENT_TURN_IDS, delete_turns_through

"""Ids of its latest turns a conversation keeps, so that a redelivered turn is not counted again.
SQS redelivers within minutes (a dead-letter replay: a turn that was never counted), long before a
conversation has 100 newer turns; the ids stay out of every listing."""


Appended = Literal["stored", "duplicate", "purged", "erased"]
"""What became of a turn: stored now, stored before (a redelivery), or dropped: its bot was deleted
since, or its conversation erased."""


class Purged(msgspec.Struct, frozen=True, kw_only=True):
    turns: int
    conversations: int


class TranscriptStore(Protocol):
    async def append(self, turn: TurnCompleted) -> Appended:
        """Store one turn, unless it was stored before, or its bot was deleted or its conversation
        erased after it."""
        ...

    async def purge(self, bot: str, through: datetime) -> Purged:
        """Delete the turns and conversations of `bot` up to `through`, and drop its turns of that
        time or earlier that arrive later. Idempotent."""
        ...


class MongoTranscriptStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._turns = db["turns"]
        self._conversations = db["conversations"]
        self._purges = db["bot_purges"]
        self._erasures = db["conversation_erasures"]

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

    async def append(self, turn: TurnCompleted) -> Appended:
        async with translate_errors():
            try:
                await self._turns.insert_one(turn_document(turn))
                outcome: Appended = "stored"
            except DuplicateKeyError:
                outcome = "duplicate"
            await self._update_conversation(turn)
            for dropped, through in await self._dropped_through(turn):
                if stored_time(turn.occurred_at) <= through:
                    await self._purge_conversation(turn.bot, turn.conversation_id, through)
                    return dropped
        return outcome

    async def purge(self, bot: str, through: datetime) -> Purged:
        """The purge is recorded first: a turn written after the deletes below finds it."""
        through = stored_time(through)
        mixed = {"bot": bot, "first_turn_at": {"$lte": through}, "last_turn_at": {"$gt": through}}
        async with translate_errors():
            await self._purges.update_one({"_id": bot}, {"$max": {"through": through}}, upsert=True)
            turns = await self._turns.delete_many({"bot": bot, "at": {"$lte": through}})
            ended = await self._conversations.delete_many({"bot": bot, "last_turn_at": {"$lte": through}})
            # A conversation id used again by the bot created anew, whose turns came first.
            mixed_ids = [doc["conversation_id"] async for doc in self._conversations.find(mixed)]
            for conversation_id in mixed_ids:
                await self._purge_conversation(bot, conversation_id, through)
        return Purged(turns=turns.deleted_count, conversations=ended.deleted_count)

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

    async def purges_not_archived(self) -> list[BotPurge]:
        """Deletions not carried into the archives yet: never carried, or the name deleted again since.
        MongoDB's `$lt` would take a missing field for the oldest, but the emulation fails on it."""
        carried_earlier = {"$expr": {"$lt": ["$archives_purged_through", "$through"]}}
        query = {"$or": [{"archives_purged_through": None}, carried_earlier]}
        async with translate_errors():
            cursor = self._purges.find(query).sort("_id", ASCENDING)
            return [BotPurge(bot=doc["_id"], through=doc["through"]) async for doc in cursor]

    async def mark_archives_purged(self, bot: str, through: datetime) -> None:
        """Record that `bot`'s archives hold nothing of `through` or earlier (`$max`: never back)."""
        async with translate_errors():
            await self._purges.update_one({"_id": bot}, {"$max": {"archives_purged_through": through}})

    async def erasures_not_archived(self) -> list[ConversationErasure]:
        """Erasures not carried into the archives yet: never carried, or erased again since."""
        carried_earlier = {"$expr": {"$lt": ["$archives_erased_through", "$through"]}}
        query = {"$or": [{"archives_erased_through": None}, carried_earlier]}
        async with translate_errors():
            cursor = self._erasures.find(query).sort("_id", ASCENDING)
            return [msgspec.convert(doc, ConversationErasure, strict=False) async for doc in cursor]

    async def mark_archives_erased(self, bot: str, conversation_id: str, through: datetime) -> None:
        """Record that `bot`'s archives hold nothing of the conversation of `through` or earlier."""
        async with translate_errors():
            await self._erasures.update_one(
                {"_id": f"{bot}:{conversation_id}"}, {"$max": {"archives_erased_through": through}}
            )

    async def _dropped_through(self, turn: TurnCompleted) -> list[tuple[Appended, datetime]]:
        """Up to when the turn's bot was deleted, and its conversation erased (the gateway's
        `DELETE .../conversations/{id}` records it in `conversation_erasures`)."""
        purge = await self._purges.find_one({"_id": turn.bot})
        erasure = await self._erasures.find_one({"_id": f"{turn.bot}:{turn.conversation_id}"})
        records: list[tuple[Appended, dict[str, Any] | None]] = [("purged", purge), ("erased", erasure)]
        return [(dropped, doc["through"]) for dropped, doc in records if doc is not None]

    async def _purge_conversation(self, bot: str, conversation_id: str, through: datetime) -> None:
        """Delete one conversation's turns up to `through`, and count what is left of it again. A turn
        stored meanwhile may be left out of the count: this runs only when a conversation id outlived
        its bot's deletion or a turn arrived after it."""
        await delete_turns_through(self._turns, self._conversations, bot, conversation_id, through)

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
        "welcome": turn.welcome,
    }
