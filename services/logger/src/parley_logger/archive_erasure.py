"""A conversation erased at an admin's request taken out of the daily archives too.

The gateway's `DELETE /api/v1/bots/{bot}/conversations/{id}` deletes the transcript from MongoDB and
records the erasure in `conversation_erasures`: `through`, its time, and `since`, the conversation's
first turn. `parley transcripts archive`, which has access to blob storage, carries each erasure
not carried yet into the bot's archives of the days from `since` to `through`: each loses the
conversation's lines of `through` or earlier, and is deleted when none are left. An erasure is marked
carried (`archives_erased_through`) only once all its days are done, so a run cut short does it again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import msgspec
import structlog

from parley_logger.archive import archive_key, line_time
from parley_logger.archive_purge import ArchivePurged, drop_lines
from parley_runtime.blobs.ports import BlobStore

log = structlog.get_logger(__name__)


class ConversationErasure(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    conversation_id: str
    since: datetime
    """The conversation's first turn when it was erased: no archive before its day holds it."""
    through: datetime
    """The time of the erasure; the conversation's turns of that time or earlier are erased."""


class PendingErasures(Protocol):
    async def erasures_not_archived(self) -> list[ConversationErasure]:
        """Erasures not carried into the archives yet."""
        ...

    async def mark_archives_erased(self, bot: str, conversation_id: str, through: datetime) -> None:
        """Record that `bot`'s archives hold nothing of the conversation of `through` or earlier."""
        ...


class ArchivesErased(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    conversation_id: str
    through: datetime
    rewritten: list[str]
    """Archives that kept the lines of other conversations of their day."""
    deleted: list[str]


async def erase_archives(*, erasures: PendingErasures, blobs: BlobStore) -> list[ArchivesErased]:
    """Carry every erasure not carried yet into its bot's archives."""
    return [
        await erase_conversation_archives(erasure, erasures=erasures, blobs=blobs)
        for erasure in await erasures.erasures_not_archived()
    ]


async def erase_conversation_archives(
    erasure: ConversationErasure, *, erasures: PendingErasures, blobs: BlobStore
) -> ArchivesErased:
    done: dict[ArchivePurged, list[str]] = {"untouched": [], "rewritten": [], "deleted": []}

    def dropped(line: dict[str, object]) -> bool:
        return line.get("conversation_id") == erasure.conversation_id and line_time(line) <= erasure.through

    for day in days_between(erasure.since, erasure.through):
        key = archive_key(erasure.bot, day)
        done[await drop_lines(blobs, key, dropped)].append(key)
    await erasures.mark_archives_erased(erasure.bot, erasure.conversation_id, erasure.through)
    log.info(
        "archives.erased",
        bot=erasure.bot,
        conversation_id=erasure.conversation_id,
        rewritten=len(done["rewritten"]),
        deleted=len(done["deleted"]),
    )
    return ArchivesErased(
        bot=erasure.bot,
        conversation_id=erasure.conversation_id,
        through=erasure.through,
        rewritten=done["rewritten"],
        deleted=done["deleted"],
    )


def days_between(since: datetime, through: datetime) -> list[date]:
    """The UTC days from `since`'s to `through`'s, both included."""
    first, last = since.astimezone(UTC).date(), through.astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
