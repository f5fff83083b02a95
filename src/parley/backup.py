"""`parley backup` / `parley restore`: Parley's documents and models to blob storage and back.

A backup is `backups/{id}/{collection}.jsonl.gz` per collection (MongoDB extended JSON, one document
a line, so dates and ids come back with their types), a copy of every model artifact the registry
can still serve under `backups/{id}/blobs/{key}`, and `backups/{id}/manifest.json`, written last:
a backup without a manifest is incomplete and is never restored. The id is the UTC start time. So
one prefix holds all a fresh environment needs; a restore puts back the artifacts its bucket lacks
(a key names one model version, so one that is there is the same model) before the documents.

Collections are read one after another without a transaction, so a backup taken while workers run
may hold a turn whose conversation summary is one turn behind; the logger's recount repairs that
the next time the conversation is written, and restoring never invents data.
"""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from typing import Any

import msgspec
from bson import json_util
from bson.json_util import JSONOptions
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from parley_runtime.blobs.ports import BlobStore
from parley_runtime.errors import ConflictError, NotFoundError
from parley_runtime.mongo import translate_errors

COLLECTIONS = (
    "bots",
    "api_keys",
    "models",
    "model_retirements",
    "training_jobs",
    "conversations",
    "turns",
    "bot_purges",
    "conversation_erasures",
    "analytics_daily",
    "analytics_conversations",
    "analytics_users",
    "analytics_purges",
)
"""Every collection Parley keeps: bot definitions (dialogue); API keys, as their digests (gateway);
the model registry, deleted bots' retirements and training jobs (NLU); transcripts, deleted
bots' purges and erased conversations (logger; the gateway records the erasures); daily
aggregates, their first-sighting markers and purges (analytics)."""
PREFIX = "backups/"
BLOBS = "blobs/"
"""Where in a backup the model artifacts are, under their own keys."""
FORMAT = 2
"""1: the collections only; 2: and the model artifacts (`blobs`)."""
RESTORE_BATCH = 500
_WRITE_OPTIONS = json_util.RELAXED_JSON_OPTIONS
_READ_OPTIONS = JSONOptions(json_mode=json_util.JSONMode.RELAXED, tz_aware=True, tzinfo=UTC)

Document = dict[str, Any]


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    backup_id: str
    created_at: datetime
    collections: dict[str, int]
    """Collection name -> documents written."""
    blobs: int = 0
    """Model artifacts copied."""
    missing_blobs: list[str] = []
    """Artifacts the registry names that blob storage did not have (their models cannot be served)."""
    format: int = 1


def backup_key(backup_id: str, name: str) -> str:
    return f"{PREFIX}{backup_id}/{name}"


async def backup(
    db: AsyncDatabase[Document],
    blobs: BlobStore,
    *,
    now: datetime,
    collections: tuple[str, ...] = COLLECTIONS,
) -> Manifest:
    """Write every collection in `collections` under a new backup id, the artifacts of the models
    it registers that are not retired, then its manifest."""
    backup_id = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    counts: dict[str, int] = {}
    artifacts: list[str] = []
    for name in collections:
        data, counts[name] = await export_collection(db[name])
        await blobs.put(backup_key(backup_id, f"{name}.jsonl.gz"), data)
        if name == "models":
            artifacts = servable_artifacts(decode_documents(data))
    missing = await _copy_artifacts(blobs, backup_id, artifacts)
    manifest = Manifest(
        backup_id=backup_id,
        created_at=now,
        collections=counts,
        blobs=len(artifacts) - len(missing),
        missing_blobs=missing,
        format=FORMAT,
    )
    await blobs.put(backup_key(backup_id, "manifest.json"), msgspec.json.encode(manifest))
    return manifest


def servable_artifacts(models: list[Document]) -> list[str]:
    """The artifact keys of the registered models a bot may still be served by: all but a deleted
    bot's (`retired`), since any other can be published again."""
    keys = {
        doc["artifact_key"] for doc in models if doc.get("status") != "retired" and doc.get("artifact_key")
    }
    return sorted(keys)


