"""Composition root of the NLU service and the trainer: picks the encoder and the adapters."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

import msgspec
import structlog
from litestar import Litestar

from parley_messages import TRAINING_QUEUE, AnyMessage, BotDeleted, TrainModel
from parley_nlu.app import create_app
from parley_nlu.batching import EncodingQueue
from parley_nlu.deletion import handle_bot_deleted
from parley_nlu.encoder import Encoder, HashingEncoder, OnnxEncoder, SentenceTransformerEncoder
from parley_nlu.export import ensure_onnx
from parley_nlu.handlers import handle_train
from parley_nlu.service import NluService
from parley_nlu.settings import NluSettings
from parley_nlu.spelling import english_words
from parley_nlu.stores import MongoModelRegistry, MongoTrainingJobs, RedisModelChannel
from parley_runtime.errors import PermanentError
from parley_runtime.infra import Infra
from parley_runtime.settings import load_settings
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings

log = structlog.get_logger(__name__)


def build_encoder(settings: NluSettings) -> Encoder:
    """The encoder `NLU_ENCODER` names, warmed up (the first inference allocates its buffers)."""
    encoder = _load_encoder(settings)
    encoder.encode(["warm up"])
    log.info(
        "encoder.ready",
        encoder=settings.encoder,
        adapter=type(encoder).__name__,
        name=encoder.name,
        dim=encoder.dim,
    )
    return encoder


def _load_encoder(settings: NluSettings) -> Encoder:
    """ONNX falls back to torch when the export cannot be made (e.g. no `onnx` package)."""
    if settings.encoder == "hashing":
        return HashingEncoder()
    if settings.encoder == "torch":
        return SentenceTransformerEncoder.load(threads=settings.encoder_threads())
    variant = "int8" if settings.encoder == "onnx-int8" else "fp32"
    try:
        path = ensure_onnx(Path(settings.model_cache), variant)
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning("encoder.onnx_unavailable", error=f"{type(exc).__name__}: {exc}", fallback="torch")
        return SentenceTransformerEncoder.load(threads=settings.encoder_threads())
    return OnnxEncoder.load(path, threads=settings.encoder_threads())


async def build_nlu_service(
    infra: Infra, settings: NluSettings, *, encoder: Encoder | None = None
) -> NluService:
    """The serving side; pass `encoder` to share one already loaded (embedded mode, tests)."""
    encoder = encoder or await asyncio.to_thread(build_encoder, settings)
    await asyncio.to_thread(english_words)  # read once here, not by the first parse with a typo
    registry = MongoModelRegistry(infra.db)
    await registry.ensure_indexes()
    return NluService(
        registry=registry,
        blobs=infra.blobs,
        encoder=encoder,
        channel=RedisModelChannel(infra.redis),
        encoding=EncodingQueue(encoder, workers=settings.encode_workers, max_batch=settings.max_batch),
        max_models=settings.max_models,
    )


async def build_app(infra: Infra, settings: NluSettings) -> Litestar:
    """The stand-alone NLU API (`python -m parley_nlu`)."""
    service = await build_nlu_service(infra, settings)
    return create_app(service, ready_checks=infra.ready_checks())


async def build_trainer_worker(
    infra: Infra,
    *,
    settings: NluSettings,
    encoder: Encoder | None = None,
    worker_settings: WorkerSettings | None = None,
) -> Worker:
    """The training worker on the training queue (`python -m parley_nlu.trainer`): it trains
    (`TrainModel`) and deletes a deleted bot's blobs (`BotDeleted`).

    Tuned by the `WORKER_…` settings (loaded from the environment unless given), except that
    `NLU_TRAINING_CONCURRENCY` sets how many jobs train at once.
    """
    encoder = encoder or await asyncio.to_thread(build_encoder, settings)
    await asyncio.to_thread(english_words)  # read once here, not by the first parse with a typo
    registry = MongoModelRegistry(infra.db)
    await registry.ensure_indexes()
    tuning = msgspec.structs.replace(
        worker_settings or load_settings(WorkerSettings), concurrency=settings.training_concurrency
    )
    jobs = MongoTrainingJobs(infra.db)
    train_job = partial(
        handle_train,
        jobs=jobs,
        registry=registry,
        blobs=infra.blobs,
        bus=infra.bus,
        channel=RedisModelChannel(infra.redis),
        encoder=encoder,
        max_attempts=tuning.max_receives,
    )

    async def handler(message: AnyMessage) -> None:
        if isinstance(message, TrainModel):
            await train_job(message)
        elif isinstance(message, BotDeleted):
            await handle_bot_deleted(message, registry=registry, jobs=jobs, blobs=infra.blobs)
        else:
            raise PermanentError(f"{type(message).__name__} does not belong on the training queue")

    return Worker.configured(infra.bus, TRAINING_QUEUE, handler, tuning, name="trainer")
