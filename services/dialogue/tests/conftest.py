"""Fixtures: the dialogue service on its real store code over in-process Mongo and Redis, with a
scripted NLU (a real class implementing the port)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import fakeredis
import pytest
from pymongo_async_mock import AsyncMongoMockClient
from redis.asyncio import Redis

from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.ports import Publisher, WebhookCaller
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu

ACF_EXAMPLES = Path(__file__).parent / "acf_examples"


@pytest.fixture
def acf() -> Callable[[str], bytes]:
    """The bytes of an ACF example export, unchanged."""

    def read(name: str) -> bytes:
        return (ACF_EXAMPLES / f"{name}.json").read_bytes()

    return read


@pytest.fixture
def redis_server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
async def redis(redis_server: fakeredis.FakeServer) -> AsyncIterator[Redis]:
    client = fakeredis.FakeAsyncRedis(server=redis_server)
    yield client
    await client.aclose()


@pytest.fixture
def mongo() -> Any:
    return AsyncMongoMockClient(tz_aware=True).get_database("parley_test")


@pytest.fixture
def nlu() -> ScriptedNlu:
    return ScriptedNlu()


@pytest.fixture
def webhooks() -> RecordingWebhooks:
    return RecordingWebhooks({"status": "shipped"})


@pytest.fixture
def make_service(mongo: Any, nlu: ScriptedNlu, webhooks: RecordingWebhooks) -> Callable[..., DialogueService]:
    """A service instance (a replica) on the shared Mongo and the given Redis client."""

    def make(redis: Redis, *, definition_refresh_seconds: float = 1.0) -> DialogueService:
        return DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(redis, ttl_seconds=600),
            nlu=nlu,
            webhooks=webhooks,
            rng=random.Random(7),
            definition_refresh_seconds=definition_refresh_seconds,
        )

    return make


@pytest.fixture
def notifying(mongo: Any, redis: Redis) -> Callable[..., DialogueService]:
    """A service with the given webhook caller and, to queue `mode: notify` webhooks, publisher."""

    def make(webhooks: WebhookCaller, publisher: Publisher | None = None) -> DialogueService:
        return DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(redis, ttl_seconds=60),
            nlu=ScriptedNlu(),
            webhooks=webhooks,
            publisher=publisher,
            rng=random.Random(1),
        )

    return make


@pytest.fixture
def service(make_service: Callable[..., DialogueService], redis: Redis) -> DialogueService:
    return make_service(redis)
