"""Adapters of the NLU ports: the model registry and training jobs in MongoDB, model news on Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import structlog
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from parley_messages import utc_now
from parley_nlu.ports import JobAttempt, JobFailure, ModelChange, ModelRecord
from parley_runtime.errors import TransientError
from parley_runtime.mongo import translate_errors

log = structlog.get_logger(__name__)

MODELS_CHANNEL = "parley:models"
"""Redis pub/sub channel of `{"bot", "version"}` announcements (`version` null: models retired)."""

_change_decoder = msgspec.json.Decoder(ModelChange)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST_FIRST = [("request_order", DESCENDING), ("created_at", DESCENDING), ("version", DESCENDING)]
"""The registry's order: the first published model of a bot is the one it is served by."""


class MongoModelRegistry:
    """`models`: one document per model version, `_id` = `{bot}:{version}`.

    `request_order` (microseconds since the epoch of `requested_at`) orders the models: two training
    jobs requested within a millisecond are still told apart. Retiring a bot's models marks them
    `retired` and keeps the time in `model_retirements` (`_id` = bot), so that a model of an older
    request registered afterwards is not served either.
    """

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._models = db["models"]
        self._retirements = db["model_retirements"]

    async def ensure_indexes(self) -> None:
        async with translate_errors():
            await self._models.create_index(
                [("bot", ASCENDING), ("request_order", DESCENDING), ("created_at", DESCENDING)]
            )

    async def latest(self, bot: str) -> ModelRecord | None:
        query: dict[str, Any] = {"bot": bot, "status": "published"}
        async with translate_errors():
            retirement = await self._retirements.find_one({"_id": bot})
            if retirement is not None:  # and a model registered as its bot was being deleted
                query["request_order"] = {"$gt": retirement["retired_order"]}
            doc = await self._models.find_one(query, sort=_LATEST_FIRST)
        return None if doc is None else _record(doc)

    async def history(self, bot: str, *, limit: int, after: ModelRecord | None = None) -> list[ModelRecord]:
        query: dict[str, Any] = {"bot": bot}
        if after is not None:
            query["$or"] = _coming_after(after)
        async with translate_errors():
            found = self._models.find(query).sort(_LATEST_FIRST).limit(limit)
            return [_record(doc) async for doc in found]

    async def get(self, bot: str, version: str) -> ModelRecord | None:
        async with translate_errors():
            doc = await self._models.find_one({"_id": f"{bot}:{version}"})
        return None if doc is None else _record(doc)

    async def add(self, record: ModelRecord) -> ModelRecord:
        key = f"{record.bot}:{record.version}"
        doc = msgspec.to_builtins(record, builtin_types=(datetime,))
        if record.requested_at is not None:
            doc["request_order"] = _microseconds(record.requested_at)
        async with translate_errors():
            try:
                await self._models.insert_one({"_id": key, **doc})
            except DuplicateKeyError:
                registered = await self._models.find_one({"_id": key})
                return record if registered is None else _record(registered)
        return record

    async def retire(self, bot: str) -> None:
        now = datetime.now(UTC)  # to the microsecond, as requests are ordered
        order = _microseconds(now)
        older = [{"request_order": {"$lte": order}}, {"request_order": {"$exists": False}}]
        async with translate_errors():
            await self._retirements.update_one(
                {"_id": bot}, {"$max": {"retired_order": order, "retired_at": now}}, upsert=True
            )
            await self._models.update_many(
                {"bot": bot, "status": "published", "$or": older}, {"$set": {"status": "retired"}}
            )

    async def retired_at(self, bot: str) -> datetime | None:
        async with translate_errors():
            retirement = await self._retirements.find_one({"_id": bot})
        return None if retirement is None else _EPOCH + timedelta(microseconds=retirement["retired_order"])


