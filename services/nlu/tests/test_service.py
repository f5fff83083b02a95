"""NluService on the in-process adapters: validation, lazy loading, hot swap, model announcements."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
import structlog
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import NluDataset, ParseRequest
from parley_nlu.encoder import HashingEncoder
from parley_nlu.model import ModelArtifactError, NluModel
from parley_nlu.ports import ModelChange, ModelRecord
from parley_nlu.service import IncompatibleModelError, ModelUnavailableError, NluService
from parley_nlu.stores import MongoModelRegistry, RedisModelChannel
from parley_nlu.trainer import artifact_key, train
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.errors import InvalidInputError, NotFoundError, TransientError

Train = Callable[..., NluModel]


class GatedBlobStore:
    """A blob store whose reads wait until `opened` is set: makes a slow model download observable."""

    def __init__(self, inner: LocalBlobStore) -> None:
        self.inner = inner
        self.opened = asyncio.Event()
        self.opened.set()
        self.reading = asyncio.Event()

    async def put(self, key: str, data: bytes) -> None:
        await self.inner.put(key, data)

    async def get(self, key: str) -> bytes:
        self.reading.set()
        await self.opened.wait()
        return await self.inner.get(key)

    async def list(self, prefix: str) -> list[str]:
        return await self.inner.list(prefix)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)


class QueuedChannel:
    """Announcements through a queue; `delivered` returns once the listener took every one."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[ModelChange] = asyncio.Queue()

    async def announce(self, change: ModelChange) -> None:
        await self.queue.put(change)

    async def changes(self, stop: asyncio.Event) -> AsyncIterator[ModelChange]:
        while not stop.is_set():
            try:
                change = await asyncio.wait_for(self.queue.get(), 0.02)
            except TimeoutError:
                continue
            yield change
            self.queue.task_done()

    async def delivered(self) -> None:
        await self.queue.join()


@pytest.fixture
def registry(db: AsyncDatabase[dict[str, Any]]) -> MongoModelRegistry:
    return MongoModelRegistry(db)


@pytest.fixture
def gated(blobs: LocalBlobStore) -> GatedBlobStore:
    return GatedBlobStore(blobs)


@pytest.fixture
async def service(
    registry: MongoModelRegistry, gated: GatedBlobStore, encoder: HashingEncoder, redis: Redis
) -> AsyncIterator[NluService]:
    nlu = NluService(
        registry=registry, blobs=gated, encoder=encoder, channel=RedisModelChannel(redis, poll_seconds=0.02)
    )
    yield nlu
    await nlu.close()


@pytest.fixture
def publish(registry: MongoModelRegistry, gated: GatedBlobStore) -> Callable[[NluModel], Any]:
    async def store(model: NluModel) -> None:
        key = artifact_key(model.bot, model.version)
        await gated.put(key, model.to_bytes())
        await registry.add(ModelRecord(bot=model.bot, version=model.version, artifact_key=key))

    return store


async def test_a_bot_without_a_model_is_not_trained(service: NluService) -> None:
    with pytest.raises(NotFoundError, match="no trained model") as caught:
        await service.parse(ParseRequest(bot="nobody", text="hello"))
    assert caught.value.code == "not_trained"


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, "bad\x00text"])
async def test_bad_text_is_invalid_input(service: NluService, text: str) -> None:
    with pytest.raises(InvalidInputError):
        await service.parse(ParseRequest(bot="shop", text=text))


async def test_the_first_parse_loads_the_newest_model(
    service: NluService, shop_dataset: NluDataset, train_model: Train, publish: Callable[[NluModel], Any]
) -> None:
    await publish(train_model(shop_dataset, "v1"))
    await publish(train_model(shop_dataset, "v2"))
    result = await service.parse(ParseRequest(bot="shop", text="a large pizza please"))
    assert (result.intent.name, result.model_version) == ("order_pizza", "v2")


