"""One conversation's transcript erased at an admin's request (a user's right to erasure).

The logger writes transcripts from its queue, so a turn of the conversation can still be on its
way when the erasure runs, and SQS keeps no order: deleting alone would let it write the transcript
again. The erasure is therefore recorded first, in `conversation_erasures` (`_id` = bot:conversation,
`through` = the time of the erasure, `$max`), then the turns of that time or earlier and the
conversation are deleted. The logger checks each turn it stores against the record, after the write,
as it checks a deleted bot's (`bot_purges`), and takes an erased one out again: a write that lands
in between is seen by one of the two. Turns stamped after the erasure are a new transcript under the
same id. The record expires after `ERASURE_KEPT_DAYS`, longer than SQS keeps any message, dead-letter
queues included; it holds no text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from pymongo.asynchronous.database import AsyncDatabase

from parley_runtime.errors import NotFoundError
from parley_runtime.mongo import stored_time, translate_errors
from parley_runtime.transcripts import delete_turns_through

ERASURE_KEPT_DAYS = 15
"""How long an erasure is remembered: SQS keeps a message 14 days at most, in a dead-letter queue too
(it keeps the time it was first sent), so no turn of an erased conversation can arrive later."""


class Erased(msgspec.Struct, frozen=True, kw_only=True):
    turns: int
    """Turns deleted from MongoDB."""
    later_turns: int
    """Turns stamped after the erasure, kept as the conversation's new transcript (usually none)."""


def _record(key: dict[str, str], conversation: dict[str, Any], through: datetime) -> dict[str, Any]:
    """The erasure as the logger reads it: `through` for the turns still queued, and `since`, the
    conversation's first turn, for the archive job (the days whose archives may hold it)."""
    since = conversation.get("first_turn_at") or through
    return {
        "$setOnInsert": key,
        "$max": {"through": through, "expires_at": through + timedelta(days=ERASURE_KEPT_DAYS)},
        "$min": {"since": since},
    }


class TranscriptErasures:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._erasures = db["conversation_erasures"]
        self._conversations = db["conversations"]
        self._turns = db["turns"]

    async def ensure_indexes(self) -> None:
        async with translate_errors():
            await self._erasures.create_index("expires_at", expireAfterSeconds=0)

    async def erase(self, bot: str, conversation_id: str, through: datetime) -> Erased:
        """Delete the conversation's turns up to `through`, and the conversation unless later turns
        are left; `NotFoundError` when the bot has no such conversation (nothing is recorded)."""
        through = stored_time(through)
        key = {"bot": bot, "conversation_id": conversation_id}
        async with translate_errors():
            found = await self._conversations.find_one(key, {"first_turn_at": 1})
            if found is None:
                raise NotFoundError(f"no conversation {conversation_id!r} for bot {bot!r}")
            await self._erasures.update_one(
                {"_id": f"{bot}:{conversation_id}"}, _record(key, found, through), upsert=True
            )
            deleted, later = await delete_turns_through(
                self._turns, self._conversations, bot, conversation_id, through
            )
        return Erased(turns=deleted, later_turns=later)
