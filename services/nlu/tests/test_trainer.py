"""The training handler on the in-process adapters, and training itself."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import msgspec
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import (
    ANALYTICS_QUEUE,
    TRAINING_QUEUE,
    Example,
    IntentExamples,
    Message,
    ModelPublished,
    NluDataset,
    Span,
    TrainModel,
    dead_letter_queue,
    decode,
)
from parley_nlu import trainer
from parley_nlu.encoder import HashingEncoder
from parley_nlu.handlers import TOLERANCE, handle_train, version_for, worse_than
from parley_nlu.model import NluModel
from parley_nlu.ports import ModelChange, ModelRecord
from parley_nlu.stores import MongoModelRegistry, MongoTrainingJobs, RedisModelChannel
from parley_nlu.trainer import artifact_key, train
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import InvalidInputError, PermanentError, TransientError
from parley_runtime.worker import Worker


class FlakyBus(MemoryBus):
    """A bus whose first publish fails, as SQS does now and then."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    async def publish(self, message: Message) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("sqs.send_message: ServiceUnavailable")
        await super().publish(message)


class FlakyChannel(RedisModelChannel):
    """A channel whose first announcement fails, as a Redis connection does now and then."""

    def __init__(self, redis: Redis) -> None:
        super().__init__(redis)
        self.failures = 1

    async def announce(self, change: ModelChange) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("redis publish: ConnectionError")
        await super().announce(change)


class UnreachableBlobs(LocalBlobStore):
    """Blob storage whose reads time out."""

    async def get(self, key: str) -> bytes:
        raise TransientError(f"s3.get_object {key}: ReadTimeoutError")


class RefusingBlobs(LocalBlobStore):
    """Blob storage that refuses to store models."""

    async def put(self, key: str, data: bytes) -> None:
        if key.startswith("models/"):
            raise PermanentError(f"s3.put_object {key}: AccessDenied")
        await super().put(key, data)


class StalledBlobs(LocalBlobStore):
    """Blob storage whose reads never finish; `reading` is set once one started."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.reading = asyncio.Event()

    async def get(self, key: str) -> bytes:
        self.reading.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def encode(self, texts: list[str]) -> Any:
        self.batches += 1
        return super().encode(texts)


class HeldEncoder(HashingEncoder):
    """Encodes once `release` is set, saying when it has started (`encoding`)."""

    def __init__(self) -> None:
        super().__init__()
        self.encoding, self.release = threading.Event(), threading.Event()

    def encode(self, texts: list[str]) -> Any:
        self.encoding.set()
        self.release.wait(timeout=10)
        return super().encode(texts)


@pytest.fixture
def make_handler(
    db: AsyncDatabase[dict[str, Any]],
    blobs: LocalBlobStore,
    bus: MemoryBus,
    redis: Redis,
    encoder: HashingEncoder,
) -> Callable[..., Any]:
    """`handle_train` on the in-process adapters; keywords replace its dependencies."""

    def make(**overrides: Any) -> Any:
        dependencies: dict[str, Any] = {
            "jobs": MongoTrainingJobs(db),
            "registry": MongoModelRegistry(db),
            "blobs": blobs,
            "bus": bus,
            "channel": RedisModelChannel(redis),
            "encoder": encoder,
        }
        return partial(handle_train, **(dependencies | overrides))

    return make


@pytest.fixture
def handler(make_handler: Callable[..., Any]) -> Any:
    return make_handler()


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


async def test_a_failed_event_is_sent_when_the_job_is_redelivered_without_training_again(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    bus, encoder = FlakyBus(), CountingEncoder()
    handler = make_handler(bus=bus, encoder=encoder)
    message = await snapshot(blobs, shop_dataset)
    with pytest.raises(TransientError):
        await handler(message)
    assert await MongoTrainingJobs(db).status("job-1") == "running"
    trainings = encoder.batches
    await handler(message)
    assert bus.depth(ANALYTICS_QUEUE) == 1 and encoder.batches == trainings
    assert await MongoTrainingJobs(db).status("job-1") == "succeeded"


async def test_a_job_failing_on_its_last_attempt_ends_failed_with_the_reason(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    tmp_path: Path,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    blobs = UnreachableBlobs(tmp_path / "unreachable")
    handler = make_handler(blobs=blobs, max_attempts=2)
    message = await snapshot(blobs, shop_dataset)
    with pytest.raises(TransientError):
        await handler(message)
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "running" and "attempt 1 failed" in job["error"]
    with pytest.raises(PermanentError, match="gave up after 2 attempts"):
        await handler(message)
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "failed" and "ReadTimeoutError" in job["error"]


async def test_a_permanent_error_after_training_fails_the_job(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    tmp_path: Path,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    blobs = RefusingBlobs(tmp_path / "refusing")
    with pytest.raises(PermanentError):
        await make_handler(blobs=blobs)(await snapshot(blobs, shop_dataset))
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "failed" and "AccessDenied" in job["error"]


async def test_the_last_attempt_is_not_started_after_the_trainer_died(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    message = await snapshot(blobs, shop_dataset)
    await MongoTrainingJobs(db).start("job-1", "shop")  # an attempt whose process was then killed
    with pytest.raises(PermanentError, match="died during attempt 1"):
        await handler(message, max_attempts=2)
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "failed" and "out of memory" in job["error"]


async def test_a_cancelled_attempt_is_recorded_and_the_last_one_fails_the_job(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    tmp_path: Path,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    blobs = StalledBlobs(tmp_path / "stalled")
    message = await snapshot(blobs, shop_dataset)
    handler = make_handler(blobs=blobs, max_attempts=2)
    for status in ("running", "failed"):
        blobs.reading.clear()
        attempt = asyncio.create_task(handler(message))
        await blobs.reading.wait()
        attempt.cancel()  # as the worker's drain or the handler's deadline does
        with pytest.raises(asyncio.CancelledError):
            await attempt
        job = await db["training_jobs"].find_one({"_id": "job-1"})
        assert job is not None and (job["status"], "cancelled" in job["error"]) == (status, True)


class JobsDownOnce(MongoTrainingJobs):
    """A job store that cannot be reached on the first delivery, before the attempt is counted."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        super().__init__(db)
        self.failures = 1

    async def status(self, job_id: str) -> str | None:
        if self.failures:
            self.failures -= 1
            raise TransientError("the job store timed out")
        return await super().status(job_id)


