"""`parley transcripts archive`: a day's transcripts to blob storage, then retention, then the
deleted bots' purges and the erased conversations carried into the archives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec

from parley_logger.archive import DayArchived, apply_retention, archive_day
from parley_logger.archive_erasure import ArchivesErased, erase_archives
from parley_logger.archive_purge import ArchivesPurged, purge_archives
from parley_logger.settings import LoggerSettings
from parley_logger.store import MongoTranscriptStore
from parley_runtime.infra import Infra


class ArchiveReport(msgspec.Struct, frozen=True, kw_only=True):
    archived: list[DayArchived]
    deleted_turns: int = 0
    purged: list[ArchivesPurged] = []
    """Deleted bots whose archives this run purged."""
    erased: list[ArchivesErased] = []
    """Conversations erased (`DELETE .../conversations/{id}`) that this run took out of the archives."""


def yesterday(now: datetime) -> date:
    return (now.astimezone(UTC) - timedelta(days=1)).date()


async def archive_and_prune(
    infra: Infra, settings: LoggerSettings, *, day: date, now: datetime
) -> ArchiveReport:
    """Archive `day`; with `LOGGER_RETENTION_DAYS`, also archive and delete turns older than that.
    Last, carry the bot deletions and conversation erasures not carried yet into the archives:
    after archiving, so that what this run archived of them goes too."""
    store = MongoTranscriptStore(infra.db)
    await store.ensure_indexes()
    archived = await archive_day(day, turns=store, blobs=infra.blobs)
    deleted = 0
    if settings.retention_days is not None:
        late, deleted = await apply_retention(now, settings.retention_days, turns=store, blobs=infra.blobs)
        archived += late
    purged = await purge_archives(purges=store, blobs=infra.blobs)
    erased = await erase_archives(erasures=store, blobs=infra.blobs)
    return ArchiveReport(archived=archived, deleted_turns=deleted, purged=purged, erased=erased)
