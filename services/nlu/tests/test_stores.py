"""Contract of the registry and announcement adapters: the in-process emulations always, and real
MongoDB / Redis too when `MONGODB_URL` / `PARLEY_TEST_REDIS_URL` (or `REDIS_URL`) name one."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import new_id, utc_now
from parley_nlu.ports import JobAttempt, ModelChange, ModelRecord
from parley_nlu.stores import MongoModelRegistry, MongoTrainingJobs, RedisModelChannel
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import close_mongo, connect_mongo
from parley_runtime.redis import connect_redis

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL") or os.environ.get("REDIS_URL")
MONGODB_URL = os.environ.get("MONGODB_URL")


def backends(url: str | None, real: str) -> list[Any]:
    return ["emulation", pytest.param(url, id=real, marks=pytest.mark.integration)] if url else ["emulation"]


@pytest.fixture(params=backends(MONGODB_URL, "mongodb"))
async def mongo(request: pytest.FixtureRequest) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    url = None if request.param == "emulation" else request.param
    db = connect_mongo(InfraSettings(mongodb_url=url, mongodb_database=f"test_nlu_{new_id()[:8]}"))
    yield db
    await db.client.drop_database(db.name)
    await close_mongo(db)


@pytest.fixture(params=backends(REDIS_URL, "redis"))
async def redis_client(request: pytest.FixtureRequest) -> AsyncIterator[Redis]:
    client = connect_redis(InfraSettings(redis_url=None if request.param == "emulation" else request.param))
    yield client
    await client.aclose()


async def test_the_latest_model_is_the_newest_published(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    registry = MongoModelRegistry(mongo)
    await registry.ensure_indexes()
    now = utc_now()
    await registry.add(
        ModelRecord(bot="b", version="old", artifact_key="k1", created_at=now - timedelta(hours=1))
    )
    await registry.add(ModelRecord(bot="b", version="new", artifact_key="k2", created_at=now))
    await registry.add(
        ModelRecord(bot="b", version="draft", artifact_key="k3", created_at=now, status="draft")
    )
    await registry.add(
        ModelRecord(bot="other", version="x", artifact_key="k4", created_at=now + timedelta(1))
    )
    latest = await registry.latest("b")
    assert latest is not None and (latest.version, latest.artifact_key) == ("new", "k2")


async def test_the_latest_model_is_the_one_requested_last(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    registry = MongoModelRegistry(mongo)
    await registry.ensure_indexes()
    now = utc_now()
    hour = timedelta(hours=1)
    await registry.add(
        ModelRecord(bot="b", version="newer", artifact_key="k1", created_at=now, requested_at=now - hour)
    )
    await registry.add(
        ModelRecord(
            bot="b", version="older", artifact_key="k2", created_at=now + hour, requested_at=now - 2 * hour
        )
    )
    await registry.add(
        ModelRecord(bot="b", version="unrequested", artifact_key="k3", created_at=now + 2 * hour)
    )
    latest = await registry.latest("b")
    assert latest is not None and (latest.version, latest.requested_at) == ("newer", now - hour)


async def test_jobs_requested_within_a_millisecond_are_told_apart(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    registry = MongoModelRegistry(mongo)
    now = utc_now().replace(microsecond=500)
    later = now + timedelta(microseconds=1)
    await registry.add(ModelRecord(bot="b", version="later", artifact_key="k1", requested_at=later))
    await registry.add(ModelRecord(bot="b", version="sooner", artifact_key="k2", requested_at=now))
    latest = await registry.latest("b")
    assert latest is not None and (latest.version, latest.requested_at) == ("later", later)


async def test_retired_models_are_not_served_but_later_requests_are(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    registry = MongoModelRegistry(mongo)
    before = utc_now() - timedelta(seconds=1)
    await registry.add(ModelRecord(bot="b", version="old", artifact_key="k1", requested_at=before))
    await registry.add(ModelRecord(bot="b", version="unrequested", artifact_key="k2"))
    await registry.retire("b")
    retired_at = await registry.retired_at("b")
    assert retired_at is not None and retired_at > before and await registry.latest("b") is None
    await registry.add(ModelRecord(bot="b", version="late", artifact_key="k3", requested_at=before))
    assert await registry.latest("b") is None
    assert {doc["status"] async for doc in mongo["models"].find({"version": {"$ne": "late"}})} == {"retired"}
    after = retired_at + timedelta(microseconds=1)
    await registry.add(ModelRecord(bot="b", version="new", artifact_key="k4", requested_at=after))
    latest = await registry.latest("b")
    assert latest is not None and latest.version == "new"


async def test_a_bot_never_retired_has_no_retirement(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    assert await MongoModelRegistry(mongo).retired_at("b") is None


async def test_a_bot_without_models_has_no_latest(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    assert await MongoModelRegistry(mongo).latest("nobody") is None


async def test_adding_a_version_twice_keeps_the_first(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    registry = MongoModelRegistry(mongo)
    first = ModelRecord(bot="b", version="v1", artifact_key="k", metrics={"accuracy": 0.9})
    assert await registry.add(first) == first
    again = ModelRecord(bot="b", version="v1", artifact_key="k", metrics={"accuracy": 0.8})
    assert (await registry.add(again)).metrics == {"accuracy": 0.9}
    assert await mongo["models"].count_documents({"bot": "b"}) == 1


async def _versions(registry: MongoModelRegistry, bot: str, **page: Any) -> list[str]:
    return [record.version for record in await registry.history(bot, **page)]


async def test_history_lists_every_model_in_the_order_the_latest_is_chosen_by(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    registry = MongoModelRegistry(mongo)
    await registry.ensure_indexes()
    now = utc_now()
    hour = timedelta(hours=1)
    for version, requested, created in [
        ("first", now - 3 * hour, now - 3 * hour),
        ("tie-a", now - hour, now - 2 * hour),
        ("tie-b", now - hour, now - 2 * hour),
        ("tie-later", now - hour, now - hour),
        ("rollback", now, now - 3 * hour),
        ("ancient", None, now - 9 * hour),
        ("old", None, now - 8 * hour),
    ]:
        await registry.add(
            ModelRecord(
                bot="b", version=version, artifact_key=version, requested_at=requested, created_at=created
            )
        )
    await registry.add(ModelRecord(bot="other", version="x", artifact_key="x", requested_at=now + hour))
    expected = ["rollback", "tie-later", "tie-b", "tie-a", "first", "old", "ancient"]
    assert await _versions(registry, "b", limit=50) == expected
    latest = await registry.latest("b")
    assert latest is not None and latest.version == expected[0]


async def test_history_pages_from_the_model_after_the_last_one_listed(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    registry = MongoModelRegistry(mongo)
    now = utc_now()
    for index, version in enumerate(["a", "b", "c", "d"]):
        moment = now - timedelta(minutes=index)
        await registry.add(ModelRecord(bot="b", version=version, artifact_key=version, requested_at=moment))
    for version in ("y", "z"):  # registered before requests were recorded, in one millisecond
        await registry.add(ModelRecord(bot="b", version=version, artifact_key=version, created_at=now))
    pages: list[list[str]] = []
    after: ModelRecord | None = None
    while page := await registry.history("b", limit=2, after=after):
        pages.append([record.version for record in page])
        after = page[-1]
    assert pages == [["a", "b"], ["c", "d"], ["z", "y"]]


async def test_history_keeps_retired_models_and_what_a_record_publishes_again(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    registry = MongoModelRegistry(mongo)
    before = utc_now() - timedelta(seconds=1)
    await registry.add(ModelRecord(bot="b", version="v1", artifact_key="k1", requested_at=before))
    again = ModelRecord(
        bot="b", version="v2", artifact_key="k1", requested_at=utc_now(), republished_from="v1"
    )
    await registry.add(again)
    await registry.retire("b")
    listed = await registry.history("b", limit=10)
    assert [(r.version, r.status, r.republished_from) for r in listed] == [
        ("v2", "retired", "v1"),
        ("v1", "retired", None),
    ]
    assert await registry.get("b", "v2") == msgspec.structs.replace(again, status="retired")


async def test_a_job_moves_from_running_to_succeeded(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    jobs = MongoTrainingJobs(mongo)
    assert await jobs.status("j") is None
    await jobs.start("j", "b")
    assert await jobs.status("j") == "running"
    await jobs.succeed("j", model_version="v1", metrics={"accuracy": 1.0})
    doc = await mongo["training_jobs"].find_one({"_id": "j"})
    assert doc is not None and (doc["status"], doc["model_version"], doc["bot"]) == ("succeeded", "v1", "b")


async def test_attempts_are_counted_and_a_vanished_one_is_noticed(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    jobs = MongoTrainingJobs(mongo)
    assert await jobs.start("j", "b") == JobAttempt(number=1)
    await jobs.attempt_failed("j", error="timeout")
    assert await jobs.start("j", "b") == JobAttempt(number=2)
    assert await jobs.start("j", "b") == JobAttempt(number=3, previous_vanished=True)


async def test_a_failed_job_run_again_starts_counting_anew(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    jobs = MongoTrainingJobs(mongo)
    await jobs.start("j", "b")
    await jobs.fail("j", status="failed", error="gave up")
    await jobs.attempt_failed("j", error="late")
    assert await jobs.start("j", "b") == JobAttempt(number=1)


async def test_a_failed_job_keeps_its_error(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    jobs = MongoTrainingJobs(mongo)
    await jobs.start("j", "b")
    await jobs.fail("j", status="rejected", error="no intents")
    doc = await mongo["training_jobs"].find_one({"_id": "j"})
    assert doc is not None and (doc["status"], doc["error"]) == ("rejected", "no intents")


async def test_a_refused_job_keeps_its_metrics(mongo: AsyncDatabase[dict[str, Any]]) -> None:
    jobs = MongoTrainingJobs(mongo)
    await jobs.start("j", "b")
    await jobs.fail("j", status="rejected", error="worse", metrics={"quality": 0.5})
    doc = await mongo["training_jobs"].find_one({"_id": "j"})
    assert doc is not None and (doc["status"], doc["metrics"]) == ("rejected", {"quality": 0.5})


async def test_the_jobs_requested_by_a_time_are_those_of_the_bot_created_by_then(
    mongo: AsyncDatabase[dict[str, Any]],
) -> None:
    now = utc_now()
    for job_id, bot, created_at in [
        ("old", "pizza", now - timedelta(minutes=1)),
        ("at", "pizza", now),
        ("new", "pizza", now + timedelta(seconds=1)),
        ("other", "pizzeria", now - timedelta(minutes=1)),
    ]:
        await mongo["training_jobs"].insert_one({"_id": job_id, "bot": bot, "created_at": created_at})
    jobs = MongoTrainingJobs(mongo)
    asked = ["old", "at", "new", "other", "unknown"]
    assert await jobs.requested_through("pizza", asked, now) == {"old", "at"}
    assert await jobs.requested_through("pizza", ["new"], now) == set()


async def test_announcements_reach_a_listener_and_malformed_ones_are_skipped(
    redis_client: Redis, poll: Callable[..., Any]
) -> None:
    name = f"parley:models:test:{new_id()}"  # pub/sub spans databases: a channel of our own
    channel = RedisModelChannel(redis_client, channel=name, poll_seconds=0.02)
    stop = asyncio.Event()
    received: list[ModelChange] = []

    async def listen() -> None:
        async for change in channel.changes(stop):
            received.append(change)

    listener = asyncio.create_task(listen())
    await poll(lambda: _subscribed(redis_client, name))
    await redis_client.publish(name, b"not json")
    await channel.announce(ModelChange(bot="b", version="v2"))
    await poll(lambda: received)
    stop.set()
    await listener
    assert received == [ModelChange(bot="b", version="v2")]


async def _subscribed(redis: Redis, channel: str) -> bool:
    [(_, count)] = await redis.pubsub_numsub(channel)
    return count > 0
