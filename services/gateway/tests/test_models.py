"""The admin API's model routes against an NLU double: a bot's model history, and serving an earlier
model again (its event sent, its intents compared with the bot's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.bootstrap import app_for, build_gateway
from parley_gateway.deps import Gateway
from parley_gateway.settings import GatewaySettings
from parley_messages import (
    ANALYTICS_QUEUE,
    Example,
    IntentExamples,
    ModelPublication,
    ModelPublished,
    ModelSummary,
    NluDataset,
    ParseRequest,
    ParseResult,
    decode,
    utc_now,
)
from parley_runtime.errors import ConflictError, InvalidInputError, NotFoundError
from parley_runtime.infra import Infra

Client = AsyncTestClient[Litestar]
MODELS = "/api/v1/bots/pizzeria/models"
MODELS_PATH = "/api/v1/bots/{bot}/models/{version}"
TOKEN = "admin-token"


class InMemoryModels:
    """The NLU's model registry of one bot, as `NluService` answers for it: v2 (served), then v1."""

    def __init__(self) -> None:
        now = utc_now()
        self.registry = [
            _summary("v2", ["greet", "order", "thanks"], requested_at=now, served=True),
            _summary("v1", ["greet", "order", "weather"], requested_at=now - timedelta(hours=1)),
        ]
        self.pages: list[tuple[str, int, str | None]] = []
        self.published: list[tuple[str, str]] = []

    async def parse(self, request: ParseRequest) -> ParseResult:
        raise NotImplementedError

    async def retire_models(self, bot: str) -> None:
        raise NotImplementedError

    async def models(self, bot: str, *, limit: int, before_version: str | None = None) -> list[ModelSummary]:
        self.pages.append((bot, limit, before_version))
        if before_version is not None and before_version not in {m.version for m in self.registry}:
            raise InvalidInputError(f"bot {bot!r} has no model {before_version!r} to list the models before")
        return self.registry[:limit]

    async def publish_model(self, bot: str, version: str) -> ModelPublication:
        self.published.append((bot, version))
        model = next((m for m in self.registry if m.version == version), None)
        if model is None:
            raise NotFoundError(f"bot {bot!r} has no model {version!r}")
        if model.status == "retired":
            raise ConflictError(f"model {version} was retired when bot {bot!r} was deleted")
        again = msgspec.structs.replace(
            model, version="v3", served=True, requested_at=utc_now(), republished_from=version
        )
        event = ModelPublished(bot=bot, version="v3", artifact_key=f"models/{bot}/{version}/model.npz")
        return ModelPublication(model=again, event=event)


def _summary(version: str, intents: list[str], **fields: Any) -> ModelSummary:
    defaults: dict[str, Any] = {"status": "published", "served": False, "created_at": utc_now()}
    return ModelSummary(
        bot="pizzeria",
        version=version,
        intents=len(intents) or None,
        intent_names=intents,
        metrics={"quality": 0.9},
        **(defaults | fields),
    )


@pytest.fixture
def nlu() -> InMemoryModels:
    return InMemoryModels()


@pytest.fixture
async def gateway(infra: Infra, dialogue: Any, nlu: InMemoryModels) -> Gateway:
    async def training_dataset(bot: str) -> NluDataset:
        intents = [IntentExamples(name=n, examples=[Example(text=n)]) for n in ("greet", "order", "thanks")]
        return NluDataset(bot=bot, intents=intents)

    dialogue.training_dataset = training_dataset  # the bot as it is now: greet, order, thanks
    return await build_gateway(infra, GatewaySettings(admin_token=TOKEN), dialogue=dialogue, parser=nlu)


@pytest.fixture
async def client(gateway: Gateway, infra: Infra) -> AsyncIterator[Client]:
    async with AsyncTestClient(app_for(gateway, infra)) as client:
        yield client


@pytest.fixture
def admin() -> dict[str, str]:
    return {"authorization": f"Bearer {TOKEN}"}


async def test_the_models_are_listed_newest_first_as_the_nlu_keeps_them(
    client: Client, admin: dict[str, str], nlu: InMemoryModels
) -> None:
    response = await client.get(MODELS, headers=admin)
    assert response.status_code == 200
    newest, oldest = response.json()
    assert (newest["version"], newest["served"], newest["intents"]) == ("v2", True, 3)
    assert (oldest["version"], oldest["served"], oldest["republished_from"]) == ("v1", False, None)
    assert set(newest) >= {"created_at", "requested_at", "job_id", "metrics", "status", "intent_names"}
    assert nlu.pages == [("pizzeria", 50, None)]


