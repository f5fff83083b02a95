"""A conversation erased at an admin's request is taken out of the archives written before, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from parley_logger.archive import archive_key, decode_archive, encode_archive
from parley_logger.archive_erasure import days_between, erase_archives
from parley_logger.store import MongoTranscriptStore
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

SINCE = datetime(2026, 11, 25, 23, tzinfo=UTC)
ERASED_AT = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _line(event_id: str, conversation: str, at: datetime) -> dict[str, Any]:
    return {"event_id": event_id, "conversation_id": conversation, "at": at.isoformat()}


async def _setup(tmp_path: Path) -> tuple[MongoTranscriptStore, Any, LocalBlobStore]:
    db = connect_mongo(InfraSettings())
    store = MongoTranscriptStore(db)
    blobs = LocalBlobStore(tmp_path)
    record = {"_id": "shop:c1", "bot": "shop", "conversation_id": "c1", "since": SINCE, "through": ERASED_AT}
    await db["conversation_erasures"].insert_one(record)
    return store, db, blobs


async def _lines(blobs: LocalBlobStore, day: date) -> list[str]:
    return [line["event_id"] for line in decode_archive(await blobs.get(archive_key("shop", day)))]


async def test_the_conversations_lines_go_and_the_other_conversations_stay(tmp_path: Path) -> None:
    store, _, blobs = await _setup(tmp_path)
    mixed, alone = date(2026, 11, 25), date(2026, 11, 26)
    await blobs.put(
        archive_key("shop", mixed), encode_archive([_line("t1", "c1", SINCE), _line("t2", "c2", SINCE)])
    )
    await blobs.put(
        archive_key("shop", alone), encode_archive([_line("t3", "c1", SINCE + timedelta(hours=2))])
    )
    [erased] = await erase_archives(erasures=store, blobs=blobs)
    assert await _lines(blobs, mixed) == ["t2"]
    assert await blobs.list("transcripts/shop/2026/11/26/") == []
    assert (erased.rewritten, erased.deleted) == ([archive_key("shop", mixed)], [archive_key("shop", alone)])


async def test_an_erasure_is_carried_once(tmp_path: Path) -> None:
    store, db, blobs = await _setup(tmp_path)
    await erase_archives(erasures=store, blobs=blobs)
    assert await erase_archives(erasures=store, blobs=blobs) == []
    record = await db["conversation_erasures"].find_one({"_id": "shop:c1"})
    assert record is not None
    assert record["archives_erased_through"] == ERASED_AT


async def test_the_conversations_later_lines_stay(tmp_path: Path) -> None:
    store, _, blobs = await _setup(tmp_path)
    day = ERASED_AT.date()
    later = ERASED_AT + timedelta(minutes=1)
    await blobs.put(
        archive_key("shop", day), encode_archive([_line("t1", "c1", SINCE), _line("t4", "c1", later)])
    )
    await erase_archives(erasures=store, blobs=blobs)
    assert await _lines(blobs, day) == ["t4"]


def test_the_days_an_erasure_looks_at_are_those_of_the_conversation() -> None:
    assert days_between(SINCE, ERASED_AT) == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
