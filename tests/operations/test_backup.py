"""`parley backup` / `parley restore`: a backup restored into an empty database is the same data."""

from __future__ import annotations

import gzip
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aioboto3
import msgspec
import pytest

from parley.backup import COLLECTIONS, backup, backups, restore
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.blobs.s3 import S3BlobStore
from parley_runtime.errors import ConflictError
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo
from tests import localstack

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, 3, tzinfo=UTC)


def _db() -> Any:
    return connect_mongo(InfraSettings(mongodb_database=f"backup_{uuid.uuid4().hex[:8]}"))


async def _populate(db: Any) -> None:
    await db["bots"].insert_one(
        {"_id": "pizzeria", "version": 3, "definition": {"intents": [{"name": "greet"}]}}
    )
    await db["models"].insert_one(
        {
            "_id": "pizzeria:v2",
            "bot": "pizzeria",
            "metrics": {"f1": 0.9375},
            "created_at": NOW,
            "status": "live",
        }
    )
    for index in range(25):
        at = NOW + timedelta(minutes=index)
        await db["turns"].insert_one(
            {
                "_id": uuid.uuid4().hex,
                "bot": "pizzeria",
                "conversation_id": f"c{index % 4}",
                "at": at,
                "confidence": None if index % 3 else index / 8,
                "latency_ms": 12.0,
                "entities": [{"value": 1}],
            }
        )
    await db["conversations"].insert_one({"_id": "pizzeria:c0", "turn_count": 7, "first_turn_at": NOW})
    # One document in each of the other collections, shaped as their stores write them.
    await db["api_keys"].insert_one(
        {"_id": "k1", "digest": "ab" * 32, "scopes": ["chat"], "bots": ["pizzeria"]}
    )
    await db["training_jobs"].insert_one({"_id": "job-2", "bot": "pizzeria", "status": "succeeded"})
    await db["model_retirements"].insert_one({"_id": "florist", "retired_order": 1, "retired_at": NOW})
    await db["bot_purges"].insert_one({"_id": "florist", "through": NOW})
    await db["conversation_erasures"].insert_one(
        {"_id": "pizzeria:c9", "bot": "pizzeria", "conversation_id": "c9", "since": NOW, "through": NOW}
    )
    await db["analytics_daily"].insert_one(
        {"_id": "pizzeria:2026-11-27:03", "bot": "pizzeria", "by_intent": {"order%2Epizza": 2}}
    )
    await db["analytics_conversations"].insert_one({"_id": "pizzeria:c0", "first_event_id": "e1"})
    await db["analytics_users"].insert_one({"_id": "pizzeria:2026-11-27:user:ann", "first_event_id": "e1"})
    await db["analytics_purges"].insert_one({"_id": "florist", "through": NOW})


async def _dump(db: Any) -> dict[str, list[dict[str, Any]]]:
    return {name: [doc async for doc in db[name].find({}).sort("_id", 1)] for name in COLLECTIONS}


@pytest.fixture
def local_blobs(tmp_path: Path) -> BlobStore:
    return LocalBlobStore(tmp_path / "blobs")


async def test_a_backup_restored_into_an_empty_database_holds_the_same_documents(
    local_blobs: BlobStore,
) -> None:
    source, target = _db(), _db()
    await _populate(source)
    manifest = await backup(source, local_blobs, now=NOW)
    assert manifest.collections == {name: 25 if name == "turns" else 1 for name in COLLECTIONS}
    await restore(target, local_blobs, manifest.backup_id)
    assert await _dump(target) == await _dump(source)


def test_every_collection_the_services_keep_is_backed_up() -> None:
    """A store's `db["name"]` anywhere in the services, the libraries or the CLI."""
    sources = [
        *ROOT.glob("services/*/src/**/*.py"),
        *ROOT.glob("libs/*/src/**/*.py"),
        *ROOT.glob("src/**/*.py"),
    ]
    kept = {name for path in sources for name in re.findall(r'\bdb\["([a-z_]+)"\]', path.read_text())}
    assert "api_keys" in kept and "analytics_daily" in kept  # the search finds them
    assert kept - set(COLLECTIONS) == set()


async def _model(db: Any, blobs: BlobStore, bot: str, version: str, *, status: str = "published") -> str:
    key = f"models/{bot}/{version}/model.npz"
    await db["models"].insert_one(
        {"_id": f"{bot}:{version}", "bot": bot, "artifact_key": key, "status": status}
    )
    await blobs.put(key, f"weights of {bot} {version}".encode())
    return key


async def test_a_backup_carries_the_models_a_bot_may_be_served_by_into_another_bucket(tmp_path: Path) -> None:
    source, target = _db(), _db()
    old, new = LocalBlobStore(tmp_path / "old"), LocalBlobStore(tmp_path / "new")
    served = await _model(source, old, "pizzeria", "v2")
    earlier = await _model(source, old, "pizzeria", "v1")
    deleted_bots = await _model(source, old, "florist", "v1", status="retired")
    manifest = await backup(source, old, now=NOW)
    assert (manifest.blobs, manifest.missing_blobs, manifest.format) == (2, [], 2)
    for key in await old.list("backups/"):  # as `aws s3 sync` of the backup's prefix would
        await new.put(key, await old.get(key))

    await restore(target, new, manifest.backup_id)

    assert await new.list("models/") == sorted([earlier, served])
    assert await new.get(served) == await old.get(served)
    assert deleted_bots not in await new.list("models/")
    assert await target["models"].count_documents({}) == 3