async def test_a_page_starts_after_the_model_named(
    client: Client, admin: dict[str, str], nlu: InMemoryModels
) -> None:
    response = await client.get(MODELS, headers=admin, params={"limit": 1, "before_version": "v2"})
    assert response.status_code == 200
    assert nlu.pages == [("pizzeria", 1, "v2")]


async def test_an_unknown_bot_has_no_models(
    client: Client, admin: dict[str, str], nlu: InMemoryModels
) -> None:
    response = await client.get("/api/v1/bots/nobody/models", headers=admin)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert nlu.pages == []


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=201", "before_version=a.b", "before_version=v1&before_version=v2"],
)
async def test_a_bad_page_is_refused(
    client: Client, admin: dict[str, str], nlu: InMemoryModels, query: str
) -> None:
    response = await client.get(f"{MODELS}?{query}", headers=admin)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_input")
    assert nlu.pages == []


async def test_a_page_after_an_unknown_model_is_refused_naming_the_parameter(
    client: Client, admin: dict[str, str]
) -> None:
    response = await client.get(MODELS, headers=admin, params={"before_version": "v9"})
    assert response.status_code == 400
    [detail] = response.json()["error"]["details"]
    assert (detail["key"], detail["source"]) == ("before_version", "query") and "no model 'v9'" in detail[
        "message"
    ]


async def test_an_earlier_model_is_served_again_and_its_differences_with_the_bot_said(
    client: Client, admin: dict[str, str], nlu: InMemoryModels
) -> None:
    response = await client.post(f"{MODELS}/v1/publish", headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["republished_from"], body["served"]) == ("v3", "v1", True)
    assert body["differences"] == {"intents_not_in_model": ["thanks"], "intents_not_in_bot": ["weather"]}
    assert nlu.published == [("pizzeria", "v1")]


async def test_a_model_of_the_bots_intents_has_no_differences(client: Client, admin: dict[str, str]) -> None:
    body = (await client.post(f"{MODELS}/v2/publish", headers=admin)).json()
    assert body["differences"] == {"intents_not_in_model": [], "intents_not_in_bot": []}


async def test_a_model_without_recorded_intents_has_unknown_differences(
    client: Client, admin: dict[str, str], nlu: InMemoryModels
) -> None:
    nlu.registry.append(_summary("v0", [], requested_at=None))
    body = (await client.post(f"{MODELS}/v0/publish", headers=admin)).json()
    assert body["differences"] is None and body["intents"] is None


async def test_the_model_published_event_is_sent_with_the_requests_correlation_id(
    client: Client, admin: dict[str, str], gateway: Gateway, infra: Infra
) -> None:
    headers = admin | {"x-correlation-id": "rollback-1"}
    assert (await client.post(f"{MODELS}/v1/publish", headers=headers)).status_code == 200
    await gateway.publisher.drain()
    [delivery] = await infra.bus.receive(ANALYTICS_QUEUE, wait_seconds=0)
    event = decode(delivery.body)
    assert isinstance(event, ModelPublished)
    assert (event.bot, event.version, event.correlation_id) == ("pizzeria", "v3", "rollback-1")


@pytest.mark.parametrize(("version", "status", "code"), [("v9", 404, "not_found"), ("v1", 409, "conflict")])
async def test_a_model_that_cannot_be_served_again_is_refused_and_nothing_is_sent(
    client: Client,
    admin: dict[str, str],
    gateway: Gateway,
    infra: Infra,
    nlu: InMemoryModels,
    version: str,
    status: int,
    code: str,
) -> None:
    nlu.registry[1] = msgspec.structs.replace(nlu.registry[1], status="retired")
    response = await client.post(f"{MODELS}/{version}/publish", headers=admin)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    await gateway.publisher.drain()
    assert infra.bus.depth(ANALYTICS_QUEUE) == 0


async def test_publishing_for_an_unknown_bot_or_a_bad_version_asks_the_nlu_nothing(
    client: Client, admin: dict[str, str], nlu: InMemoryModels
) -> None:
    response = await client.post("/api/v1/bots/nobody/models/v1/publish", headers=admin)
    assert response.status_code == 404
    response = await client.post(f"{MODELS}/v1.0/publish", headers=admin)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_input")
    assert nlu.published == []


async def test_the_model_routes_need_an_admin_key(client: Client) -> None:
    assert (await client.get(MODELS)).status_code == 401
    assert (await client.post(f"{MODELS}/v1/publish")).status_code == 401


async def test_openapi_groups_the_model_routes_and_documents_their_conflict(client: Client) -> None:
    paths = (await client.get("/docs/openapi.json")).json()["paths"]
    listing, publish = paths["/api/v1/bots/{bot}/models"]["get"], paths[f"{MODELS_PATH}/publish"]["post"]
    assert listing["tags"] == publish["tags"] == ["models"]
    assert {"200", "404", "409"} <= set(publish["responses"])
