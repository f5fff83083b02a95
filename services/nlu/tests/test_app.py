"""The HTTP API: bodies, status codes and error bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import NluDataset
from parley_nlu.app import create_app
from parley_nlu.encoder import HashingEncoder
from parley_nlu.ports import ModelRecord
from parley_nlu.service import NluService
from parley_nlu.stores import MongoModelRegistry, RedisModelChannel
from parley_nlu.trainer import artifact_key, train
from parley_runtime.blobs.local import LocalBlobStore


@pytest.fixture
async def client(
    db: AsyncDatabase[dict[str, Any]],
    blobs: LocalBlobStore,
    redis: Redis,
    encoder: HashingEncoder,
    shop_dataset: NluDataset,
) -> AsyncIterator[AsyncTestClient[Any]]:
    registry = MongoModelRegistry(db)
    model = train(shop_dataset, encoder, version="v1")
    await blobs.put(artifact_key("shop", "v1"), model.to_bytes())
    await registry.add(ModelRecord(bot="shop", version="v1", artifact_key=artifact_key("shop", "v1")))
    service = NluService(registry=registry, blobs=blobs, encoder=encoder, channel=RedisModelChannel(redis))
    async with AsyncTestClient(create_app(service)) as test_client:
        yield test_client


async def test_parse_answers_intent_ranking_and_entities(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/parse", json={"bot": "shop", "text": "a large pizza to paname"})
    assert response.status_code == 200
    body = response.json()
    assert body["intent"]["name"] == "order_pizza"
    assert body["model_version"] == "v1"
    assert {
        "entity": "city",
        "value": "Paris",
        "start": 17,
        "end": 23,
        "confidence": 1.0,
        "extractor": "dictionary",
    } in body["entities"]


async def test_an_untrained_bot_answers_404_not_trained(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/parse", json={"bot": "nobody", "text": "hello"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_trained"


async def test_blank_text_answers_400_invalid_input(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/parse", json={"bot": "shop", "text": "  "})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_input",
        "message": "text is empty",
        "details": {"field": "text"},
    }


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=latin-1"])
async def test_a_body_that_is_not_utf8_answers_400_invalid_input(
    client: AsyncTestClient[Any], content_type: str
) -> None:
    response = await client.post(
        "/v1/parse", content=b'{"bot": "shop", "text": "h\xffi"}', headers={"content-type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert "UTF-8" in response.json()["error"]["message"]


async def test_a_body_nested_too_deep_answers_400_invalid_input(client: AsyncTestClient[Any]) -> None:
    body = b'{"bot": "shop", "text": "hi", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    response = await client.post("/v1/parse", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


async def test_a_body_without_text_answers_400(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/parse", json={"bot": "shop"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


async def test_a_registered_model_without_its_artifact_answers_503_model_unavailable(
    client: AsyncTestClient[Any], db: AsyncDatabase[dict[str, Any]]
) -> None:
    key = artifact_key("lost", "v1")
    await MongoModelRegistry(db).add(ModelRecord(bot="lost", version="v1", artifact_key=key))
    response = await client.post("/v1/parse", json={"bot": "lost", "text": "hello"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model_unavailable"


async def test_a_corrupt_model_answers_503_model_corrupt(
    client: AsyncTestClient[Any], db: AsyncDatabase[dict[str, Any]], blobs: LocalBlobStore
) -> None:
    key = artifact_key("broken", "v1")
    await blobs.put(key, b"not a model")
    await MongoModelRegistry(db).add(ModelRecord(bot="broken", version="v1", artifact_key=key))
    response = await client.post("/v1/parse", json={"bot": "broken", "text": "hello"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model_corrupt"


async def test_reload_answers_the_serving_version(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/bots/shop/reload")
    assert response.status_code == 200
    assert response.json() == {"bot": "shop", "version": "v1"}


async def test_retiring_a_bots_models_stops_its_parsing(client: AsyncTestClient[Any]) -> None:
    assert (await client.post("/v1/parse", json={"bot": "shop", "text": "hello"})).status_code == 200
    assert (await client.delete("/v1/bots/shop/models")).status_code == 204
    response = await client.post("/v1/parse", json={"bot": "shop", "text": "hello"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_trained"


async def test_the_service_is_live(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
