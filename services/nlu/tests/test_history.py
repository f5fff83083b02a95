"""A bot's model history on the in-process adapters: listing it, and serving an earlier model again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import msgspec
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import (
    Example,
    IntentExamples,
    NluDataset,
    ParseRequest,
    TrainModel,
    utc_now,
)
from parley_nlu.encoder import HashingEncoder
from parley_nlu.handlers import handle_train, model_record, version_for
from parley_nlu.model import NluModel
from parley_nlu.ports import ModelRecord
from parley_nlu.service import NluService
from parley_nlu.stores import MongoModelRegistry, MongoTrainingJobs, RedisModelChannel
from parley_nlu.trainer import artifact_key, train
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import ConflictError, InvalidInputError, NotFoundError

BOT = "shop"
SHOP = {
    "greet": ("hello there", "hi", "hello", "hey hello", "hi there"),
    "order_pizza": ("order a pizza", "I want a large pizza", "pizza please", "one pizza to order"),
    "weather": ("what is the weather", "weather forecast", "is the weather sunny", "weather today"),
}
"""The intents of conftest's `shop_dataset`."""


@pytest.fixture
def registry(db: AsyncDatabase[dict[str, Any]]) -> MongoModelRegistry:
    return MongoModelRegistry(db)


@pytest.fixture
async def service(
    registry: MongoModelRegistry, blobs: LocalBlobStore, encoder: HashingEncoder, redis: Redis
) -> AsyncIterator[NluService]:
    nlu = NluService(
        registry=registry, blobs=blobs, encoder=encoder, channel=RedisModelChannel(redis, poll_seconds=0.02)
    )
    yield nlu
    await nlu.close()


@pytest.fixture
def handler(
    db: AsyncDatabase[dict[str, Any]],
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    bus: MemoryBus,
    redis: Redis,
    encoder: HashingEncoder,
) -> Callable[[TrainModel], Any]:
    """The training queue's handler, as the trainer runs it."""
    return partial(
        handle_train,
        jobs=MongoTrainingJobs(db),
        registry=registry,
        blobs=blobs,
        bus=bus,
        channel=RedisModelChannel(redis),
        encoder=encoder,
    )


def _grown(dataset: NluDataset) -> NluDataset:
    """`dataset` with one more intent, which a model of `dataset` does not know."""
    thanks = [Example(text=text) for text in ("thanks", "thank you", "many thanks", "thanks a lot")]
    return msgspec.structs.replace(
        dataset, intents=[*dataset.intents, IntentExamples(name="thanks", examples=thanks)]
    )


async def _trained(
    handler: Callable[[TrainModel], Any],
    blobs: LocalBlobStore,
    dataset: NluDataset,
    job_id: str,
    *,
    force: bool = True,
    requested_at: datetime | None = None,
) -> str:
    """Run job `job_id` on `dataset`, as the gateway queues it; the version its model would have."""
    key = f"datasets/{dataset.bot}/{job_id}.json"
    await blobs.put(key, msgspec.json.encode(dataset))
    requested = {} if requested_at is None else {"occurred_at": requested_at}
    await handler(TrainModel(bot=dataset.bot, job_id=job_id, dataset_key=key, force=force, **requested))
    return version_for(job_id)


def _muddled(dataset: NluDataset) -> NluDataset:
    """`dataset` with its second intent's examples the first's: the same intents, told apart worse."""
    first, second, *rest = dataset.intents
    twin = IntentExamples(name=second.name, examples=list(first.examples))
    return msgspec.structs.replace(dataset, intents=[first, twin, *rest])


async def _parsed_intent(service: NluService, text: str) -> str:
    return (await service.parse(ParseRequest(bot=BOT, text=text))).intent.name


@pytest.fixture(scope="module")
def trained() -> tuple[NluModel, NluModel]:
    """The shop's three intents, then the same with `thanks`: trained once for the module."""
    dataset = NluDataset(
        bot=BOT,
        intents=[
            IntentExamples(name=name, examples=[Example(text=text) for text in texts])
            for name, texts in SHOP.items()
        ],
    )
    encoder = HashingEncoder()
    return (
        train(dataset, encoder, version=version_for("job-1")),
        train(_grown(dataset), encoder, version=version_for("job-2")),
    )


@pytest.fixture
async def two_models(
    trained: tuple[NluModel, NluModel], registry: MongoModelRegistry, blobs: LocalBlobStore
) -> tuple[str, str]:
    """Version 1 of the shop's three intents, then version 2, which added `thanks`, both published
    as the trainer publishes a model."""
    now = utc_now()
    for index, model in enumerate(trained):
        record = model_record(
            model, job_id=f"job-{index + 1}", requested_at=now - timedelta(minutes=2 - index)
        )
        await blobs.put(record.artifact_key, model.to_bytes())
        await registry.add(record)
    return trained[0].version, trained[1].version


