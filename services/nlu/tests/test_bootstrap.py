"""The composition root, end to end on the in-process infrastructure: train through the queue, then parse."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from parley_messages import BotDeleted, NluDataset, ParseRequest, TrainModel
from parley_nlu.bootstrap import build_encoder, build_nlu_service, build_trainer_worker
from parley_nlu.encoder import HashingEncoder, OnnxEncoder
from parley_nlu.service import NluService
from parley_nlu.settings import load_nlu_settings
from parley_nlu.stores import MongoTrainingJobs
from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings

HASHING = {"NLU_ENCODER": "hashing"}


@pytest.fixture
async def infra(tmp_path: Path) -> AsyncIterator[Infra]:
    connected = await connect_infra(InfraSettings(data_dir=str(tmp_path / "data")))
    yield connected
    await connected.aclose()


async def train_shop(infra: Infra, worker: Worker, dataset: NluDataset) -> None:
    """The shop's dataset stored and its training job published, as the gateway does; the worker takes it."""
    key = "datasets/shop/j1.json"
    await infra.blobs.put(key, msgspec.json.encode(dataset))
    await infra.bus.publish(TrainModel(bot="shop", job_id="j1", dataset_key=key))
    assert await worker.run_once() == 1


async def trained_shop(infra: Infra, dataset: NluDataset) -> tuple[NluService, Worker]:
    """The NLU service and its trainer worker, once the worker has trained the shop from the queue."""
    settings = load_nlu_settings(HASHING)
    service = await build_nlu_service(infra, settings)
    worker = await build_trainer_worker(infra, settings=settings)
    await train_shop(infra, worker, dataset)
    return service, worker


async def test_a_model_trained_from_the_queue_is_served(infra: Infra, shop_dataset: NluDataset) -> None:
    service, _ = await trained_shop(infra, shop_dataset)
    result = await service.parse(ParseRequest(bot="shop", text="hello there"))
    assert result.intent.name == "greet"
    await service.close()


async def test_the_trainer_deletes_a_deleted_bots_blobs_announced_on_its_queue(
    infra: Infra, shop_dataset: NluDataset
) -> None:
    service, worker = await trained_shop(infra, shop_dataset)
    assert len(await infra.blobs.list("models/shop/")) == 1
    await service.retire_models("shop")  # as the gateway does before the dialogue announces it
    await infra.bus.publish(BotDeleted(bot="shop"))
    assert await worker.run_once() == 1
    assert await infra.blobs.list("") == []
    await service.close()


def test_the_hashing_encoder_is_chosen_by_setting() -> None:
    assert isinstance(build_encoder(load_nlu_settings(HASHING)), HashingEncoder)


@pytest.mark.slow
def test_the_int8_onnx_encoder_is_the_default(onnx_cache: Path) -> None:
    encoder = build_encoder(load_nlu_settings({"NLU_MODEL_CACHE": str(onnx_cache)}))
    assert isinstance(encoder, OnnxEncoder) and encoder.dim == 384


async def test_watching_stops_when_told(infra: Infra) -> None:
    service = await build_nlu_service(infra, load_nlu_settings(HASHING))
    stop = asyncio.Event()
    watch = asyncio.create_task(service.watch(stop))
    stop.set()
    await asyncio.wait_for(watch, timeout=5)
    await service.close()


async def test_the_trainer_knows_its_last_attempt_from_the_worker_settings(
    infra: Infra, shop_dataset: NluDataset
) -> None:
    worker = await build_trainer_worker(
        infra, settings=load_nlu_settings(HASHING), worker_settings=WorkerSettings(max_receives=2)
    )
    await MongoTrainingJobs(infra.db).start("j1", "shop")  # an attempt whose trainer was then killed
    await train_shop(infra, worker, shop_dataset)
    job = await infra.db["training_jobs"].find_one({"_id": "j1"})
    assert job is not None and job["status"] == "failed" and "died during attempt 1" in job["error"]
