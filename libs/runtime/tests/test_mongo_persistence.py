"""Embedded mode's Mongo emulation outlives its process: `connect_infra(..., snapshot_seconds=...)`
restores what the last one saved, saves every interval when something changed, and at close."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.mongo_persistence import SNAPSHOT_PATH
from parley_runtime.mongo_snapshot_file import SnapshotError, SnapshotFile


def _settings(data_dir: Path, **changes: str) -> InfraSettings:
    return InfraSettings(data_dir=str(data_dir), **changes)


async def _restarted(infra: Infra, *, seconds: float = 60) -> Infra:
    await infra.aclose()
    return await connect_infra(infra.settings, snapshot_seconds=seconds)


def _saved_ids(data_dir: Path, collection: str) -> list[object]:
    """The `_id`s the snapshot file holds for `collection`, read as a new process would."""
    import bson  # noqa: PLC0415

    images = SnapshotFile(data_dir / SNAPSHOT_PATH).read() or []
    return [
        bson.decode(raw)["_id"]
        for image in images
        if image.collection == collection
        for raw in image.documents
    ]


async def test_documents_written_before_a_stop_are_there_after_the_next_start(tmp_path: Path) -> None:
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    identity = ObjectId()
    at = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    document = {
        "_id": "pizzeria",
        "version": 3,
        "at": at,
        "raw": b"\x00\xff",
        "ref": identity,
        "n": {"l": [1, 2.5, None]},
    }
    await infra.db["bots"].insert_one(document)
    await infra.db["turns"].insert_many([{"_id": str(i), "bot": "pizzeria"} for i in range(50)])
    infra = await _restarted(infra)
    try:
        stored = await infra.db["bots"].find_one({"_id": "pizzeria"})
        assert stored == {**document, "at": datetime(2026, 3, 1, 10, 30, 15, 123000, tzinfo=UTC)}
        assert stored is not None and stored["at"].utcoffset() == timedelta(0)
        assert type(stored["raw"]) is bytes and type(stored["ref"]) is ObjectId
        assert await infra.db["turns"].count_documents({"bot": "pizzeria"}) == 50
    finally:
        await infra.aclose()


async def test_updates_deletes_upserts_and_drops_are_saved(tmp_path: Path) -> None:
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    db = infra.db
    await db["conversations"].create_index([("bot", 1), ("channel", 1)])
    await db["conversations"].insert_many(
        [{"_id": f"c{i}", "bot": "b", "channel": "ws", "n": 0} for i in range(4)]
    )
    await db["conversations"].update_one({"_id": "c0"}, {"$inc": {"n": 5}})  # applied in place
    await db["conversations"].update_one(
        {"_id": "c1", "n": {"$ne": 9}}, {"$push": {"ids": "t"}, "$max": {"n": 2}}
    )
    await db["conversations"].update_many({"bot": "b"}, {"$set": {"seen": True}})  # through an index
    await db["conversations"].update_many({"n": {"$gte": 0}}, {"$set": {"checked": 1}})  # no index narrows it
    await db["conversations"].update_one(
        {"_id": "c2"}, {"$set": {"channel": "rest"}}
    )  # moves an indexed value
    await db["conversations"].delete_one({"_id": "c3"})
    await db["conversations"].update_one({"_id": "c9"}, {"$setOnInsert": {"bot": "b"}}, upsert=True)
    await db["jobs"].find_one_and_update({"_id": "j"}, {"$set": {"status": "queued"}}, upsert=True)
    await db["jobs"].find_one_and_update({"_id": "j"}, {"$set": {"status": "running"}})
    await db["scratch"].insert_one({"_id": "x"})
    await db.drop_collection("scratch")
    infra = await _restarted(infra)
    try:
        db = infra.db
        found = {doc["_id"]: doc async for doc in db["conversations"].find({})}
        assert sorted(found) == ["c0", "c1", "c2", "c9"]
        assert found["c0"]["n"] == 5 and found["c1"] == {
            "_id": "c1",
            "bot": "b",
            "channel": "ws",
            "n": 2,
            "ids": ["t"],
            "seen": True,
            "checked": 1,
        }
        assert found["c2"]["channel"] == "rest"
        assert await db["jobs"].find_one({"_id": "j"}) == {"_id": "j", "status": "running"}
        assert await db["scratch"].count_documents({}) == 0
    finally:
        await infra.aclose()


async def test_indexes_created_after_a_restore_find_and_guard_the_restored_documents(tmp_path: Path) -> None:
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    await infra.db["api_keys"].create_index([("hash", 1)], unique=True)
    await infra.db["api_keys"].insert_one({"_id": "k1", "hash": "h1"})
    infra = await _restarted(infra)
    try:
        keys = infra.db["api_keys"]
        await keys.create_index([("hash", 1)], unique=True)  # as every store does at start
        assert await keys.find_one({"hash": "h1"}) == {"_id": "k1", "hash": "h1"}
        with pytest.raises(DuplicateKeyError):
            await keys.insert_one({"_id": "k2", "hash": "h1"})
    finally:
        await infra.aclose()


async def test_changes_are_saved_every_interval_without_a_stop(tmp_path: Path) -> None:
    """What a crash (no clean stop) keeps: everything up to the last interval's save."""
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=0.05)
    try:
        await infra.db["bots"].insert_one({"_id": "a"})
        deadline = time.monotonic() + 10
        while _saved_ids_or_none(tmp_path, "bots") != ["a"]:
            assert time.monotonic() < deadline, "no periodic save"
            await asyncio.sleep(0.02)
        await infra.db["bots"].insert_one({"_id": "b"})
        while _saved_ids_or_none(tmp_path, "bots") != ["a", "b"]:
            assert time.monotonic() < deadline, "no second periodic save"
            await asyncio.sleep(0.02)
    finally:
        await infra.aclose()