class MongoTrainingJobs:
    """`training_jobs`, shared with the gateway, which creates a job as `queued`."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._jobs = db["training_jobs"]

    async def status(self, job_id: str) -> str | None:
        async with translate_errors():
            doc = await self._jobs.find_one({"_id": job_id}, projection={"status": True})
        return None if doc is None else str(doc.get("status"))

    async def start(self, job_id: str, bot: str) -> JobAttempt:
        async with translate_errors():
            before = await self._jobs.find_one(
                {"_id": job_id}, projection={"status": True, "attempts": True, "error": True}
            )
        attempt = _next_attempt(before or {})
        now = utc_now()
        await self._update(
            job_id,
            {
                "$set": {"status": "running", "started_at": now, "error": None, "attempts": attempt.number},
                "$setOnInsert": {"bot": bot, "created_at": now},
            },
        )
        return attempt

    async def attempt_failed(self, job_id: str, *, error: str) -> None:
        async with translate_errors():
            await self._jobs.update_one({"_id": job_id, "status": "running"}, {"$set": {"error": error}})

    async def succeed(self, job_id: str, *, model_version: str, metrics: dict[str, Any]) -> None:
        await self._update(
            job_id,
            {
                "$set": {
                    "status": "succeeded",
                    "finished_at": utc_now(),
                    "model_version": model_version,
                    "metrics": metrics,
                }
            },
        )

    async def fail(
        self, job_id: str, *, status: JobFailure, error: str, metrics: dict[str, Any] | None = None
    ) -> None:
        finished = {"status": status, "finished_at": utc_now(), "error": error}
        await self._update(job_id, {"$set": finished | ({} if metrics is None else {"metrics": metrics})})

    async def requested_through(self, bot: str, job_ids: list[str], through: datetime) -> set[str]:
        """By `created_at`: when the gateway queued the job (or the trainer first saw it, if it did not)."""
        query = {"_id": {"$in": job_ids}, "bot": bot, "created_at": {"$lte": through}}
        async with translate_errors():
            return {str(doc["_id"]) async for doc in self._jobs.find(query, projection={"_id": True})}

    async def _update(self, job_id: str, update: dict[str, Any]) -> None:
        async with translate_errors():
            await self._jobs.update_one({"_id": job_id}, update, upsert=True)


class RedisModelChannel:
    """Announcements on Redis pub/sub: fire-and-forget, so a replica also reloads when it first parses."""

    def __init__(
        self,
        redis: Redis,
        *,
        channel: str = MODELS_CHANNEL,
        poll_seconds: float = 0.5,
        reconnect_seconds: float = 2.0,
    ) -> None:
        self._redis: Any = redis
        self._channel = channel
        self._poll_seconds = poll_seconds
        self._reconnect_seconds = reconnect_seconds

    async def announce(self, change: ModelChange) -> None:
        try:
            await self._redis.publish(self._channel, msgspec.json.encode(change))
        except (RedisError, OSError) as exc:
            raise TransientError(f"redis publish: {type(exc).__name__}") from exc

    async def changes(self, stop: asyncio.Event) -> AsyncIterator[ModelChange]:
        """Announcements until `stop`; a lost connection is re-established after a pause."""
        while not stop.is_set():
            try:
                async for change in self._subscription(stop):
                    yield change
            except (RedisError, OSError) as exc:
                log.warning("model_channel.disconnected", error=type(exc).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._reconnect_seconds)

    async def _subscription(self, stop: asyncio.Event) -> AsyncIterator[ModelChange]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            while not stop.is_set():
                change = _decode_change(await pubsub.get_message(timeout=self._poll_seconds))
                if change is not None:
                    yield change
        finally:
            await pubsub.aclose()


def _decode_change(message: dict[str, Any] | None) -> ModelChange | None:
    if message is None or message.get("type") != "message":
        return None
    try:
        return _change_decoder.decode(message["data"])
    except (msgspec.DecodeError, msgspec.ValidationError):
        log.warning("model_change.malformed", data=repr(message["data"])[:200])
        return None


def _next_attempt(job: dict[str, Any]) -> JobAttempt:
    """The attempt that starts on `job` as stored: a `running` job without an error lost its last run."""
    if job.get("status") == "failed":
        return JobAttempt(number=1)
    vanished = job.get("status") == "running" and not job.get("error")
    return JobAttempt(number=int(job.get("attempts") or 0) + 1, previous_vanished=vanished)


def _record(doc: dict[str, Any]) -> ModelRecord:
    doc.pop("_id", None)
    order = doc.pop("request_order", None)
    if order is not None:  # exact, where the date MongoDB stores has milliseconds only
        doc["requested_at"] = _EPOCH + timedelta(microseconds=order)
    return msgspec.convert(doc, ModelRecord, strict=False)


def _coming_after(record: ModelRecord) -> list[dict[str, Any]]:
    """The alternatives of a query for the models that come after `record` in `_LATEST_FIRST`, where
    those without `request_order` (registered before it was recorded) come last."""
    created, version = record.created_at, record.version
    same_order = [{"created_at": {"$lt": created}}, {"created_at": created, "version": {"$lt": version}}]
    if record.requested_at is None:
        return [{"request_order": {"$exists": False}, **rest} for rest in same_order]
    order = _microseconds(record.requested_at)
    return [
        {"request_order": {"$lt": order}},
        {"request_order": {"$exists": False}},
        *({"request_order": order, **rest} for rest in same_order),
    ]


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)
