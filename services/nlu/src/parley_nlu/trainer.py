"""Training: a dataset snapshot in, a published model version out (`python -m parley_nlu.trainer`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime

import msgspec
import numpy as np
import structlog

from parley_messages import MAX_TEXT_CHARS, ModelPublished, NluDataset, TrainModel, new_id, utc_now
from parley_nlu.classifier import ClassifierParams, Labels, fit_classifier
from parley_nlu.encoder import Encoder
from parley_nlu.entities import known_words, learn_entities
from parley_nlu.evaluation import evaluate
from parley_nlu.model import ModelMeta, NluModel
from parley_nlu.ports import ModelChange, ModelChannel, ModelRecord, ModelRegistry, TrainingJobs
from parley_nlu.tagger import SpanTagger, fit_tagger
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.bus.ports import Bus
from parley_runtime.errors import InvalidInputError, NotFoundError, PermanentError

log = structlog.get_logger(__name__)

MAX_EXAMPLES = 50_000
COMPARED_METRICS = ("quality", "in_scope_accuracy", "accuracy")
"""Held-out metrics a new model is compared on with the current one, best first (see `worse_than`)."""
TOLERANCE = 0.02
"""How much lower a new model may score than the current one and still be published."""
_dataset_decoder = msgspec.json.Decoder(NluDataset)


def train(dataset: NluDataset, encoder: Encoder, *, version: str | None = None) -> NluModel:
    """Fit a model on every example; its `meta.metrics` come from k-fold held-out predictions."""
    started = time.perf_counter()
    check_dataset(dataset)
    intents, texts, labels = dataset_arrays(dataset)
    embeddings = encoder.encode(texts)
    evaluation = evaluate(embeddings, texts, labels, len(intents), threshold=dataset.fallback_threshold)
    classifier = fit_classifier(
        embeddings,
        texts,
        labels,
        intents,
        temperature=evaluation.temperature,
        in_scope=evaluation.in_scope,
        wording_weight=evaluation.wording_weight,
    )
    examples = [example for intent in dataset.intents for example in intent.examples]
    tagger = fit_tagger(
        examples, intents=[intents[int(label)] for label in labels], definitions=dataset.entities
    )
    seconds = time.perf_counter() - started
    metrics = evaluation.metrics | {"intents": float(len(intents)), "train_seconds": seconds}
    meta = _meta(dataset, encoder, classifier.params, tagger, metrics, version=version or new_id()[:16])
    return NluModel(meta, classifier, tagger)


def dataset_arrays(dataset: NluDataset) -> tuple[list[str], list[str], Labels]:
    """Intent names, every example's text, and each example's intent index."""
    intents = [intent.name for intent in dataset.intents]
    texts = [example.text for intent in dataset.intents for example in intent.examples]
    labels = np.repeat(np.arange(len(intents)), [len(intent.examples) for intent in dataset.intents])
    return intents, texts, labels.astype(np.int64)


def _meta(
    dataset: NluDataset,
    encoder: Encoder,
    params: ClassifierParams,
    tagger: SpanTagger | None,
    metrics: dict[str, float],
    *,
    version: str,
) -> ModelMeta:
    return ModelMeta(
        bot=dataset.bot,
        version=version,
        encoder=encoder.name,
        dim=encoder.dim,
        threshold=dataset.fallback_threshold,
        created_at=utc_now(),
        classifier=params,
        entities=learn_entities(dataset.entities, dataset.intents),
        tagger=None if tagger is None else tagger.params,
        known_words=known_words(dataset.intents),
        metrics={k: round(v, 4) for k, v in metrics.items()},
    )


def check_dataset(dataset: NluDataset) -> None:
    """`InvalidInputError` naming the first reason `dataset` cannot be trained on."""
    if not dataset.intents:
        raise InvalidInputError("the dataset has no intents; add at least one intent with examples")
    names = [intent.name for intent in dataset.intents]
    if len(set(names)) != len(names) or not all(name.strip() for name in names):
        raise InvalidInputError("intent names must be non-empty and unique")
    if not 0.0 <= dataset.fallback_threshold <= 1.0:
        raise InvalidInputError("fallback_threshold must be between 0 and 1")
    if sum(len(intent.examples) for intent in dataset.intents) > MAX_EXAMPLES:
        raise InvalidInputError(f"the dataset has more than {MAX_EXAMPLES} examples")
    for intent in dataset.intents:
        _check_examples(intent.name, [example.text for example in intent.examples])
        for example in intent.examples:
            for span in example.spans:
                if not 0 <= span.start < span.end <= len(example.text):
                    raise InvalidInputError(
                        f"intent {intent.name!r}: span {span.start}..{span.end} is outside {example.text!r}"
                    )


def _check_examples(intent: str, texts: list[str]) -> None:
    if not texts:
        raise InvalidInputError(f"intent {intent!r} has no examples")
    if not all(text.strip() and len(text) <= MAX_TEXT_CHARS for text in texts):
        raise InvalidInputError(
            f"intent {intent!r} has an empty example or one over {MAX_TEXT_CHARS} characters"
        )


def artifact_key(bot: str, version: str) -> str:
    return f"models/{bot}/{version}/model.npz"


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
) -> None:
    """Train, store and register the model, announce it, and mark the job succeeded, in that order.

    The job is marked last: when announcing fails (an SQS or Redis error, a killed trainer), the job
    is still `running` and its redelivery announces again, without training again (the model is
    registered). A model is not published (the job ends `rejected`) when a job of the bot requested
    later has published one already, nor when it scores below the bot's current one, unless the
    command says `force`.
    """
    if await jobs.status(message.job_id) in ("succeeded", "rejected"):
        log.info("training.skipped", job_id=message.job_id, reason="already finished")
        return
    await jobs.start(message.job_id, message.bot)
    record = await registry.get(message.bot, version_for(message.job_id))
    if record is None:
        record = await _register(message, jobs=jobs, registry=registry, blobs=blobs, encoder=encoder)
        if record is None:
            return
    await bus.publish(published(record, correlation_id=message.correlation_id))
    await channel.announce(ModelChange(bot=record.bot, version=record.version))
    await jobs.succeed(message.job_id, model_version=record.version, metrics=record.metrics)
    log.info("training.succeeded", bot=record.bot, job_id=message.job_id, version=record.version)


async def _register(
    message: TrainModel, *, jobs: TrainingJobs, registry: ModelRegistry, blobs: BlobStore, encoder: Encoder
) -> ModelRecord | None:
    """Train the job's model, store and register it; None when it is refused (the job is then `rejected`)."""
    model = await _train_job(message, jobs=jobs, blobs=blobs, encoder=encoder)
    record = model_record(model, job_id=message.job_id, requested_at=message.occurred_at)
    current = await registry.latest(message.bot)
    refusal = superseded(record, current) or (None if message.force else worse_than(record.metrics, current))
    if refusal is not None:
        await jobs.fail(message.job_id, status="rejected", error=refusal, metrics=record.metrics)
        log.info("training.refused", bot=message.bot, job_id=message.job_id, reason=refusal)
        return None
    await blobs.put(record.artifact_key, model.to_bytes())
    return await registry.add(record)


