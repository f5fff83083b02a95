"""`parley transcripts archive`: a day's transcripts to blob storage, then retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec

from parley_logger.archive import DayArchived, apply_retention, archive_day
from parley_logger.settings import LoggerSettings
from parley_logger.store import MongoTranscriptStore
from parley_runtime.infra import Infra


class ArchiveReport(msgspec.Struct, frozen=True, kw_only=True):
    archived: list[DayArchived]
    deleted_turns: int = 0


def yesterday(now: datetime) -> date:
    return (now.astimezone(UTC) - timedelta(days=1)).date()


async def archive_and_prune(
    infra: Infra, settings: LoggerSettings, *, day: date, now: datetime
) -> ArchiveReport:
    """Archive `day`; with `LOGGER_RETENTION_DAYS`, also archive and delete turns older than that."""
    store = MongoTranscriptStore(infra.db)
    await store.ensure_indexes()
    archived = await archive_day(day, turns=store, blobs=infra.blobs)
    if settings.retention_days is None:
        return ArchiveReport(archived=archived)
    late, deleted = await apply_retention(now, settings.retention_days, turns=store, blobs=infra.blobs)
    return ArchiveReport(archived=archived + late, deleted_turns=deleted)