@pytest.mark.parametrize(
    ("jobs_store", "attempts"),
    [(MongoTrainingJobs, 3), (JobsDownOnce, 2)],
    ids=["every-delivery-counted", "first-delivery-not-counted"],
)
async def test_a_job_the_worker_dead_letters_ends_failed(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    tmp_path: Path,
    db: AsyncDatabase[dict[str, Any]],
    poll: Callable[..., Any],
    jobs_store: type[MongoTrainingJobs],
    attempts: int,
) -> None:
    # However many attempts the job counted, the broker's last receive ends it `failed`.
    bus, blobs = MemoryBus(max_receives=3), UnreachableBlobs(tmp_path / "unreachable")
    handler = make_handler(blobs=blobs, jobs=jobs_store(db), max_attempts=3)
    worker = Worker(bus, TRAINING_QUEUE, handler, retry_delay_seconds=0, max_receives=3)
    await bus.publish(await snapshot(blobs, shop_dataset))
    await poll(lambda: _dead_lettered(worker, bus))
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and (job["status"], job["attempts"]) == ("failed", attempts)


async def _dead_lettered(worker: Worker, bus: MemoryBus) -> bool:
    await worker.run_once()
    return bus.depth(dead_letter_queue(TRAINING_QUEUE)) == 1


async def test_a_failed_notice_is_sent_when_the_job_is_redelivered(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    redis: Redis,
    poll: Callable[..., Any],
) -> None:
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe("parley:models")
    handler = make_handler(channel=FlakyChannel(redis))
    message = await snapshot(blobs, shop_dataset)
    with pytest.raises(TransientError):
        await handler(message)
    await handler(message)
    notice = await poll(lambda: pubsub.get_message(timeout=0.05))
    assert msgspec.json.decode(notice["data"]) == {"bot": "shop", "version": "job-1"}
    await pubsub.aclose()


async def test_one_job_run_twice_at_once_publishes_one_event(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, bus: MemoryBus
) -> None:
    message = await snapshot(blobs, shop_dataset)
    await asyncio.gather(handler(message), handler(message))
    events = [decode(delivery.body) for delivery in await bus.receive(ANALYTICS_QUEUE, wait_seconds=0)]
    assert len(events) == 2 and events[0] == events[1]


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


async def test_a_model_scoring_below_the_current_one_is_not_published(
    handler: Any,
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    db: AsyncDatabase[dict[str, Any]],
    bus: MemoryBus,
) -> None:
    await handler(await snapshot(blobs, shop_dataset, "job-1"))
    await handler(await snapshot(blobs, _muddled(shop_dataset), "job-2"))
    job = await db["training_jobs"].find_one({"_id": "job-2"})
    assert job is not None and job["status"] == "rejected" and "force" in job["error"]
    assert f"{job['metrics']['quality']:.3f}" in job["error"]
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.job_id == "job-1"
    assert bus.depth(ANALYTICS_QUEUE) == 1


def _cut_to_one_example(dataset: NluDataset) -> NluDataset:
    """`dataset` with each intent's first example only: the same intents, and nothing to hold out."""
    intents = [msgspec.structs.replace(i, examples=i.examples[:1]) for i in dataset.intents]
    return msgspec.structs.replace(dataset, intents=intents)


