"""A deleted bot in the trainer: its blobs deleted, its training jobs refused.

The blobs are the artifacts of its retired models and its training snapshots.

The gateway retires a bot's models (`NluService.retire_models`) before the dialogue deletes the
bot and announces it (`BotDeleted`, which the training queue receives too); the trainer, whose
role already reads `datasets/` and writes `models/`, then deletes what the bot left in the bucket:

- under `models/{bot}/`, the artifacts of the models the registry calls retired (`history.retired`:
  requested up to the retirement), unless a model still served has the same artifact;
- under `datasets/{bot}/`, the snapshots of the training jobs requested up to the retirement, which
  the trainer refuses to publish (`deleted_since`), and deletes what they store (`refused_as_deleted`).

The cut is the retirement, not the prefix: a bot created again under the name and trained before
the announcement is handled (queues keep no order, and a failed handling is retried) keeps its own
models and snapshots. Deleting again finds nothing left to delete, and each prefix ends in `/`, so
`pizza`'s deletion never reaches `pizzeria`'s blobs. Left behind: an object whose registry record
or job document was never written (its writer died in between), and any object under the prefixes
that is not a model artifact or a snapshot.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
import structlog

from parley_messages import BotDeleted, TrainModel
from parley_nlu.history import retired
from parley_nlu.ports import ModelRegistry, TrainingJobs
from parley_runtime.blobs.ports import BlobStore

log = structlog.get_logger(__name__)

HISTORY_PAGE = 200
"""Registry records read at a time."""


class BlobsDeleted(msgspec.Struct, frozen=True, kw_only=True):
    """What deleting a bot's blobs deleted (sorted keys)."""

    bot: str
    models: list[str] = []
    datasets: list[str] = []


def models_prefix(bot: str) -> str:
    return f"models/{bot}/"


def datasets_prefix(bot: str) -> str:
    return f"datasets/{bot}/"


async def handle_bot_deleted(
    message: BotDeleted, *, registry: ModelRegistry, jobs: TrainingJobs, blobs: BlobStore
) -> BlobsDeleted:
    """Delete the blobs of `message.bot` up to its models' retirement; none if they were never
    retired (its models are still served, so the deletion did not come through the gateway)."""
    bot = message.bot
    retired_at = await registry.retired_at(bot)
    if retired_at is None:
        log.warning("bot.blobs_kept", bot=bot, reason="its models were never retired")
        return BlobsDeleted(bot=bot)
    deleted = BlobsDeleted(
        bot=bot,
        models=await _retired_artifacts(registry, blobs, bot, retired_at),
        datasets=await _old_snapshots(jobs, blobs, bot, retired_at),
    )
    for key in (*deleted.models, *deleted.datasets):
        await blobs.delete(key)
    log.info("bot.blobs_deleted", bot=bot, models=len(deleted.models), datasets=len(deleted.datasets))
    return deleted


def deleted_since(bot: str, requested_at: datetime | None, retired_at: datetime | None) -> str | None:
    """Why a model of `bot` trained on request at `requested_at` must not be published: the bot was
    deleted (its models retired at `retired_at`) after its training was requested."""
    if retired_at is None or requested_at is None or requested_at > retired_at:
        return None
    return f"bot {bot!r} was deleted after this training job was requested"


async def refused_as_deleted(
    message: TrainModel,
    *,
    jobs: TrainingJobs,
    registry: ModelRegistry,
    blobs: BlobStore,
    metrics: dict[str, float] | None = None,
    artifact_key: str | None = None,
) -> bool:
    """Whether the job was refused (`rejected`, with `metrics` if trained) because its bot was
    deleted since it was requested; then what it stored is deleted: its snapshot and `artifact_key`,
    its model if registered. Either may have been written after the bot's blobs were deleted (the
    job ran meanwhile), and nothing will ever read them."""
    refusal = deleted_since(message.bot, message.occurred_at, await registry.retired_at(message.bot))
    if refusal is None:
        return False
    await jobs.fail(message.job_id, status="rejected", error=refusal, metrics=metrics)
    log.info("training.refused", bot=message.bot, job_id=message.job_id, reason=refusal)
    for key, prefix in ((message.dataset_key, datasets_prefix), (artifact_key, models_prefix)):
        if key is not None and key.startswith(prefix(message.bot)):
            await blobs.delete(key)
    return True


async def _retired_artifacts(
    registry: ModelRegistry, blobs: BlobStore, bot: str, retired_at: datetime
) -> list[str]:
    """The stored artifacts of `bot`'s retired models that no model still served shares."""
    doomed: set[str] = set()
    kept: set[str] = set()
    after = None
    while records := await registry.history(bot, limit=HISTORY_PAGE, after=after):
        for record in records:
            (doomed if retired(record, retired_at) else kept).add(record.artifact_key)
        after = records[-1]
    return [key for key in await blobs.list(models_prefix(bot)) if key in doomed - kept]


async def _old_snapshots(jobs: TrainingJobs, blobs: BlobStore, bot: str, retired_at: datetime) -> list[str]:
    """The stored snapshots (`datasets/{bot}/{job_id}.json`) of `bot`'s jobs requested by `retired_at`."""
    prefix = datasets_prefix(bot)
    by_job = {
        key.removeprefix(prefix).removesuffix(".json"): key
        for key in await blobs.list(prefix)
        if key.endswith(".json") and "/" not in key.removeprefix(prefix)
    }
    if not by_job:
        return []
    requested = await jobs.requested_through(bot, sorted(by_job), retired_at)
    return sorted(by_job[job_id] for job_id in requested if job_id in by_job)
