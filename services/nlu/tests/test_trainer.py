"""The training handler on the in-process adapters, and training itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import msgspec
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import (
    ANALYTICS_QUEUE,
    Example,
    IntentExamples,
    ModelPublished,
    NluDataset,
    Span,
    TrainModel,
    decode,
)
from parley_nlu.encoder import HashingEncoder
from parley_nlu.model import NluModel
from parley_nlu.stores import MongoModelRegistry, MongoTrainingJobs, RedisModelChannel
from parley_nlu.trainer import artifact_key, handle_train, train
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import InvalidInputError, PermanentError


@pytest.fixture
def handler(
    db: AsyncDatabase[dict[str, Any]],
    blobs: LocalBlobStore,
    bus: MemoryBus,
    redis: Redis,
    encoder: HashingEncoder,
) -> Any:
    return partial(
        handle_train,
        jobs=MongoTrainingJobs(db),
        registry=MongoModelRegistry(db),
        blobs=blobs,
        bus=bus,
        channel=RedisModelChannel(redis),
        encoder=encoder,
    )


async def snapshot(blobs: LocalBlobStore, dataset: NluDataset, job_id: str = "job-1") -> TrainModel:
    key = f"datasets/{dataset.bot}/{job_id}.json"
    await blobs.put(key, msgspec.json.encode(dataset))
    return TrainModel(bot=dataset.bot, job_id=job_id, dataset_key=key)


async def test_a_trained_model_is_stored_registered_and_announced(
    handler: Any,
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    bus: MemoryBus,
    redis: Redis,
    db: AsyncDatabase[dict[str, Any]],
    poll: Callable[..., Any],
) -> None:
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe("parley:models")
    await handler(await snapshot(blobs, shop_dataset))

    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "succeeded"
    assert job["metrics"]["accuracy"] > 0.5 and job["started_at"] <= job["finished_at"]
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.version == job["model_version"]
    model = NluModel.from_bytes(await blobs.get(artifact_key("shop", record.version)))
    assert model.intents == ["greet", "order_pizza", "weather"]
    [delivery] = await bus.receive(ANALYTICS_QUEUE, wait_seconds=0)
    published = decode(delivery.body)
    assert isinstance(published, ModelPublished) and published.version == record.version
    message = await poll(lambda: pubsub.get_message(timeout=0.05))
    assert msgspec.json.decode(message["data"]) == {"bot": "shop", "version": record.version}
    await pubsub.aclose()


async def test_a_redelivered_succeeded_job_does_nothing(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, bus: MemoryBus
) -> None:
    message = await snapshot(blobs, shop_dataset)
    await handler(message)
    await handler(message)
    assert bus.depth(ANALYTICS_QUEUE) == 1


async def test_a_dataset_without_intents_is_rejected(
    handler: Any, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    with pytest.raises(PermanentError, match="no intents"):
        await handler(await snapshot(blobs, NluDataset(bot="shop", intents=[])))
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "rejected" and "no intents" in job["error"]


async def test_an_intent_without_examples_is_rejected(
    handler: Any, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    dataset = NluDataset(bot="shop", intents=[IntentExamples(name="empty", examples=[])])
    with pytest.raises(PermanentError, match="'empty' has no examples"):
        await handler(await snapshot(blobs, dataset))
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "rejected"


async def test_a_missing_dataset_fails_the_job(handler: Any, db: AsyncDatabase[dict[str, Any]]) -> None:
    with pytest.raises(PermanentError, match="missing"):
        await handler(TrainModel(bot="shop", job_id="job-1", dataset_key="datasets/shop/none.json"))
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "failed"


async def test_a_malformed_dataset_is_rejected(handler: Any, blobs: LocalBlobStore) -> None:
    await blobs.put("datasets/shop/bad.json", b"{not json")
    with pytest.raises(InvalidInputError, match="malformed"):
        await handler(TrainModel(bot="shop", job_id="job-1", dataset_key="datasets/shop/bad.json"))


def test_a_span_outside_its_example_is_rejected(encoder: HashingEncoder) -> None:
    example = Example(text="hi", spans=[Span(entity="x", start=1, end=9)])
    with pytest.raises(InvalidInputError, match="outside"):
        train(NluDataset(bot="b", intents=[IntentExamples(name="greet", examples=[example])]), encoder)


def test_training_reports_held_out_metrics(encoder: HashingEncoder, shop_dataset: NluDataset) -> None:
    metrics = train(shop_dataset, encoder).meta.metrics
    assert metrics["held_out"] == 13
    assert 0 <= metrics["in_scope_accuracy"] <= metrics["accuracy"] <= 1
    assert metrics["intents"] == 3


def test_fifty_intents_of_twenty_examples_train_quickly(encoder: HashingEncoder) -> None:
    intents = [
        IntentExamples(
            name=f"intent{i}",
            examples=[Example(text=f"topic{i} question {j} about item{i}") for j in range(20)],
        )
        for i in range(50)
    ]
    started = time.perf_counter()
    model = train(NluDataset(bot="big", intents=intents), encoder)
    assert time.perf_counter() - started < 15
    assert model.meta.metrics["accuracy"] > 0.9


async def test_training_runs_off_the_event_loop(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore
) -> None:
    message = await snapshot(blobs, shop_dataset)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await handler(message)
    ticker.cancel()
    assert ticks > 10
