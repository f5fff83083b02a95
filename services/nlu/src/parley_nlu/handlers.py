"""The training queue's handler: a `TrainModel` in, a registered and announced model version out.

Training itself is `trainer.train`; this module decides what a job's model may replace, and keeps
the job's status in step with what was published.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import datetime

import msgspec
import structlog

from parley_messages import ModelPublished, NluDataset, TrainModel
from parley_nlu.deletion import refused_as_deleted
from parley_nlu.encoder import Encoder
from parley_nlu.history import described
from parley_nlu.model import NluModel
from parley_nlu.ports import ModelChange, ModelChannel, ModelRecord, ModelRegistry, TrainingJobs
from parley_nlu.trainer import artifact_key, train
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.bus.ports import Bus
from parley_runtime.errors import InvalidInputError, NotFoundError, ParleyError, PermanentError
from parley_runtime.worker import receive_count

log = structlog.get_logger(__name__)

COMPARED_METRICS = ("quality", "in_scope_accuracy", "accuracy")
"""Held-out metrics a new model is compared on with the current one, best first (see `worse_than`)."""
THRESHOLD_FREE_METRICS = ("accuracy",)
"""Those of `COMPARED_METRICS` that the fallback threshold does not move."""
TOLERANCE = 0.02
"""How much lower a new model may score than the current one and still be published."""
_dataset_decoder = msgspec.json.Decoder(NluDataset)


def version_for(job_id: str) -> str:
    """A job's model version: the same on every redelivery, so a retried job replaces, never duplicates."""
    return job_id[:16]


async def handle_train(
    message: TrainModel,
    *,
    jobs: TrainingJobs,
    registry: ModelRegistry,
    blobs: BlobStore,
    bus: Bus,
    channel: ModelChannel,
    encoder: Encoder,
    max_attempts: int | None = None,
) -> None:
    """Run one attempt of a training job, and leave the job's status saying how it ended.

    A job ends `failed` (with the reason) on a permanent error anywhere in it, and when its attempt
    number `max_attempts` (the worker's `WORKER_MAX_RECEIVES`), by its own count or the broker's
    receive count, fails too; the message is then dead-lettered. An earlier failed attempt leaves it
    `running`, with the error, to be tried again. The last attempt is not started when the one
    before vanished (its trainer died, e.g. out of memory), since dying again would leave the job
    `running` for ever.
    """
    if await jobs.status(message.job_id) in ("succeeded", "rejected"):
        log.info("training.skipped", job_id=message.job_id, reason="already finished")
        return
    attempt = await jobs.start(message.job_id, message.bot)
    # The broker's count too: a delivery that failed before `start` counted it is not in the job's.
    last = max_attempts is not None and max(attempt.number, receive_count() or 0) >= max_attempts
    try:
        if last and attempt.previous_vanished:
            raise PermanentError(
                f"the trainer died during attempt {attempt.number - 1} (out of memory?); not trying again"
            )
        await _train_and_publish(
            message, jobs=jobs, registry=registry, blobs=blobs, bus=bus, channel=channel, encoder=encoder
        )
    except PermanentError as exc:
        status = "rejected" if isinstance(exc, InvalidInputError) else "failed"
        await jobs.fail(message.job_id, status=status, error=str(exc))
        raise
    except (Exception, asyncio.CancelledError) as exc:  # recorded, then raised again for the worker
        reason = _reason(exc)
        if not last:
            await _attempt_failed(jobs, message.job_id, f"attempt {attempt.number} failed: {reason}")
            raise
        error = f"gave up after {attempt.number} attempts; the last failed: {reason}"
        await jobs.fail(message.job_id, status="failed", error=error)
        if isinstance(exc, asyncio.CancelledError):
            raise
        raise PermanentError(f"training job {message.job_id}: {error}") from exc