async def test_tomorrow_is_the_users_tomorrow(
    service: NluService, shop_dataset: NluDataset, train_model: Train, publish: Callable[[NluModel], Any]
) -> None:
    await publish(train_model(shop_dataset, "v1"))

    async def tomorrow(timezone: str | None) -> str:
        result = await service.parse(ParseRequest(bot="shop", text="a pizza tomorrow", timezone=timezone))
        return next(e.value for e in result.entities if e.entity == "date")

    # UTC+14 and UTC-11 are never on the same date (from 10:00 to 11:00 UTC, two dates apart);
    # without a zone, the date is UTC's.
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", None):
        today = datetime.now(ZoneInfo(zone) if zone else UTC).date()
        assert await tomorrow(zone) == (today + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInputError, match="unknown time zone"):
        await tomorrow("Atlantis/Capital")


async def test_many_bots_are_served_at_once(
    service: NluService, shop_dataset: NluDataset, train_model: Train, publish: Callable[[NluModel], Any]
) -> None:
    await publish(train_model(shop_dataset, "s1"))
    await publish(train_model(msgspec.structs.replace(shop_dataset, bot="other"), "o1"))
    results = await asyncio.gather(
        *(service.parse(ParseRequest(bot=bot, text="hello there")) for bot in ["shop", "other"] * 10)
    )
    assert {r.model_version for r in results} == {"s1", "o1"}


async def test_a_model_swap_never_makes_requests_wait_or_fail(
    service: NluService,
    shop_dataset: NluDataset,
    train_model: Train,
    publish: Callable[[NluModel], Any],
    gated: GatedBlobStore,
) -> None:
    await publish(train_model(shop_dataset, "v1"))
    await service.parse(ParseRequest(bot="shop", text="hi"))
    await publish(train_model(shop_dataset, "v2"))
    gated.opened.clear()
    reload = asyncio.create_task(service.reload("shop"))
    during = await asyncio.gather(*(service.parse(ParseRequest(bot="shop", text="hello")) for _ in range(50)))
    assert not reload.done()
    assert {r.model_version for r in during} == {"v1"}
    gated.opened.set()
    assert await reload == "v2"
    after = await service.parse(ParseRequest(bot="shop", text="hello"))
    assert after.model_version == "v2"


async def test_an_announced_model_is_loaded_by_the_watch(
    service: NluService,
    shop_dataset: NluDataset,
    train_model: Train,
    publish: Callable[[NluModel], Any],
    redis: Redis,
    poll: Callable[..., Any],
) -> None:
    await publish(train_model(shop_dataset, "v1"))
    await service.parse(ParseRequest(bot="shop", text="hi"))
    stop = asyncio.Event()
    watch = asyncio.create_task(service.watch(stop))
    try:
        await publish(train_model(shop_dataset, "v2"))
        channel = RedisModelChannel(redis)
        await poll(lambda: redis_subscribers(redis))
        await channel.announce(ModelChange(bot="shop", version="v2"))
        await poll(lambda: service.current_version("shop") == "v2")
    finally:
        stop.set()
        await watch


async def test_a_model_announced_during_the_first_load_is_served_next(
    registry: MongoModelRegistry,
    gated: GatedBlobStore,
    encoder: HashingEncoder,
    shop_dataset: NluDataset,
    train_model: Train,
    publish: Callable[[NluModel], Any],
    poll: Callable[..., Any],
) -> None:
    channel = QueuedChannel()
    service = NluService(registry=registry, blobs=gated, encoder=encoder, channel=channel)
    await publish(train_model(shop_dataset, "v1"))
    stop = asyncio.Event()
    watch = asyncio.create_task(service.watch(stop))
    try:
        gated.opened.clear()
        first = asyncio.create_task(service.parse(ParseRequest(bot="shop", text="hi")))
        await gated.reading.wait()
        await publish(train_model(shop_dataset, "v2"))
        await channel.announce(ModelChange(bot="shop", version="v2"))
        await channel.delivered()
        gated.opened.set()
        assert (await first).model_version == "v1"
        await poll(lambda: service.current_version("shop") == "v2", within=5.0)
    finally:
        stop.set()
        await watch
        await service.close()


