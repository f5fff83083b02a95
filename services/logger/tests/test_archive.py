"""Daily transcript archives (gzipped JSON Lines in blob storage) and retention of archived turns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from parley_logger.archive import apply_retention, archive_day, archive_key, decode_archive
from parley_logger.store import MongoTranscriptStore
from parley_messages import TurnCompleted
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

DAY = date(2026, 11, 27)


def _turn(at: datetime, bot: str = "pizzeria", text: str = "hi") -> TurnCompleted:
    return TurnCompleted(
        bot=bot, conversation_id="c1", channel="rest", user_text=text, replies=["hello"], occurred_at=at
    )


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def _setup(tmp_path: Path) -> tuple[MongoTranscriptStore, LocalBlobStore, Any]:
    db = connect_mongo(InfraSettings())
    store = MongoTranscriptStore(db)
    await store.ensure_indexes()
    return store, LocalBlobStore(tmp_path), db


async def _lines(blobs: LocalBlobStore, bot: str, day: date) -> list[dict[str, Any]]:
    return decode_archive(await blobs.get(archive_key(bot, day)))


async def test_a_days_turns_are_archived_per_bot_as_gzipped_json_lines(tmp_path: Path) -> None:
    store, blobs, _ = await _setup(tmp_path)
    late, early = _turn(_at(DAY, 15), text="later"), _turn(_at(DAY, 9), text="first")
    for turn in (late, early, _turn(_at(DAY, 10), bot="florist"), _turn(_at(DAY + timedelta(days=1), 1))):
        await store.append(turn)
    reports = await archive_day(DAY, turns=store, blobs=blobs)
    assert [(r.bot, r.key, r.turns) for r in reports] == [
        ("florist", "transcripts/florist/2026/11/27/turns.jsonl.gz", 1),
        ("pizzeria", "transcripts/pizzeria/2026/11/27/turns.jsonl.gz", 2),
    ]
    lines = await _lines(blobs, "pizzeria", DAY)
    assert [(line["event_id"], line["user_text"]) for line in lines] == [
        (early.message_id, "first"),
        (late.message_id, "later"),
    ]
    assert lines[0]["at"] == "2026-11-27T09:00:00Z"


async def test_archiving_a_day_again_changes_nothing(tmp_path: Path) -> None:
    store, blobs, _ = await _setup(tmp_path)
    await store.append(_turn(_at(DAY, 9)))
    await archive_day(DAY, turns=store, blobs=blobs)
    first = await blobs.get(archive_key("pizzeria", DAY))
    [report] = await archive_day(DAY, turns=store, blobs=blobs)
    assert (report.added, await blobs.get(archive_key("pizzeria", DAY))) == (0, first)


async def test_a_turn_that_arrives_after_its_day_was_archived_joins_the_archive_next_time(
    tmp_path: Path,
) -> None:
    store, blobs, _ = await _setup(tmp_path)
    await store.append(_turn(_at(DAY, 9)))
    await archive_day(DAY, turns=store, blobs=blobs)
    await store.append(_turn(_at(DAY, 23), text="late"))
    [report] = await archive_day(DAY, turns=store, blobs=blobs)
    assert (report.added, report.turns) == (1, 2)
    assert [line["user_text"] for line in await _lines(blobs, "pizzeria", DAY)] == ["hi", "late"]


async def test_retention_deletes_old_turns_only_once_an_archive_holds_them(tmp_path: Path) -> None:
    store, blobs, db = await _setup(tmp_path)
    now = _at(DAY, 12)
    old, recent = _turn(now - timedelta(days=40)), _turn(now - timedelta(days=2))
    for turn in (old, recent):
        await store.append(turn)
    archived, deleted = await apply_retention(now, 30, turns=store, blobs=blobs)
    assert ([a.day for a in archived], deleted) == ([old.occurred_at.date()], 1)
    assert [doc["_id"] async for doc in db["turns"].find({})] == [recent.message_id]
    assert [line["event_id"] for line in await _lines(blobs, "pizzeria", old.occurred_at.date())] == [
        old.message_id
    ]


async def test_an_archive_keeps_the_turns_retention_deleted_when_its_day_is_archived_again(
    tmp_path: Path,
) -> None:
    store, blobs, _ = await _setup(tmp_path)
    now = _at(DAY, 12)
    day = (now - timedelta(days=40)).date()
    await store.append(_turn(_at(day, 8), text="kept"))
    await apply_retention(now, 30, turns=store, blobs=blobs)
    await store.append(_turn(_at(day, 9), text="straggler"))
    await archive_day(day, turns=store, blobs=blobs)
    assert [line["user_text"] for line in await _lines(blobs, "pizzeria", day)] == ["kept", "straggler"]