async def _train_and_publish(
    message: TrainModel,
    *,
    jobs: TrainingJobs,
    registry: ModelRegistry,
    blobs: BlobStore,
    bus: Bus,
    channel: ModelChannel,
    encoder: Encoder,
) -> None:
    """Train, store and register the model, announce it, and mark the job succeeded, in that order.

    The job is marked last: when announcing fails (an SQS or Redis error, a killed trainer), the job
    is still `running` and its redelivery announces again, without training again (the model is
    registered). A model is not published (the job ends `rejected`) when the bot was deleted after
    the job was requested (and what the job stored is deleted), when a job of the bot requested
    later has published one already, nor when it scores below the bot's current one of the same
    intents, unless the command says `force`.
    """
    record = await registry.get(message.bot, version_for(message.job_id))
    if record is None:
        record = await _register(message, jobs=jobs, registry=registry, blobs=blobs, encoder=encoder)
        if record is None:
            return
    # Again once registered: the bot may have been deleted meanwhile (then its model is not served).
    if await refused_as_deleted(
        message,
        jobs=jobs,
        registry=registry,
        blobs=blobs,
        metrics=record.metrics,
        artifact_key=record.artifact_key,
    ):
        return
    await bus.publish(published(record, correlation_id=message.correlation_id))
    await channel.announce(ModelChange(bot=record.bot, version=record.version))
    await jobs.succeed(message.job_id, model_version=record.version, metrics=record.metrics)
    log.info("training.succeeded", bot=record.bot, job_id=message.job_id, version=record.version)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.CancelledError):  # recorded, so the next attempt knows it did not vanish
        return "it was cancelled (the worker stopping, or the handler's deadline)"
    return f"{type(exc).__name__}: {exc}"


async def _attempt_failed(jobs: TrainingJobs, job_id: str, error: str) -> None:
    """Record a failed attempt if the store answers; the failure itself is what the worker must see."""
    try:
        await jobs.attempt_failed(job_id, error=error)
    except ParleyError:
        log.warning("training.attempt_not_recorded", job_id=job_id, error=error)


async def _register(
    message: TrainModel, *, jobs: TrainingJobs, registry: ModelRegistry, blobs: BlobStore, encoder: Encoder
) -> ModelRecord | None:
    """Train the job's model, store and register it; None when it is refused (the job is then `rejected`).

    A job of a bot deleted since it was requested is refused before training (its snapshot may be
    gone with the bot's other blobs: `deletion`), and again after, should the deletion come meanwhile."""
    if await refused_as_deleted(message, jobs=jobs, registry=registry, blobs=blobs):
        return None
    model = await _train_job(message, blobs=blobs, encoder=encoder)
    record = model_record(model, job_id=message.job_id, requested_at=message.occurred_at)
    if await refused_as_deleted(message, jobs=jobs, registry=registry, blobs=blobs, metrics=record.metrics):
        return None
    current = await registry.latest(message.bot)
    refusal = superseded(record, current) or (None if message.force else worse_than(record, current))
    if refusal is not None:
        await _refuse(jobs, message, refusal, metrics=record.metrics)
        return None
    await blobs.put(record.artifact_key, model.to_bytes())
    return await registry.add(record)


async def _refuse(
    jobs: TrainingJobs, message: TrainModel, refusal: str, *, metrics: dict[str, float] | None
) -> None:
    await jobs.fail(message.job_id, status="rejected", error=refusal, metrics=metrics)
    log.info("training.refused", bot=message.bot, job_id=message.job_id, reason=refusal)


def superseded(record: ModelRecord, current: ModelRecord | None) -> str | None:
    """Why `record` must not replace `current`, a model of a training job requested after its own.

    Jobs of one bot may finish out of order (several trainers, a retried job); the most recently
    requested one's model is the bot's, even with `force`. So is a model published again after this
    job was requested (a rollback), which a job that was running meanwhile must not undo.
    """
    if current is None or current.requested_at is None or record.requested_at is None:
        return None
    if current.requested_at <= record.requested_at:
        return None
    if current.republished_from is not None:
        return (
            f"model {described(current)} was published after this training job was requested; "
            "train again to publish this job's data"
        )
    return (
        f"model {current.version}, of a training job requested after this one, is already published; "
        "train again to publish this job's data"
    )