async def _copy_artifacts(blobs: BlobStore, backup_id: str, keys: list[str]) -> list[str]:
    """Copy each artifact into the backup, one at a time; the keys blob storage did not have."""
    missing: list[str] = []
    for key in keys:
        try:
            data = await blobs.get(key)
        except NotFoundError:
            missing.append(key)
            continue
        await blobs.put(backup_key(backup_id, BLOBS + key), data)
    return missing


async def export_collection(collection: AsyncCollection[Document]) -> tuple[bytes, int]:
    """The collection as gzipped extended-JSON lines (in `_id` order), and how many documents."""
    buffer = io.BytesIO()
    count = 0
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        async with translate_errors():
            async for doc in collection.find({}).sort("_id", 1):
                out.write(json_util.dumps(doc, json_options=_WRITE_OPTIONS).encode() + b"\n")
                count += 1
    return buffer.getvalue(), count


async def backups(blobs: BlobStore) -> list[str]:
    """Ids of the complete backups (those with a manifest), oldest first."""
    keys = await blobs.list(PREFIX)
    return sorted(key.split("/")[1] for key in keys if key.endswith("/manifest.json"))


async def restore(
    db: AsyncDatabase[Document], blobs: BlobStore, backup_id: str = "latest", *, force: bool = False
) -> Manifest:
    """Restore backup `backup_id` (or the newest) into `db`, which must be empty unless `force`, and
    its model artifacts into `blobs` where they are not there yet.

    With `force` documents are upserted by `_id` over what is there (slower: one write each), so a
    restore that stopped half-way can simply be run again.
    """
    manifest = await read_manifest(blobs, backup_id)
    if not force:
        await _require_empty(db, manifest)
    await _restore_artifacts(blobs, manifest)
    for name, expected in manifest.collections.items():
        data = await blobs.get(backup_key(manifest.backup_id, f"{name}.jsonl.gz"))
        documents = decode_documents(data)
        if len(documents) != expected:
            raise ConflictError(f"backup {manifest.backup_id}: {name} holds {len(documents)}, not {expected}")
        await _write(db[name], documents, replace=force)
    return manifest


async def _restore_artifacts(blobs: BlobStore, manifest: Manifest) -> None:
    """Put back the backup's model artifacts that `blobs` lacks; refuse a backup missing some."""
    copies = backup_key(manifest.backup_id, BLOBS)
    saved = await blobs.list(copies)
    if len(saved) != manifest.blobs:
        raise ConflictError(
            f"backup {manifest.backup_id}: {len(saved)} model artifacts under {copies}, not {manifest.blobs}"
        )
    for copy in saved:
        key = copy.removeprefix(copies)
        if key not in await blobs.list(key):
            await blobs.put(key, await blobs.get(copy))


async def read_manifest(blobs: BlobStore, backup_id: str) -> Manifest:
    if backup_id == "latest":
        complete = await backups(blobs)
        if not complete:
            raise NotFoundError("no complete backup in blob storage")
        backup_id = complete[-1]
    manifest = msgspec.json.decode(await blobs.get(backup_key(backup_id, "manifest.json")), type=Manifest)
    if manifest.format > FORMAT:
        raise ConflictError(
            f"backup {backup_id} is of format {manifest.format}, made by a newer Parley; this one reads "
            f"up to {FORMAT}: restore it with that version"
        )
    return manifest


def decode_documents(data: bytes) -> list[Document]:
    lines = gzip.decompress(data).splitlines()
    return [json_util.loads(line, json_options=_READ_OPTIONS) for line in lines if line.strip()]


async def _require_empty(db: AsyncDatabase[Document], manifest: Manifest) -> None:
    async with translate_errors():
        for name in manifest.collections:
            if await db[name].find_one({}, {"_id": 1}) is not None:
                raise ConflictError(
                    f"collection {name!r} is not empty: restore into an empty database or force"
                )


async def _write(collection: AsyncCollection[Document], documents: list[Document], *, replace: bool) -> None:
    """Insert in batches into an empty collection; with `replace`, upsert one by one by `_id`."""
    async with translate_errors():
        if replace:
            for doc in documents:
                await collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)
            return
        for start in range(0, len(documents), RESTORE_BATCH):
            await collection.insert_many(documents[start : start + RESTORE_BATCH], ordered=False)
