"""The HTTP API: bodies, status codes and error bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_messages import NluDataset, utc_now
from parley_nlu.app import create_app
from parley_nlu.encoder import HashingEncoder
from parley_nlu.handlers import model_record
from parley_nlu.model import ModelArtifactError, NluModel
from parley_nlu.ports import ModelRecord
from parley_nlu.service import IncompatibleModelError, ModelUnavailableError, NluService
from parley_nlu.stores import MongoModelRegistry, RedisModelChannel
from parley_nlu.trainer import artifact_key, train
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.errors import MODEL_FAULTS, ModelFaultError


@pytest.fixture
def registry(db: AsyncDatabase[dict[str, Any]]) -> MongoModelRegistry:
    return MongoModelRegistry(db)


@pytest.fixture(scope="module")
def model(shop_dataset: NluDataset) -> NluModel:
    """The shop's model, trained once for the module."""
    return train(shop_dataset, HashingEncoder(), version="v1")


@pytest.fixture
async def client(
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    redis: Redis,
    encoder: HashingEncoder,
    model: NluModel,
) -> AsyncIterator[AsyncTestClient[Any]]:
    await blobs.put(artifact_key("shop", "v1"), model.to_bytes())
    await registry.add(model_record(model))
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


async def test_the_models_are_listed_newest_first_with_the_one_served(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/v1/bots/shop/models")
    assert response.status_code == 200
    [model] = response.json()
    assert (model["version"], model["served"], model["status"], model["intents"]) == (
        "v1",
        True,
        "published",
        3,
    )
    assert (await client.get("/v1/bots/nobody/models")).json() == []


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "before_version=nope", "before_version=a.b"])
async def test_a_bad_page_answers_400_invalid_input(client: AsyncTestClient[Any], query: str) -> None:
    response = await client.get(f"/v1/bots/shop/models?{query}")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_input")


async def test_publishing_an_earlier_model_answers_it_and_the_event_to_send(
    client: AsyncTestClient[Any],
    registry: MongoModelRegistry,
    blobs: LocalBlobStore,
    encoder: HashingEncoder,
    shop_dataset: NluDataset,
) -> None:
    v2 = train(NluDataset(bot="shop", intents=shop_dataset.intents[:2]), encoder, version="v2")
    await blobs.put(artifact_key("shop", "v2"), v2.to_bytes())
    await registry.add(model_record(v2, requested_at=utc_now()))
    response = await client.post("/v1/bots/shop/models/v1/publish")
    assert response.status_code == 200
    body = response.json()
    assert body["model"]["republished_from"] == "v1" and body["model"]["served"]
    assert (
        body["event"]["type"] == "nlu.model_published"
        and body["event"]["version"] == body["model"]["version"]
    )
    parsed = (await client.post("/v1/parse", json={"bot": "shop", "text": "hello"})).json()
    assert parsed["model_version"] == body["model"]["version"]


async def test_publishing_an_unknown_model_answers_404_and_a_retired_one_409(
    client: AsyncTestClient[Any],
) -> None:
    response = await client.post("/v1/bots/shop/models/v9/publish")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    await client.delete("/v1/bots/shop/models")
    response = await client.post("/v1/bots/shop/models/v1/publish")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")


async def test_the_service_is_live(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}


def test_every_model_fault_is_known_by_its_code_across_services() -> None:
    """The gateway rebuilds a `ModelFaultError` from its code (`http.error_from_response`) and shows
    the admin its reason; a code missing from `MODEL_FAULTS` would reach it as a plain outage."""
    faults = (ModelUnavailableError, ModelArtifactError, IncompatibleModelError)
    assert {fault.code for fault in faults} == MODEL_FAULTS
    assert all(issubclass(fault, ModelFaultError) for fault in faults)
