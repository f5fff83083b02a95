"""A deleted bot's turns are taken out of its daily archives too, once per deletion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from parley_logger.archive import archive_day, archive_key, decode_archive
from parley_logger.archive_purge import purge_archives
from parley_logger.store import MongoTranscriptStore
from parley_messages import TurnCompleted
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.errors import TransientError
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

DAY = date(2026, 11, 27)
DELETED_AT = datetime(2026, 11, 27, 12, tzinfo=UTC)


class CrashingBlobStore(LocalBlobStore):
    """A blob store whose job is killed after `changes` writes or deletes."""

    def __init__(self, root: Path, *, changes: int) -> None:
        super().__init__(root)
        self._left = changes

    async def put(self, key: str, data: bytes) -> None:
        self._spend()
        await super().put(key, data)

    async def delete(self, key: str) -> None:
        self._spend()
        await super().delete(key)

    def _spend(self) -> None:
        if self._left == 0:
            raise TransientError("the job was killed")
        self._left -= 1


def _turn(at: datetime, bot: str = "pizzeria", text: str = "hi") -> TurnCompleted:
    return TurnCompleted(
        bot=bot, conversation_id="c1", channel="rest", user_text=text, replies=[], occurred_at=at
    )


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def _setup(tmp_path: Path) -> tuple[MongoTranscriptStore, LocalBlobStore]:
    store = MongoTranscriptStore(connect_mongo(InfraSettings()))
    await store.ensure_indexes()
    return store, LocalBlobStore(tmp_path)


async def _archived(store: MongoTranscriptStore, blobs: LocalBlobStore, *turns: TurnCompleted) -> None:
    for turn in turns:
        await store.append(turn)
    for day in sorted({turn.occurred_at.date() for turn in turns}):
        await archive_day(day, turns=store, blobs=blobs)


async def _texts(blobs: LocalBlobStore, bot: str, day: date) -> list[str]:
    return [line["user_text"] for line in decode_archive(await blobs.get(archive_key(bot, day)))]


async def test_a_deleted_bots_archives_up_to_its_deletion_are_deleted(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    days = [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
    await _archived(store, blobs, *(_turn(_at(day, 9)) for day in days))
    await store.purge("pizzeria", DELETED_AT)
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert (purged.bot, purged.through, purged.rewritten) == ("pizzeria", DELETED_AT, [])
    assert purged.deleted == [archive_key("pizzeria", day) for day in days]
    assert await blobs.list("transcripts/") == []


async def test_the_bot_created_again_keeps_its_later_turns_in_the_archive_of_the_deletion_day(
    tmp_path: Path,
) -> None:
    store, blobs = await _setup(tmp_path)
    await _archived(store, blobs, _turn(_at(DAY, 9), text="old bot"))
    await store.purge("pizzeria", DELETED_AT)
    await _archived(store, blobs, _turn(_at(DAY, 15), text="new bot"), _turn(_at(DAY, 13), text="new"))
    assert await _texts(blobs, "pizzeria", DAY) == ["old bot", "new", "new bot"]
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert (purged.rewritten, purged.deleted) == ([archive_key("pizzeria", DAY)], [])
    assert await _texts(blobs, "pizzeria", DAY) == ["new", "new bot"]


async def test_archives_of_days_after_the_deletion_are_not_read(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    later = DAY + timedelta(days=1)
    await blobs.put(archive_key("pizzeria", later), b"not an archive")
    await store.purge("pizzeria", DELETED_AT)
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert (purged.rewritten, purged.deleted) == ([], [])
    assert await blobs.get(archive_key("pizzeria", later)) == b"not an archive"


async def test_a_purge_is_carried_into_the_archives_once(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    await _archived(store, blobs, _turn(_at(DAY, 9)))
    await store.purge("pizzeria", DELETED_AT)
    await purge_archives(purges=store, blobs=blobs)
    assert await store.purges_not_archived() == []
    assert await purge_archives(purges=store, blobs=blobs) == []


async def test_a_run_cut_short_between_archives_is_done_again_by_the_next(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    days = [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
    await _archived(store, blobs, *(_turn(_at(day, 9)) for day in days))
    await store.purge("pizzeria", DELETED_AT)
    with pytest.raises(TransientError):
        await purge_archives(purges=store, blobs=CrashingBlobStore(tmp_path, changes=1))
    assert await blobs.list("transcripts/") == [archive_key("pizzeria", day) for day in days[1:]]
    assert [purge.bot for purge in await store.purges_not_archived()] == ["pizzeria"]
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert purged.deleted == [archive_key("pizzeria", day) for day in days[1:]]
    assert await store.purges_not_archived() == []


async def test_a_later_deletion_of_the_bot_created_again_is_carried_again(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    await _archived(store, blobs, _turn(_at(DAY, 9), text="first bot"))
    await store.purge("pizzeria", DELETED_AT)
    await purge_archives(purges=store, blobs=blobs)
    later = DAY + timedelta(days=3)
    await _archived(store, blobs, _turn(_at(DAY, 15), text="second bot"), _turn(_at(later, 9)))
    await store.purge("pizzeria", _at(later, 12))
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert purged.deleted == [archive_key("pizzeria", DAY), archive_key("pizzeria", later)]
    assert await purge_archives(purges=store, blobs=blobs) == []


async def test_bots_never_deleted_keep_their_archives(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    await _archived(store, blobs, _turn(_at(DAY, 9), bot="pizza"), _turn(_at(DAY, 9), bot="pizzeria"))
    kept = await blobs.get(archive_key("pizzeria", DAY))
    await store.purge("pizza", DELETED_AT)
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert (purged.bot, purged.deleted) == ("pizza", [archive_key("pizza", DAY)])
    assert await blobs.get(archive_key("pizzeria", DAY)) == kept


async def test_other_objects_under_a_deleted_bots_prefix_are_left_alone(tmp_path: Path) -> None:
    store, blobs = await _setup(tmp_path)
    await blobs.put("transcripts/pizzeria/notes.txt", b"kept")
    await store.purge("pizzeria", DELETED_AT)
    [purged] = await purge_archives(purges=store, blobs=blobs)
    assert (purged.rewritten, purged.deleted) == ([], [])
    assert await blobs.list("transcripts/") == ["transcripts/pizzeria/notes.txt"]