async def test_retired_models_are_dropped_here_and_by_the_replicas_told(
    service: NluService,
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    encoder: HashingEncoder,
    redis: Redis,
    shop_dataset: NluDataset,
    train_model: Train,
    publish: Callable[[NluModel], Any],
    poll: Callable[..., Any],
) -> None:
    replica = NluService(
        registry=registry, blobs=blobs, encoder=encoder, channel=RedisModelChannel(redis, poll_seconds=0.02)
    )
    await publish(train_model(shop_dataset, "v1"))
    for nlu in (service, replica):
        await nlu.parse(ParseRequest(bot="shop", text="hi"))
    stop = asyncio.Event()
    watch = asyncio.create_task(replica.watch(stop))
    try:
        await poll(lambda: redis_subscribers(redis))
        await service.retire_models("shop")
        assert service.current_version("shop") is None
        await poll(lambda: replica.current_version("shop") is None)
        with pytest.raises(NotFoundError, match="no trained model"):
            await replica.parse(ParseRequest(bot="shop", text="hi"))
    finally:
        stop.set()
        await watch
        await replica.close()


async def test_a_model_trained_with_another_encoder_is_refused(
    service: NluService, shop_dataset: NluDataset, publish: Callable[[NluModel], Any]
) -> None:
    await publish(train(shop_dataset, HashingEncoder(dim=64), version="v1"))
    with pytest.raises(IncompatibleModelError, match="hashing-64"):
        await service.parse(ParseRequest(bot="shop", text="hello"))


async def publish_bytes(registry: MongoModelRegistry, blobs: GatedBlobStore | None, data: bytes) -> str:
    """Register shop/v1 with `data` as its artifact (or with no artifact at all); its key."""
    key = artifact_key("shop", "v1")
    if blobs is not None:
        await blobs.put(key, data)
    await registry.add(ModelRecord(bot="shop", version="v1", artifact_key=key))
    return key


async def test_a_registered_model_whose_artifact_is_missing_is_an_outage_not_an_unknown_bot(
    service: NluService, registry: MongoModelRegistry
) -> None:
    key = await publish_bytes(registry, None, b"")
    with structlog.testing.capture_logs() as logs, pytest.raises(ModelUnavailableError) as caught:
        await service.parse(ParseRequest(bot="shop", text="hello"))
    assert not isinstance(caught.value, NotFoundError)
    assert caught.value.code == "model_unavailable"
    assert isinstance(caught.value, TransientError)
    [logged] = [entry for entry in logs if entry["event"] == "model.unavailable"]
    assert (logged["log_level"], logged["bot"], logged["version"], logged["key"]) == (
        "error",
        "shop",
        "v1",
        key,
    )


async def test_a_missing_artifact_that_reappears_is_served_soon_after(
    service: NluService,
    registry: MongoModelRegistry,
    gated: GatedBlobStore,
    shop_dataset: NluDataset,
    train_model: Train,
    poll: Callable[..., Any],
) -> None:
    key = await publish_bytes(registry, None, b"")
    with pytest.raises(ModelUnavailableError):
        await service.parse(ParseRequest(bot="shop", text="hello"))
    await gated.put(key, train_model(shop_dataset, "v1").to_bytes())

    async def served() -> bool:
        try:
            await service.parse(ParseRequest(bot="shop", text="hello"))
        except ModelUnavailableError:
            return False
        return True

    await poll(served)


async def test_a_corrupt_model_is_an_outage_and_is_logged(
    service: NluService, registry: MongoModelRegistry, gated: GatedBlobStore
) -> None:
    key = await publish_bytes(registry, gated, b"not a model")
    with structlog.testing.capture_logs() as logs, pytest.raises(ModelArtifactError) as caught:
        await service.parse(ParseRequest(bot="shop", text="hello"))
    assert isinstance(caught.value, TransientError)
    assert caught.value.code == "model_corrupt"
    [logged] = [entry for entry in logs if entry["event"] == "model.unusable"]
    assert (logged["log_level"], logged["bot"], logged["version"], logged["key"]) == (
        "error",
        "shop",
        "v1",
        key,
    )
    assert logged["code"] == "model_corrupt"


