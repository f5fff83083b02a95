"""A deleted bot's blobs: its retired models' artifacts and its training snapshots go, nothing else
does. On the embedded blob store always, and on S3 (LocalStack) when it answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aioboto3
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from tests import localstack

from parley_messages import BotDeleted
from parley_nlu.deletion import BlobsDeleted, handle_bot_deleted
from parley_nlu.ports import ModelRecord
from parley_nlu.stores import MongoModelRegistry, MongoTrainingJobs
from parley_nlu.trainer import artifact_key
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.blobs.s3 import S3BlobStore


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.integration)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BlobStore]:
    if request.param == "local":
        yield LocalBlobStore(tmp_path / "blobs")
        return
    localstack.require()
    session = aioboto3.Session(region_name="us-east-1", **localstack.credentials())
    with localstack.fresh_bucket("parley-deletion") as bucket:
        # Pages of two keys: every listing here spans several requests, as a busy bot's would.
        async with S3BlobStore(bucket, endpoint_url=localstack.ENDPOINT, session=session, page_size=2) as s3:
            yield s3


class Bucket:
    """Models and snapshots of bots, written as the trainer and the gateway write them."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], blobs: BlobStore) -> None:
        self.registry = MongoModelRegistry(db)
        self.jobs = MongoTrainingJobs(db)
        self.blobs = blobs
        self._db = db

    async def trained(self, bot: str, job_id: str, requested_at: datetime) -> tuple[str, str]:
        """A job requested at `requested_at` and its registered model: (snapshot key, artifact key)."""
        snapshot = f"datasets/{bot}/{job_id}.json"
        await self.blobs.put(snapshot, b"{}")
        await self._db["training_jobs"].insert_one(
            {"_id": job_id, "bot": bot, "status": "succeeded", "created_at": requested_at}
        )
        version = job_id[:16]
        record = ModelRecord(
            bot=bot, version=version, artifact_key=artifact_key(bot, version), requested_at=requested_at
        )
        await self.blobs.put(record.artifact_key, b"model")
        await self.registry.add(record)
        return snapshot, record.artifact_key

    async def retired(self, bot: str) -> datetime:
        await self.registry.retire(bot)
        retired_at = await self.registry.retired_at(bot)
        assert retired_at is not None
        return retired_at

    async def delete(self, bot: str) -> BlobsDeleted:
        return await handle_bot_deleted(
            BotDeleted(bot=bot), registry=self.registry, jobs=self.jobs, blobs=self.blobs
        )

    async def keys(self) -> set[str]:
        return set(await self.blobs.list(""))


@pytest.fixture
def bucket(db: AsyncDatabase[dict[str, Any]], store: BlobStore) -> Bucket:
    return Bucket(db, store)


def earlier(moment: datetime, minutes: int = 1) -> datetime:
    return moment - timedelta(minutes=minutes)


async def test_a_deleted_bots_models_and_snapshots_are_deleted_and_no_other_bots(bucket: Bucket) -> None:
    now = datetime.now(UTC)
    pizza = [await bucket.trained("pizza", f"pizzajob{n}", earlier(now, n)) for n in (1, 2)]
    pizzeria = await bucket.trained("pizzeria", "pizzeriajob1", earlier(now))
    await bucket.retired("pizza")
    deleted = await bucket.delete("pizza")
    assert deleted.models == sorted(model for _, model in pizza)
    assert deleted.datasets == sorted(snapshot for snapshot, _ in pizza)
    assert await bucket.keys() == set(pizzeria)


async def test_deleting_again_deletes_nothing_more(bucket: Bucket) -> None:
    await bucket.trained("pizza", "pizzajob1", earlier(datetime.now(UTC)))
    await bucket.retired("pizza")
    await bucket.delete("pizza")
    assert await bucket.delete("pizza") == BlobsDeleted(bot="pizza")
    assert await bucket.keys() == set()


async def test_a_bot_created_again_keeps_what_its_own_jobs_stored(bucket: Bucket) -> None:
    """The announcement may be handled after the new bot's training (queues keep no order)."""
    old = await bucket.trained("pizza", "pizzajob1", earlier(datetime.now(UTC)))
    retired_at = await bucket.retired("pizza")
    new = await bucket.trained("pizza", "pizzajob2", retired_at + timedelta(seconds=1))
    deleted = await bucket.delete("pizza")
    assert (deleted.datasets, deleted.models) == ([old[0]], [old[1]])
    assert await bucket.keys() == set(new)


async def test_an_artifact_a_served_model_shares_is_kept(bucket: Bucket) -> None:
    _, model = await bucket.trained("pizza", "pizzajob1", earlier(datetime.now(UTC)))
    retired_at = await bucket.retired("pizza")
    again = ModelRecord(
        bot="pizza",
        version="again",
        artifact_key=model,
        requested_at=retired_at + timedelta(seconds=1),
        republished_from="pizzajob1",
    )
    await bucket.registry.add(again)
    assert (await bucket.delete("pizza")).models == []
    assert await bucket.keys() == {model}


async def test_a_bot_whose_models_were_never_retired_keeps_its_blobs(bucket: Bucket) -> None:
    stored = await bucket.trained("pizza", "pizzajob1", earlier(datetime.now(UTC)))
    assert await bucket.delete("pizza") == BlobsDeleted(bot="pizza")
    assert await bucket.keys() == set(stored)


async def test_objects_that_are_no_snapshot_or_model_are_left_alone(bucket: Bucket) -> None:
    await bucket.trained("pizza", "pizzajob1", earlier(datetime.now(UTC)))
    others = {"datasets/pizza/README.txt", "datasets/pizza/old/pizzajob1.json", "models/pizza/x/notes.txt"}
    for key in others:
        await bucket.blobs.put(key, b"?")
    await bucket.retired("pizza")
    await bucket.delete("pizza")
    assert await bucket.keys() == others