def superseded(record: ModelRecord, current: ModelRecord | None) -> str | None:
    """Why `record` must not replace `current`, a model of a training job requested after its own.

    Jobs of one bot may finish out of order (several trainers, a retried job); the most recently
    requested one's model is the bot's, even with `force`.
    """
    if current is None or current.requested_at is None or record.requested_at is None:
        return None
    if current.requested_at <= record.requested_at:
        return None
    return (
        f"model {current.version}, of a training job requested after this one, is already published; "
        "train again to publish this job's data"
    )


def worse_than(metrics: dict[str, float], current: ModelRecord | None) -> str | None:
    """Why a model with held-out `metrics` must not replace `current`, or None when it may.

    Compared on the first of `COMPARED_METRICS` both have, with `TOLERANCE` for the noise of
    cross-validation; retrain with `force` to publish anyway.
    """
    if current is None:
        return None
    for name in COMPARED_METRICS:
        if name in metrics and name in current.metrics:
            new, old = metrics[name], current.metrics[name]
            if new < old - TOLERANCE:
                return (
                    f"the new model scores {name} {new:.3f} on held-out data, below the current model "
                    f"{current.version} ({old:.3f}); retrain with force to publish it anyway"
                )
            return None
    return None


def model_record(
    model: NluModel, *, job_id: str | None = None, requested_at: datetime | None = None
) -> ModelRecord:
    """The registry entry of `model`, whose artifact lives at `artifact_key(bot, version)`."""
    return ModelRecord(
        bot=model.bot,
        version=model.version,
        artifact_key=artifact_key(model.bot, model.version),
        metrics=model.meta.metrics,
        created_at=_to_millis(model.created_at),
        requested_at=requested_at,
        job_id=job_id,
    )


def _to_millis(moment: datetime) -> datetime:
    """`moment` as MongoDB stores it, so that a record read back equals the one written."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def published(record: ModelRecord, *, correlation_id: str | None) -> ModelPublished:
    """The event of the registered `record`.

    Its id and time come from the record, so every copy sent for one model (a redelivered job, or
    one job run twice at once) is the same event, which analytics counts once.
    """
    return ModelPublished(
        message_id=uuid.uuid5(uuid.NAMESPACE_URL, f"parley:model:{record.bot}:{record.version}").hex,
        occurred_at=record.created_at,
        bot=record.bot,
        version=record.version,
        artifact_key=record.artifact_key,
        job_id=record.job_id,
        metrics=record.metrics,
        correlation_id=correlation_id,
    )


async def _train_job(
    message: TrainModel, *, jobs: TrainingJobs, blobs: BlobStore, encoder: Encoder
) -> NluModel:
    """The trained model; on a permanent failure the job is marked `rejected` or `failed` first."""
    try:
        dataset = await load_dataset(blobs, message)
        return await asyncio.to_thread(train, dataset, encoder, version=version_for(message.job_id))
    except InvalidInputError as exc:
        await jobs.fail(message.job_id, status="rejected", error=str(exc))
        raise
    except PermanentError as exc:
        await jobs.fail(message.job_id, status="failed", error=str(exc))
        raise
    except (ValueError, ArithmeticError) as exc:
        await jobs.fail(message.job_id, status="failed", error=f"training failed: {exc}")
        raise PermanentError(f"training job {message.job_id} failed: {exc}") from exc


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


def main() -> None:
    """Run the training worker on the training queue until SIGTERM."""
    from functools import partial  # noqa: PLC0415

    from parley_nlu.bootstrap import build_trainer_worker  # noqa: PLC0415
    from parley_nlu.settings import load_nlu_settings  # noqa: PLC0415
    from parley_runtime.process import run_worker_process  # noqa: PLC0415

    run_worker_process(partial(build_trainer_worker, settings=load_nlu_settings()))


if __name__ == "__main__":
    main()
