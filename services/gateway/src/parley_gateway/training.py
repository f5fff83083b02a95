"""Starting training jobs and reporting their status. The trainer (NLU) runs them off the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from pymongo.asynchronous.database import AsyncDatabase

from parley_gateway.outbox import BackgroundPublisher
from parley_gateway.ports import BotCatalog
from parley_messages import TrainModel, new_id, utc_now
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.errors import NotFoundError
from parley_runtime.mongo import translate_errors


class TrainingJob(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    job_id: str
    bot: str
    status: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    model_version: str | None = None
    metrics: dict[str, Any] = {}
    error: str | None = None


class TrainingJobs:
    """`training_jobs` in Mongo: the gateway creates a job, the trainer moves it along."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        *,
        catalog: BotCatalog,
        blobs: BlobStore,
        publisher: BackgroundPublisher,
    ) -> None:
        self._jobs = db["training_jobs"]
        self._catalog = catalog
        self._blobs = blobs
        self._publisher = publisher

    async def ensure_indexes(self) -> None:
        async with translate_errors():
            await self._jobs.create_index([("bot", 1), ("created_at", -1)])

    async def start(self, bot: str, *, force: bool = False) -> TrainingJob:
        """Snapshot the bot's dataset, record a queued job, and queue `TrainModel`."""
        dataset = await self._catalog.training_dataset(bot)
        job = TrainingJob(job_id=new_id(), bot=bot, status="queued", created_at=utc_now())
        key = f"datasets/{bot}/{job.job_id}.json"
        await self._blobs.put(key, msgspec.json.encode(dataset))
        async with translate_errors():
            await self._jobs.insert_one(
                {"_id": job.job_id, **msgspec.to_builtins(job, builtin_types=(datetime,))}
            )
        self._publisher.submit(TrainModel(bot=bot, job_id=job.job_id, dataset_key=key, force=force))
        return job

    async def get(self, bot: str, job_id: str) -> TrainingJob:
        async with translate_errors():
            doc = await self._jobs.find_one({"_id": job_id, "bot": bot})
        if doc is None:
            raise NotFoundError(f"no training job {job_id!r} for bot {bot!r}")
        doc["job_id"] = doc.pop("_id")
        return msgspec.convert(doc, TrainingJob, from_attributes=False, strict=False)