async def test_the_listing_is_newest_first_and_marks_the_model_served(
    service: NluService, two_models: tuple[str, str]
) -> None:
    first, second = two_models
    newest, oldest = await service.models(BOT)
    assert (newest.version, newest.served, newest.intents, newest.job_id) == (second, True, 4, "job-2")
    assert (oldest.version, oldest.served, oldest.intents, oldest.job_id) == (first, False, 3, "job-1")
    assert oldest.intent_names == ["greet", "order_pizza", "weather"] and oldest.status == "published"
    assert oldest.metrics["accuracy"] > 0.5 and oldest.republished_from is None
    assert newest.requested_at and oldest.requested_at and newest.requested_at > oldest.requested_at


async def test_a_page_starts_after_the_model_it_names(
    service: NluService, two_models: tuple[str, str]
) -> None:
    first, second = two_models
    assert [m.version for m in await service.models(BOT, limit=1)] == [second]
    assert [m.version for m in await service.models(BOT, limit=1, before_version=second)] == [first]
    assert await service.models(BOT, before_version=first) == []
    with pytest.raises(InvalidInputError, match="no model 'nope'"):
        await service.models(BOT, before_version="nope")
    with pytest.raises(InvalidInputError, match="limit"):
        await service.models(BOT, limit=0)


async def test_an_earlier_model_published_again_is_served_as_a_new_version(
    service: NluService, two_models: tuple[str, str], registry: MongoModelRegistry
) -> None:
    first, second = two_models
    assert await _parsed_intent(service, "thanks a lot") == "thanks"
    publication = await service.publish_model(BOT, first)
    model = publication.model
    assert model.version not in (first, second) and model.republished_from == first and model.served
    assert model.intent_names == ["greet", "order_pizza", "weather"]
    original = await registry.get(BOT, first)
    assert original is not None and model.created_at == original.created_at and model.job_id == "job-1"
    assert service.current_version(BOT) == model.version
    assert await _parsed_intent(service, "thanks a lot") != "thanks"
    assert (await service.parse(ParseRequest(bot=BOT, text="hello"))).model_version == model.version
    listed = await service.models(BOT)
    assert [(m.version, m.served) for m in listed] == [(model.version, True), (second, False), (first, False)]


async def test_replicas_told_serve_the_earlier_model_within_seconds(
    service: NluService,
    two_models: tuple[str, str],
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    encoder: HashingEncoder,
    redis: Redis,
    poll: Callable[..., Any],
) -> None:
    first, second = two_models
    replica = NluService(
        registry=registry, blobs=blobs, encoder=encoder, channel=RedisModelChannel(redis, poll_seconds=0.02)
    )
    assert await _parsed_intent(replica, "hello") == "greet" and replica.current_version(BOT) == second
    stop = asyncio.Event()
    watch = asyncio.create_task(replica.watch(stop))
    try:
        await poll(lambda: _subscribed(redis))
        version = (await service.publish_model(BOT, first)).model.version
        await poll(lambda: replica.current_version(BOT) == version, within=5.0)
    finally:
        stop.set()
        await watch
        await replica.close()


async def test_publishing_the_model_served_registers_nothing(
    service: NluService, two_models: tuple[str, str]
) -> None:
    first, second = two_models
    assert (await service.publish_model(BOT, second)).model.version == second
    again = await service.publish_model(BOT, first)
    assert (await service.publish_model(BOT, first)).model == again.model  # a retried rollback
    assert (await service.publish_model(BOT, again.model.version)).model == again.model
    assert len(await service.models(BOT)) == 3


async def test_a_model_published_again_twice_names_the_model_first_trained(
    service: NluService, two_models: tuple[str, str]
) -> None:
    first, second = two_models
    rollback = (await service.publish_model(BOT, first)).model
    await service.publish_model(BOT, second)
    again = (await service.publish_model(BOT, rollback.version)).model
    assert again.republished_from == first and again.version != rollback.version


async def test_the_event_to_send_is_the_trainers_dated_when_the_model_was_published_again(
    service: NluService, two_models: tuple[str, str]
) -> None:
    first, _ = two_models
    publication = await service.publish_model(BOT, first)
    event, model = publication.event, publication.model
    assert (event.bot, event.version, event.job_id) == (BOT, model.version, "job-1")
    assert event.artifact_key == artifact_key(BOT, first) and event.metrics == model.metrics
    assert model.requested_at is not None and event.occurred_at == model.requested_at
    assert (await service.publish_model(BOT, first)).event.message_id == event.message_id  # counted once


