"""Fixtures of the NLU tests: a small deterministic encoder, datasets, in-memory infrastructure.

Tests marked `slow` load the real sentence model once per session (exported to ONNX in a temporary
cache); everything else runs on `HashingEncoder` and the runtime's in-process adapters.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import EntityDef, EntityValueDef, Example, IntentExamples, NluDataset
from parley_nlu.encoder import Encoder, HashingEncoder, OnnxEncoder
from parley_nlu.export import ensure_onnx
from parley_nlu.model import NluModel
from parley_nlu.trainer import train
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import close_mongo, connect_mongo
from parley_runtime.redis import connect_redis

DATA = Path(__file__).parent / "data"


def examples(*texts: str) -> list[Example]:
    return [Example(text=text) for text in texts]


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def shop_dataset() -> NluDataset:
    """Three intents with distinct vocabulary, so the hashing encoder separates them (immutable, so
    shared: a module may train its model once)."""
    return NluDataset(
        bot="shop",
        intents=[
            IntentExamples(
                name="greet", examples=examples("hello there", "hi", "hello", "hey hello", "hi there")
            ),
            IntentExamples(
                name="order_pizza",
                examples=examples(
                    "order a pizza", "I want a large pizza", "pizza please", "one pizza to order"
                ),
            ),
            IntentExamples(
                name="weather",
                examples=examples(
                    "what is the weather", "weather forecast", "is the weather sunny", "weather today"
                ),
            ),
        ],
        entities=[
            EntityDef(
                name="city",
                values=[
                    EntityValueDef(value="Paris", synonyms=["paname"]),
                    EntityValueDef(value="New York", synonyms=["NYC", "big apple"]),
                ],
            ),
            EntityDef(name="size", pattern=r"\b(small|medium|large)\b"),
        ],
    )


@pytest.fixture
def train_model(encoder: HashingEncoder) -> Callable[..., NluModel]:
    def make(dataset: NluDataset, version: str = "v1") -> NluModel:
        return train(dataset, encoder, version=version)

    return make


@pytest.fixture
async def db() -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    database = connect_mongo(InfraSettings())
    yield database
    await close_mongo(database)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = connect_redis(InfraSettings())
    yield client
    await client.aclose()


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture
def bus() -> MemoryBus:
    return MemoryBus()


async def eventually(check: Callable[[], Any], *, within: float = 5.0, interval: float = 0.01) -> Any:
    """Poll `check` until it returns something truthy, or fail after `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(interval)


@pytest.fixture
def poll() -> Callable[..., Any]:
    return eventually


class RealModelData(msgspec.Struct, frozen=True, kw_only=True):
    dataset: NluDataset
    held_out: dict[str, list[str]]
    out_of_scope: list[str]


@pytest.fixture(scope="session")
def assistant_data() -> RealModelData:
    return msgspec.convert(json.loads((DATA / "assistant.json").read_text()), RealModelData)


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def real_encoder(onnx_cache: Path) -> Encoder:
    """The real model on ONNX Runtime, exported once per session."""
    return OnnxEncoder.load(ensure_onnx(onnx_cache, "fp32"))


@pytest.fixture(scope="session")
def assistant_model(real_encoder: Encoder, assistant_data: RealModelData) -> NluModel:
    return train(assistant_data.dataset, real_encoder, version="real-1")