async def test_a_model_that_could_not_be_scored_does_not_replace_a_scored_one(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await handler(await snapshot(blobs, shop_dataset, "job-1"))
    current = await MongoModelRegistry(db).latest("shop")
    assert current is not None
    await handler(await snapshot(blobs, _cut_to_one_example(shop_dataset), "job-2"))
    job = await db["training_jobs"].find_one({"_id": "job-2"})
    assert job is not None and job["status"] == "rejected"
    assert "could not be scored" in job["error"] and "force" in job["error"]
    assert f"quality {current.metrics['quality']:.3f}" in job["error"]
    assert job["metrics"]["held_out"] == 0
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.job_id == "job-1"


async def test_force_publishes_a_model_that_could_not_be_scored(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await handler(await snapshot(blobs, shop_dataset, "job-1"))
    cut = await snapshot(blobs, _cut_to_one_example(shop_dataset), "job-2")
    await handler(msgspec.structs.replace(cut, force=True))
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.job_id == "job-2"


async def test_force_publishes_a_model_that_scores_lower(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await handler(await snapshot(blobs, shop_dataset, "job-1"))
    forced = msgspec.structs.replace(await snapshot(blobs, _muddled(shop_dataset), "job-2"), force=True)
    await handler(forced)
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.job_id == "job-2"


async def test_a_model_of_other_intents_is_published_though_it_scores_lower(
    handler: Any, shop_dataset: NluDataset, blobs: LocalBlobStore, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await handler(await snapshot(blobs, shop_dataset, "job-1"))
    grown = msgspec.structs.replace(
        shop_dataset, intents=[*shop_dataset.intents, _mixed_intent(shop_dataset)]
    )
    await handler(await snapshot(blobs, grown, "job-2"))
    registry = MongoModelRegistry(db)
    first, second = await registry.get("shop", version_for("job-1")), await registry.latest("shop")
    assert first is not None and second is not None and second.job_id == "job-2"
    assert second.intents == sorted(["mixed", *first.intents])
    assert second.metrics["quality"] < first.metrics["quality"] - TOLERANCE  # the gate would have refused it


async def test_an_older_job_finishing_last_does_not_replace_the_newer_model(
    handler: Any,
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    db: AsyncDatabase[dict[str, Any]],
    bus: MemoryBus,
) -> None:
    newer = await snapshot(blobs, shop_dataset, "job-2")
    older = await snapshot(blobs, shop_dataset, "job-1")
    await handler(newer)
    requested = newer.occurred_at - timedelta(seconds=1)
    await handler(msgspec.structs.replace(older, occurred_at=requested, force=True))
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "rejected" and "requested after" in job["error"]
    assert job["metrics"]["accuracy"] > 0
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.job_id == "job-2"
    assert bus.depth(ANALYTICS_QUEUE) == 1


async def test_a_job_requested_before_its_bot_was_deleted_publishes_nothing(
    handler: Any,
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    db: AsyncDatabase[dict[str, Any]],
    bus: MemoryBus,
) -> None:
    message = await snapshot(blobs, shop_dataset, "job-1")
    await MongoModelRegistry(db).retire("shop")
    await handler(message)
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "rejected" and "deleted" in job["error"]
    assert await MongoModelRegistry(db).latest("shop") is None and bus.depth(ANALYTICS_QUEUE) == 0
    await handler(await snapshot(blobs, shop_dataset, "job-2"))
    record = await MongoModelRegistry(db).latest("shop")
    assert record is not None and record.job_id == "job-2"


async def test_a_job_of_a_deleted_bot_is_refused_before_training_and_its_snapshot_deleted(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """The bot's blobs may be gone already: the snapshot is not read, nor written back by anyone."""
    encoder = CountingEncoder()
    message = await snapshot(blobs, shop_dataset, "job-1")
    await MongoModelRegistry(db).retire("shop")
    await make_handler(encoder=encoder)(message)
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "rejected" and "deleted" in job["error"]
    assert encoder.batches == 0
    assert await blobs.list("") == []


async def test_a_model_registered_as_its_bot_was_deleted_is_deleted_with_its_snapshot(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """Stored after the bot's blobs were deleted, they would stay for good."""
    bus = FlakyBus()
    handler = make_handler(bus=bus)
    message = await snapshot(blobs, shop_dataset, "job-1")
    with pytest.raises(TransientError):  # registered, then announcing failed
        await handler(message)
    assert await blobs.list("models/shop/") == [artifact_key("shop", version_for("job-1"))]
    await MongoModelRegistry(db).retire("shop")
    await handler(message)
    job = await db["training_jobs"].find_one({"_id": "job-1"})
    assert job is not None and job["status"] == "rejected" and "deleted" in job["error"]
    assert await blobs.list("") == [] and bus.depth(ANALYTICS_QUEUE) == 0


async def test_a_cancelled_job_stops_its_training_thread_at_the_next_step(
    make_handler: Callable[..., Any],
    shop_dataset: NluDataset,
    blobs: LocalBlobStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[str] = []
    checked = threading.Event()
    check = trainer._check_not_stopped  # pyright: ignore[reportPrivateUsage]

    def checking(stop: threading.Event | None) -> None:
        try:
            check(stop)
            steps.append("went on")
        except trainer.TrainingAbandonedError:
            steps.append("abandoned")
            raise
        finally:
            checked.set()

    monkeypatch.setattr(trainer, "_check_not_stopped", checking)
    encoder = HeldEncoder()
    job = asyncio.create_task(make_handler(encoder=encoder)(await snapshot(blobs, shop_dataset)))
    assert await asyncio.to_thread(encoder.encoding.wait, 10)
    job.cancel()  # as the worker's drain or the handler's deadline does
    with pytest.raises(asyncio.CancelledError):
        await job
    encoder.release.set()
    assert await asyncio.to_thread(checked.wait, 10)
    assert steps == ["abandoned"]


def _scored(metrics: dict[str, float], intents: tuple[str, ...] = ("a", "b")) -> ModelRecord:
    return ModelRecord(bot="b", version="v", artifact_key="k", metrics=metrics, intents=list(intents))


def test_a_new_fallback_threshold_is_compared_on_accuracy_alone() -> None:
    current = _scored({"quality": 0.9, "in_scope_accuracy": 0.9, "accuracy": 0.95, "threshold": 0.5})
    stricter = {"quality": 0.7, "in_scope_accuracy": 0.7, "accuracy": 0.95, "threshold": 0.8}
    assert worse_than(_scored(stricter), current) is None
    assert worse_than(_scored(stricter | {"threshold": 0.5}), current) is not None
    assert worse_than(_scored(stricter | {"accuracy": 0.8}), current) is not None


def _mixed_intent(dataset: NluDataset) -> IntentExamples:
    """An intent whose examples are the greetings again: it cannot be told apart from `greet`."""
    return IntentExamples(name="mixed", examples=list(dataset.intents[0].examples))


def _muddled(dataset: NluDataset) -> NluDataset:
    """`dataset` with its second intent's examples the first's: the same intents, told apart worse."""
    first, second, *rest = dataset.intents
    twin = IntentExamples(name=second.name, examples=list(first.examples))
    return msgspec.structs.replace(dataset, intents=[first, twin, *rest])


def test_worse_than_tolerates_noise_and_compares_a_common_metric() -> None:
    current = _scored({"quality": 0.9, "accuracy": 0.9})
    assert worse_than(_scored({"quality": 0.89}), current) is None
    assert worse_than(_scored({"quality": 0.8}), current) is not None
    assert worse_than(_scored({"accuracy": 0.95}), current) is None
    assert worse_than(_scored({"quality": 0.1}), None) is None


def test_an_unscored_model_is_worse_than_a_scored_one_of_the_same_intents_only() -> None:
    unscored = {"examples": 3.0, "held_out": 0.0}
    refusal = worse_than(_scored(unscored), _scored({"quality": 0.917, "accuracy": 0.95}))
    assert refusal is not None and "could not be scored" in refusal and "quality 0.917" in refusal
    assert worse_than(_scored(unscored), _scored({"accuracy": 0.95}, ())) is not None  # intents not recorded
    assert worse_than(_scored(unscored), _scored({"quality": 0.9}, ("a", "b", "c"))) is None  # other intents
    assert worse_than(_scored(unscored), _scored({"held_out": 0.0})) is None  # neither was scored
    assert worse_than(_scored({"quality": 0.5}), _scored(unscored)) is None  # nothing to compare with


def test_worse_than_compares_models_of_the_same_intents_only() -> None:
    current = _scored({"quality": 0.9})
    assert worse_than(_scored({"quality": 0.5}, ("a", "b", "c")), current) is None
    assert worse_than(_scored({"quality": 0.5}, ("a",)), current) is None
    assert worse_than(_scored({"quality": 0.5}), _scored({"quality": 0.9}, ())) is not None  # not recorded


def test_training_reports_out_of_scope_recall_of_left_out_intents(
    encoder: HashingEncoder, shop_dataset: NluDataset
) -> None:
    metrics = train(shop_dataset, encoder).meta.metrics
    assert metrics["left_out"] == 13 and 0 <= metrics["oos_recall"] <= 1
    assert metrics["quality"] == pytest.approx((metrics["in_scope_accuracy"] + metrics["oos_recall"]) / 2)