def worse_than(record: ModelRecord, current: ModelRecord | None) -> str | None:
    """Why `record`, a new model, must not replace `current`, or None when it may.

    Compared on the first of `COMPARED_METRICS` both have, with `TOLERANCE` for the noise of
    cross-validation; retrain with `force` to publish anyway. When the bot's fallback threshold
    changed, only on `THRESHOLD_FREE_METRICS`: a higher threshold sends more to fallback on purpose.
    A new model that could not be scored at all (no intent had two examples to hold one out) does
    not replace a scored one: cutting a bot's examples down is the mistake the comparison is for.
    Not at all when the two tell different intents apart: each added intent is one more to confuse
    and one fewer left out to stand for out-of-scope input, so scores of different intent sets do not
    say which model is better, and a bot's edited intents are its owner's decision.
    """
    if current is None or (current.intents and current.intents != record.intents):
        return None
    if not _scored(record.metrics) and _scored(current.metrics):
        name = next(name for name in COMPARED_METRICS if name in current.metrics)
        return (
            "the new model could not be scored (no intent has two examples, so none could be held out) "
            f"and the current model {described(current)} of the same intents scores {name} "
            f"{current.metrics[name]:.3f}; retrain with force to publish it anyway"
        )
    metrics = record.metrics
    old_threshold = current.metrics.get("threshold")
    moved = old_threshold is not None and metrics.get("threshold", old_threshold) != old_threshold
    for name in THRESHOLD_FREE_METRICS if moved else COMPARED_METRICS:
        if name in metrics and name in current.metrics:
            new, old = metrics[name], current.metrics[name]
            if new < old - TOLERANCE:
                return (
                    f"the new model scores {name} {new:.3f} on held-out data, below the current model "
                    f"{described(current)} ({old:.3f}) of the same intents; retrain with force to publish "
                    "it anyway"
                )
            return None
    return None


def _scored(metrics: dict[str, float]) -> bool:
    """Whether a model's metrics hold a held-out score to compare (none when nothing was held out)."""
    return any(name in metrics for name in COMPARED_METRICS)


def model_record(
    model: NluModel, *, job_id: str | None = None, requested_at: datetime | None = None
) -> ModelRecord:
    """The registry entry of `model`, whose artifact lives at `artifact_key(bot, version)`."""
    return ModelRecord(
        bot=model.bot,
        version=model.version,
        artifact_key=artifact_key(model.bot, model.version),
        metrics=model.meta.metrics,
        intents=sorted(model.meta.classifier.intents),
        created_at=model.created_at,
        requested_at=requested_at,
        job_id=job_id,
    )


def published(record: ModelRecord, *, correlation_id: str | None) -> ModelPublished:
    """The event of the registered `record`.

    Its id and time come from the record, so every copy sent for one model (a redelivered job, one
    job run twice at once, a rollback asked for again) is the same event, which analytics counts
    once: on the day the model was trained, or for a model published again, on the day it was.
    """
    published_at = record.created_at
    if record.republished_from is not None and record.requested_at is not None:
        published_at = record.requested_at
    return ModelPublished(
        message_id=uuid.uuid5(uuid.NAMESPACE_URL, f"parley:model:{record.bot}:{record.version}").hex,
        occurred_at=published_at,
        bot=record.bot,
        version=record.version,
        artifact_key=record.artifact_key,
        job_id=record.job_id,
        metrics=record.metrics,
        correlation_id=correlation_id,
    )


async def _train_job(message: TrainModel, *, blobs: BlobStore, encoder: Encoder) -> NluModel:
    """The trained model; a dataset training cannot work on is a `PermanentError`."""
    dataset = await load_dataset(blobs, message)
    stop = threading.Event()
    try:
        return await asyncio.to_thread(
            train, dataset, encoder, version=version_for(message.job_id), stop=stop
        )
    except (ValueError, ArithmeticError) as exc:
        raise PermanentError(f"training failed: {exc}") from exc
    finally:
        stop.set()  # when cancelled (a drain, the handler's deadline), the thread ends at its next step


async def load_dataset(blobs: BlobStore, message: TrainModel) -> NluDataset:
    try:
        data = await blobs.get(message.dataset_key)
    except NotFoundError as exc:
        raise NotFoundError(f"dataset snapshot {message.dataset_key!r} is missing") from exc
    try:
        dataset = _dataset_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidInputError(f"dataset snapshot {message.dataset_key!r} is malformed: {exc}") from exc
    if dataset.bot != message.bot:
        raise InvalidInputError(f"dataset snapshot is for bot {dataset.bot!r}, not {message.bot!r}")
    return dataset