async def test_a_model_whose_artifact_is_gone_is_named_in_the_manifest(local_blobs: BlobStore) -> None:
    source = _db()
    await _model(source, local_blobs, "pizzeria", "v1")
    lost = await _model(source, local_blobs, "pizzeria", "v2")
    await local_blobs.delete(lost)
    manifest = await backup(source, local_blobs, now=NOW)
    assert (manifest.blobs, manifest.missing_blobs) == (1, [lost])


async def test_restoring_keeps_the_artifacts_already_there(local_blobs: BlobStore) -> None:
    source = _db()
    key = await _model(source, local_blobs, "pizzeria", "v1")
    manifest = await backup(source, local_blobs, now=NOW)
    await local_blobs.put(key, b"the bucket's own copy")
    await restore(_db(), local_blobs, manifest.backup_id)
    assert await local_blobs.get(key) == b"the bucket's own copy"


async def test_a_backup_missing_a_model_artifact_is_refused_before_anything_is_written(
    local_blobs: BlobStore,
) -> None:
    source, target = _db(), _db()
    key = await _model(source, local_blobs, "pizzeria", "v1")
    manifest = await backup(source, local_blobs, now=NOW)
    await local_blobs.delete(f"backups/{manifest.backup_id}/blobs/{key}")
    with pytest.raises(ConflictError, match="0 model artifacts"):
        await restore(target, local_blobs, manifest.backup_id)
    assert await target["models"].count_documents({}) == 0


async def test_a_backup_of_a_newer_format_is_refused(local_blobs: BlobStore) -> None:
    manifest = await backup(_db(), local_blobs, now=NOW)
    newer = msgspec.structs.replace(manifest, format=99)
    await local_blobs.put(f"backups/{manifest.backup_id}/manifest.json", msgspec.json.encode(newer))
    with pytest.raises(ConflictError, match="newer Parley"):
        await restore(_db(), local_blobs)


async def test_a_backup_of_the_first_format_restores_its_collections(local_blobs: BlobStore) -> None:
    """Written before backups held model artifacts: no `blobs`, no `format` 2."""
    await local_blobs.put("backups/20250101T000000000000Z/bots.jsonl.gz", gzip.compress(b'{"_id": "shop"}\n'))
    first = {
        "backup_id": "20250101T000000000000Z",
        "created_at": "2025-01-01T00:00:00Z",
        "collections": {"bots": 1},
    }
    await local_blobs.put("backups/20250101T000000000000Z/manifest.json", msgspec.json.encode(first))
    target = _db()
    await restore(target, local_blobs)
    assert await target["bots"].find_one({}) == {"_id": "shop"}


async def test_a_backup_is_written_under_its_timestamp_as_gzipped_json_lines(local_blobs: BlobStore) -> None:
    manifest = await backup(_db(), local_blobs, now=NOW)
    assert manifest.backup_id == "20261127T030000000000Z"
    assert await local_blobs.list("backups/") == [
        f"backups/{manifest.backup_id}/{name}"
        for name in sorted([*(f"{c}.jsonl.gz" for c in COLLECTIONS), "manifest.json"])
    ]


async def test_restoring_over_existing_data_is_refused_unless_forced(local_blobs: BlobStore) -> None:
    source = _db()
    await _populate(source)
    await backup(source, local_blobs, now=NOW)
    with pytest.raises(ConflictError, match="not empty"):
        await restore(source, local_blobs)
    await restore(source, local_blobs, force=True)
    assert await source["turns"].count_documents({}) == 25


async def test_latest_is_the_newest_backup_that_has_a_manifest(local_blobs: BlobStore) -> None:
    older = await backup(_db(), local_blobs, now=NOW)
    await local_blobs.put("backups/29991231T000000000000Z/bots.jsonl.gz", b"half-written")
    assert await backups(local_blobs) == [older.backup_id]
    assert (await restore(_db(), local_blobs)).backup_id == older.backup_id


@pytest.fixture
async def s3_blobs() -> AsyncIterator[BlobStore]:
    localstack.require()
    session = aioboto3.Session(region_name="us-east-1", **localstack.credentials())
    with localstack.fresh_bucket("parley-backup") as bucket:
        async with S3BlobStore(bucket, endpoint_url=localstack.ENDPOINT, session=session) as store:
            yield store


@pytest.mark.integration
async def test_a_backup_in_s3_restores_into_an_empty_database(s3_blobs: BlobStore) -> None:
    source, target = _db(), _db()
    await _populate(source)
    manifest = await backup(source, s3_blobs, now=NOW)
    await restore(target, s3_blobs, manifest.backup_id)
    assert await _dump(target) == await _dump(source)