def _saved_ids_or_none(data_dir: Path, collection: str) -> list[object] | None:
    return _saved_ids(data_dir, collection) if (data_dir / SNAPSHOT_PATH).exists() else None


async def test_nothing_is_written_while_nothing_changes(tmp_path: Path) -> None:
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    await infra.db["bots"].insert_one({"_id": "a"})
    infra = await _restarted(infra, seconds=0.01)
    path = tmp_path / SNAPSHOT_PATH
    written = path.stat().st_mtime_ns
    try:
        await infra.db["bots"].find_one({"_id": "a"})
        await asyncio.sleep(0.1)
    finally:
        await infra.aclose()
    assert path.stat().st_mtime_ns == written


async def test_a_damaged_snapshot_stops_the_start_and_is_left_as_it_was(tmp_path: Path) -> None:
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    await infra.db["bots"].insert_one({"_id": "a"})
    await infra.aclose()
    path = tmp_path / SNAPSHOT_PATH
    damaged = path.read_bytes()[:-7]
    path.write_bytes(damaged)
    with pytest.raises(SnapshotError, match=f"{path}.*mv {path} {path}.broken"):
        await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    assert path.read_bytes() == damaged
    path.rename(path.with_name("snapshot.bson.broken"))  # as the error says: then it starts empty
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    try:
        assert await infra.db["bots"].count_documents({}) == 0
    finally:
        await infra.aclose()


async def test_a_second_process_on_the_same_data_directory_is_refused(tmp_path: Path) -> None:
    infra = await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    try:
        with pytest.raises(SnapshotError, match="in use by another process"):
            await connect_infra(_settings(tmp_path), snapshot_seconds=60)
    finally:
        await infra.aclose()


async def test_without_snapshot_seconds_or_with_mongodb_url_nothing_is_kept(tmp_path: Path) -> None:
    volatile = await connect_infra(_settings(tmp_path))
    await volatile.db["bots"].insert_one({"_id": "a"})
    await volatile.aclose()
    remote = await connect_infra(
        _settings(tmp_path, mongodb_url="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=1"),
        snapshot_seconds=1,
    )
    await remote.aclose()  # the client connects lazily: nothing was sent
    assert not (tmp_path / "mongo").exists()
