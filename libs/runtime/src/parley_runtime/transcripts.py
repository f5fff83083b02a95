"""The turn logger's transcripts where a writer besides the logger changes them: a turn of a deleted
bot or an erased conversation that the logger stored late is taken out again by the logger, and an
erasure takes a conversation out through the gateway. Both leave the conversation's bookkeeping as
the logger keeps it, from this one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

RECENT_TURN_IDS = 100
"""The ids of a conversation's latest turns the logger keeps, so that a turn delivered again is
counted once."""

Collection = AsyncCollection[dict[str, Any]]


async def delete_turns_through(
    turns: Collection, conversations: Collection, bot: str, conversation_id: str, through: datetime
) -> tuple[int, int]:
    """Delete one conversation's turns stamped `through` or earlier, then count what is left of it
    again, or delete the conversation when nothing is (unless a later turn moved it on meanwhile):
    (turns deleted, turns left)."""
    key = {"bot": bot, "conversation_id": conversation_id}
    deleted = await turns.delete_many({**key, "at": {"$lte": through}})
    cursor = turns.find(key, {"at": 1}).sort([("at", ASCENDING), ("_id", ASCENDING)])
    left = [doc async for doc in cursor]
    conversation = {"_id": f"{bot}:{conversation_id}"}
    if not left:
        await conversations.delete_one({**conversation, "last_turn_at": {"$lte": through}})
        return deleted.deleted_count, 0
    recount = {
        "first_turn_at": left[0]["at"],
        "last_turn_at": left[-1]["at"],
        "turn_count": len(left),
        "turn_ids": [doc["_id"] for doc in left[-RECENT_TURN_IDS:]],
    }
    await conversations.update_one(conversation, {"$set": recount})
    return deleted.deleted_count, len(left)