async def test_an_incompatible_model_is_an_outage_not_the_clients_fault(
    service: NluService, shop_dataset: NluDataset, publish: Callable[[NluModel], Any]
) -> None:
    await publish(train(shop_dataset, HashingEncoder(dim=64), version="v1"))
    with structlog.testing.capture_logs() as logs, pytest.raises(IncompatibleModelError) as caught:
        await service.parse(ParseRequest(bot="shop", text="hello"))
    assert isinstance(caught.value, TransientError)
    assert [entry["code"] for entry in logs if entry["event"] == "model.unusable"] == ["model_incompatible"]


async def test_a_burst_for_a_corrupt_model_fetches_it_once(
    registry: MongoModelRegistry, gated: GatedBlobStore, encoder: HashingEncoder
) -> None:
    await publish_bytes(registry, gated, b"not a model")
    assert (
        await registry_queries_in_a_burst(registry, gated, encoder, bot="shop", error=ModelArtifactError) == 1
    )


async def registry_queries_in_a_burst(
    registry: MongoModelRegistry,
    blobs: BlobStore,
    encoder: HashingEncoder,
    *,
    bot: str,
    error: type[Exception],
) -> int:
    """Registry queries made by 20 parses for `bot` that each fail with `error`."""
    counting = CountingRegistry(registry)
    service = NluService(registry=counting, blobs=blobs, encoder=encoder)
    try:
        for _ in range(20):
            with pytest.raises(error):
                await service.parse(ParseRequest(bot=bot, text="hello"))
    finally:
        await service.close()
    return counting.queries


async def test_reload_of_a_bot_without_models_answers_none(service: NluService) -> None:
    assert await service.reload("nobody") is None


async def redis_subscribers(redis: Redis) -> bool:
    [(_, count)] = await redis.pubsub_numsub("parley:models")
    return count > 0


async def test_a_missed_announcement_is_caught_up_by_reconciling(
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    encoder: HashingEncoder,
    shop_dataset: NluDataset,
    train_model: Train,
    publish: Callable[[NluModel], Any],
    poll: Callable[..., Any],
) -> None:
    service = NluService(registry=registry, blobs=blobs, encoder=encoder, reconcile_seconds=0.02)
    await publish(train_model(shop_dataset, "v1"))
    await service.parse(ParseRequest(bot="shop", text="hi"))
    stop = asyncio.Event()
    watch = asyncio.create_task(service.watch(stop))
    try:
        await publish(train_model(shop_dataset, "v2"))
        await poll(lambda: service.current_version("shop") == "v2")
    finally:
        stop.set()
        await watch
        await service.close()


async def test_a_burst_for_an_untrained_bot_costs_one_registry_query(
    registry: MongoModelRegistry, blobs: LocalBlobStore, encoder: HashingEncoder
) -> None:
    assert await registry_queries_in_a_burst(registry, blobs, encoder, bot="nobody", error=NotFoundError) == 1


async def test_the_least_recently_used_model_is_dropped_beyond_the_limit(
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    encoder: HashingEncoder,
    shop_dataset: NluDataset,
    train_model: Train,
    publish: Callable[[NluModel], Any],
) -> None:
    service = NluService(registry=registry, blobs=blobs, encoder=encoder, max_models=2)
    for bot in ["a", "b", "c"]:
        await publish(train_model(msgspec.structs.replace(shop_dataset, bot=bot), f"{bot}1"))
    for bot in ["a", "b", "a", "c"]:
        await service.parse(ParseRequest(bot=bot, text="hello"))
    assert [service.current_version(bot) for bot in ["a", "b", "c"]] == ["a1", None, "c1"]
    assert (await service.parse(ParseRequest(bot="b", text="hello"))).model_version == "b1"
    await service.close()


class CountingRegistry:
    def __init__(self, inner: MongoModelRegistry) -> None:
        self.inner = inner
        self.queries = 0

    async def latest(self, bot: str) -> ModelRecord | None:
        self.queries += 1
        return await self.inner.latest(bot)

    async def get(self, bot: str, version: str) -> ModelRecord | None:
        return await self.inner.get(bot, version)

    async def add(self, record: ModelRecord) -> ModelRecord:
        return await self.inner.add(record)

    async def retire(self, bot: str) -> None:
        await self.inner.retire(bot)

    async def retired_at(self, bot: str) -> datetime | None:
        return await self.inner.retired_at(bot)
