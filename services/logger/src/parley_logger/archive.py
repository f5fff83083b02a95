"""Daily transcript archives in blob storage, and retention of the archived turns.

One archive per bot and day: `transcripts/{bot}/{yyyy}/{mm}/{dd}/turns.jsonl.gz`, gzip-compressed
JSON Lines, one turn per line, oldest first. Archiving a day again merges what is stored now with
the archive already there (turns that arrived late are added; turns that retention has deleted
since stay), so it is idempotent and never loses a line. Turns are marked `archived_at` only after
their archive is written; retention deletes only marked turns. Lines go only with their bot: a
deleted bot's are taken out by parley_logger.archive_purge.
"""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

import msgspec

from parley_runtime.blobs.ports import BlobStore
from parley_runtime.errors import NotFoundError

ARCHIVE_NAME = "turns.jsonl.gz"


class ArchivableTurns(Protocol):
    async def bots_between(self, start: datetime, end: datetime) -> list[str]: ...

    async def turns_between(self, bot: str, start: datetime, end: datetime) -> list[dict[str, Any]]: ...

    async def mark_archived(self, event_ids: list[str], at: datetime) -> None: ...

    async def unarchived_days(self, before: datetime) -> set[tuple[str, date]]: ...

    async def delete_archived(self, before: datetime) -> int: ...


class DayArchived(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    day: date
    key: str
    turns: int
    """Lines in the archive after this run."""
    added: int
    """Turns this run added to the archive."""


def archive_prefix(bot: str) -> str:
    """Where `bot`'s archives are, and nothing of another bot (`pizza/` is not a prefix of `pizzeria/`)."""
    return f"transcripts/{bot}/"


def archive_key(bot: str, day: date) -> str:
    return f"{archive_prefix(bot)}{day:%Y}/{day:%m}/{day:%d}/{ARCHIVE_NAME}"


def day_span(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def archive_day(day: date, *, turns: ArchivableTurns, blobs: BlobStore) -> list[DayArchived]:
    """Archive every bot's turns of `day` (UTC) and mark them archived."""
    start, end = day_span(day)
    return [
        await archive_bot_day(bot, day, turns=turns, blobs=blobs)
        for bot in await turns.bots_between(start, end)
    ]


async def archive_bot_day(bot: str, day: date, *, turns: ArchivableTurns, blobs: BlobStore) -> DayArchived:
    key = archive_key(bot, day)
    stored = [archive_line(doc) for doc in await turns.turns_between(bot, *day_span(day))]
    existing = await read_archive(blobs, key)
    merged = {line["event_id"]: line for line in existing} | {line["event_id"]: line for line in stored}
    added = len(merged) - len(existing)
    if added or not existing:
        await blobs.put(key, encode_archive(list(merged.values())))
    await turns.mark_archived([line["event_id"] for line in stored], datetime.now(UTC))
    return DayArchived(bot=bot, day=day, key=key, turns=len(merged), added=added)


async def apply_retention(
    now: datetime, days: int, *, turns: ArchivableTurns, blobs: BlobStore
) -> tuple[list[DayArchived], int]:
    """Archive any day older than `days` that is not archived yet, then delete archived turns that old."""
    cutoff = now - timedelta(days=days)
    archived = [
        await archive_bot_day(bot, day, turns=turns, blobs=blobs)
        for bot, day in sorted(await turns.unarchived_days(cutoff))
    ]
    return archived, await turns.delete_archived(cutoff)


def archive_line(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored turn as one archive line: `event_id` for `_id`, JSON types, no bookkeeping fields."""
    fields = {name: value for name, value in doc.items() if name not in ("_id", "archived_at")}
    return msgspec.to_builtins({"event_id": doc["_id"], **fields})


def encode_archive(lines: list[dict[str, Any]]) -> bytes:
    """Gzipped JSON Lines, oldest turn first; the same lines always give the same bytes."""
    ordered = sorted(lines, key=lambda line: (line_time(line), line["event_id"]))
    body = b"".join(msgspec.json.encode(line) + b"\n" for line in ordered)
    return gzip.compress(body, mtime=0)


def decode_archive(data: bytes) -> list[dict[str, Any]]:
    return [msgspec.json.decode(line) for line in gzip.decompress(data).splitlines() if line.strip()]


async def read_archive(blobs: BlobStore, key: str) -> list[dict[str, Any]]:
    """The archive's lines; none if there is no archive."""
    try:
        return decode_archive(await blobs.get(key))
    except NotFoundError:
        return []


def line_time(line: dict[str, Any]) -> datetime:
    """The time of an archive line's turn; a line without one counts as older than any."""
    value = line.get("at")
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return datetime.min.replace(tzinfo=UTC)