async def test_an_unknown_or_invalid_version_changes_nothing(
    service: NluService, two_models: tuple[str, str]
) -> None:
    with pytest.raises(NotFoundError, match="no model 'nope'"):
        await service.publish_model(BOT, "nope")
    with pytest.raises(InvalidInputError, match="invalid model version"):
        await service.publish_model(BOT, "../v1")
    with pytest.raises(NotFoundError):
        await service.publish_model("other", two_models[0])
    assert len(await service.models(BOT)) == 2


async def test_a_deleted_bots_models_are_listed_retired_and_never_published_again(
    service: NluService, two_models: tuple[str, str], registry: MongoModelRegistry
) -> None:
    first, _ = two_models
    requested = utc_now() - timedelta(seconds=1)
    await service.retire_models(BOT)
    late = ModelRecord(bot=BOT, version="late", artifact_key=artifact_key(BOT, first), requested_at=requested)
    await registry.add(late)  # a job's model, registered as its bot was being deleted
    for version in ("late", first):
        with pytest.raises(ConflictError, match="retired when bot 'shop' was deleted"):
            await service.publish_model(BOT, version)
    listed = await service.models(BOT)
    assert {(m.status, m.served) for m in listed} == {("retired", False)} and len(listed) == 3


async def test_a_model_whose_artifact_is_gone_is_refused_and_nothing_changes(
    service: NluService, two_models: tuple[str, str], blobs: LocalBlobStore
) -> None:
    first, second = two_models
    await blobs.delete(artifact_key(BOT, first))
    with pytest.raises(ConflictError, match=r"cannot be served: .*artifact is missing"):
        await service.publish_model(BOT, first)
    assert [m.version for m in await service.models(BOT)] == [second, first]


async def test_a_model_for_another_encoder_is_refused(
    service: NluService, two_models: tuple[str, str], registry: MongoModelRegistry, blobs: LocalBlobStore
) -> None:
    _, second = two_models
    model = await _other_encoders_model(registry, blobs)
    with pytest.raises(ConflictError, match="hashing-64"):
        await service.publish_model(BOT, model.version)
    assert (await service.models(BOT))[0].version == second


async def test_a_job_requested_before_a_rollback_does_not_undo_it(
    service: NluService,
    two_models: tuple[str, str],
    handler: Callable[[TrainModel], Any],
    blobs: LocalBlobStore,
    shop_dataset: NluDataset,
    registry: MongoModelRegistry,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    requested = utc_now()
    rollback = (await service.publish_model(BOT, two_models[0])).model
    await _trained(handler, blobs, _grown(shop_dataset), "job-3", requested_at=requested)
    job = await db["training_jobs"].find_one({"_id": "job-3"})
    assert job is not None and job["status"] == "rejected"
    assert f"{rollback.version} (model {two_models[0]} published again) was published after" in job["error"]
    latest = await registry.latest(BOT)
    assert latest is not None and latest.version == rollback.version


async def test_the_next_training_is_held_to_the_scores_of_the_model_published_again(
    service: NluService,
    handler: Callable[[TrainModel], Any],
    blobs: LocalBlobStore,
    shop_dataset: NluDataset,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    good = await _trained(handler, blobs, shop_dataset, "job-1")
    await _trained(handler, blobs, _muddled(shop_dataset), "job-2")  # forced
    rollback = (await service.publish_model(BOT, good)).model
    await _trained(handler, blobs, _muddled(shop_dataset), "job-3", force=False)
    job = await db["training_jobs"].find_one({"_id": "job-3"})
    assert job is not None and job["status"] == "rejected"
    assert f"below the current model {rollback.version} (model {good} published again)" in job["error"]


async def _other_encoders_model(registry: MongoModelRegistry, blobs: LocalBlobStore) -> NluModel:
    """A model of the shop trained with another encoder, registered as if trained long ago."""
    dataset = NluDataset(
        bot=BOT, intents=[IntentExamples(name=n, examples=[Example(text=n)]) for n in ("hi", "bye")]
    )
    model = train(dataset, HashingEncoder(dim=64), version="v0")
    await blobs.put(artifact_key(BOT, "v0"), model.to_bytes())
    long_ago = utc_now() - timedelta(days=1)
    await registry.add(
        ModelRecord(bot=BOT, version="v0", artifact_key=artifact_key(BOT, "v0"), requested_at=long_ago)
    )
    return model


async def _subscribed(redis: Redis) -> bool:
    [(_, count)] = await redis.pubsub_numsub("parley:models")
    return count > 0
