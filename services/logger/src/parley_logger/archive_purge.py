"""A deleted bot's transcripts taken out of the daily archives too.

The logger purges a deleted bot from MongoDB and records the deletion in `bot_purges`, but has no
access to blob storage. `parley transcripts archive`, which has, carries each purge into the
bot's archives after archiving: every day archive up to the deletion loses its lines of that time
or earlier, and is deleted when none are left (a bot created again under the name that day keeps
its own lines). A purge is marked carried (`archives_purged_through`) only once all its archives
are done, so a run cut short is done again by the next, a purge is not carried twice, and a later
deletion of the name is carried in its turn.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol

import msgspec
import structlog

from parley_logger.archive import archive_key, archive_prefix, encode_archive, line_time, read_archive
from parley_runtime.blobs.ports import BlobStore

log = structlog.get_logger(__name__)

ArchivePurged = Literal["untouched", "rewritten", "deleted"]
"""What purging one archive did: it held nothing that old, it kept later lines, or it held nothing else."""


class BotPurge(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    through: datetime
    """The time of the bot's latest deletion; its turns of that time or earlier are purged."""


class PendingPurges(Protocol):
    async def purges_not_archived(self) -> list[BotPurge]:
        """Deletions not carried into the archives yet, by bot."""
        ...

    async def mark_archives_purged(self, bot: str, through: datetime) -> None:
        """Record that `bot`'s archives hold nothing of `through` or earlier."""
        ...


class ArchivesPurged(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    through: datetime
    rewritten: list[str]
    """Archives that kept the lines of a bot created again under the name."""
    deleted: list[str]


async def purge_archives(*, purges: PendingPurges, blobs: BlobStore) -> list[ArchivesPurged]:
    """Carry every deletion not carried yet into the deleted bot's archives."""
    return [
        await purge_bot_archives(purge, purges=purges, blobs=blobs)
        for purge in await purges.purges_not_archived()
    ]


async def purge_bot_archives(purge: BotPurge, *, purges: PendingPurges, blobs: BlobStore) -> ArchivesPurged:
    done: dict[ArchivePurged, list[str]] = {"untouched": [], "rewritten": [], "deleted": []}
    last_day = purge.through.astimezone(UTC).date()
    for key in await blobs.list(archive_prefix(purge.bot)):
        day = archive_day_of(purge.bot, key)
        if day is not None and day <= last_day:
            done[await purge_archive(blobs, key, purge.through)].append(key)
    await purges.mark_archives_purged(purge.bot, purge.through)
    log.info(
        "archives.purged",
        bot=purge.bot,
        through=purge.through.isoformat(),
        rewritten=len(done["rewritten"]),
        deleted=len(done["deleted"]),
    )
    return ArchivesPurged(
        bot=purge.bot, through=purge.through, rewritten=done["rewritten"], deleted=done["deleted"]
    )


async def purge_archive(blobs: BlobStore, key: str, through: datetime) -> ArchivePurged:
    """Drop the lines of `through` or earlier from one archive: rewrite it with the others, or
    delete it when there are none."""
    return await drop_lines(blobs, key, lambda line: line_time(line) <= through)


async def drop_lines(blobs: BlobStore, key: str, dropped: Callable[[dict[str, Any]], bool]) -> ArchivePurged:
    """Drop the `dropped` lines from one archive: rewrite it with the others, or delete it when
    there are none (also for a conversation erased: parley_logger.archive_erasure)."""
    lines = await read_archive(blobs, key)
    kept = [line for line in lines if not dropped(line)]
    if len(kept) == len(lines):
        return "untouched"
    if kept:
        await blobs.put(key, encode_archive(kept))
        return "rewritten"
    await blobs.delete(key)
    return "deleted"


def archive_day_of(bot: str, key: str) -> date | None:
    """The day of `bot`'s archive `key`; None for any other object under its prefix, which is left alone."""
    folders = key.removeprefix(archive_prefix(bot))[:10]
    try:
        day = date.fromisoformat(folders.replace("/", "-"))
    except ValueError:
        return None
    return day if archive_key(bot, day) == key else None
