"""The admin API's bot routes against the NLU: deleting a bot retires its models, parsing needs a bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.bootstrap import app_for, build_gateway
from parley_gateway.settings import GatewaySettings
from parley_messages import IntentScore, ParseRequest, ParseResult
from parley_runtime.errors import NotTrainedError, TransientError
from parley_runtime.infra import Infra

Client = AsyncTestClient[Litestar]
BOT = "/api/v1/bots/pizzeria"
TOKEN = "admin-token"


class InMemoryNlu:
    """A model per bot, as the NLU service keeps them; `retire_models` drops a bot's."""

    def __init__(self) -> None:
        self.models: dict[str, str] = {}
        self.unavailable = False
        self.requests: list[ParseRequest] = []

    async def parse(self, request: ParseRequest) -> ParseResult:
        self.requests.append(request)
        version = self.models.get(request.bot)
        if version is None:
            raise NotTrainedError(f"bot {request.bot!r} has no trained model yet; train it first")
        intent = IntentScore(name="greet", confidence=0.9)
        return ParseResult(intent=intent, ranking=[intent], entities=[], model_version=version)

    async def retire_models(self, bot: str) -> None:
        if self.unavailable:
            raise TransientError("DELETE /v1/bots/pizzeria/models: ConnectError")
        self.models.pop(bot, None)


@pytest.fixture
def nlu() -> InMemoryNlu:
    nlu = InMemoryNlu()
    nlu.models["pizzeria"] = "v1"
    return nlu


@pytest.fixture
async def client(infra: Infra, dialogue: Any, nlu: InMemoryNlu) -> AsyncIterator[Client]:
    """The gateway with the NLU double behind it (the shared fixture's parses with the dialogue)."""
    gateway = await build_gateway(infra, GatewaySettings(admin_token=TOKEN), dialogue=dialogue, parser=nlu)
    async with AsyncTestClient(app_for(gateway, infra)) as client:
        yield client


@pytest.fixture
def admin() -> dict[str, str]:
    return {"authorization": f"Bearer {TOKEN}"}


async def _parse(client: Client, admin: dict[str, str], bot: str = BOT) -> Any:
    return await client.post(f"{bot}/parse", headers=admin, json={"text": "hello"})


async def test_deleting_a_bot_retires_its_models(
    client: Client, admin: dict[str, str], nlu: InMemoryNlu
) -> None:
    assert (await _parse(client, admin)).json()["model_version"] == "v1"
    assert (await client.delete(BOT, headers=admin)).status_code == 204
    assert "pizzeria" not in nlu.models
    assert (await client.put(BOT, headers=admin, json={"intents": []})).status_code == 200
    response = await _parse(client, admin)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_trained")


async def test_a_deleted_bot_cannot_be_parsed_for(client: Client, admin: dict[str, str]) -> None:
    await client.delete(BOT, headers=admin)
    response = await _parse(client, admin)
    assert response.status_code == 404 and "no bot named 'pizzeria'" in response.json()["error"]["message"]


async def test_a_bot_that_never_existed_cannot_be_parsed_for(client: Client, admin: dict[str, str]) -> None:
    response = await _parse(client, admin, "/api/v1/bots/nobody")
    assert response.status_code == 404 and "no bot named 'nobody'" in response.json()["error"]["message"]


async def test_deleting_a_bot_that_does_not_exist_retires_nothing(
    client: Client, admin: dict[str, str], nlu: InMemoryNlu
) -> None:
    nlu.models["nobody"] = "v1"  # models left behind by nobody knows what
    assert (await client.delete("/api/v1/bots/nobody", headers=admin)).status_code == 404
    assert nlu.models["nobody"] == "v1"


async def test_a_bot_whose_models_cannot_be_retired_is_kept(
    client: Client, admin: dict[str, str], nlu: InMemoryNlu, dialogue: Any
) -> None:
    nlu.unavailable = True
    assert (await client.delete(BOT, headers=admin)).status_code == 503
    assert "pizzeria" in dialogue.bots


async def test_openapi_shows_the_bodies_of_put_import_and_train(client: Client) -> None:
    paths = (await client.get("/docs/openapi.json")).json()["paths"]
    put_body = paths["/api/v1/bots/{bot}"]["put"]["requestBody"]
    assert put_body["required"] and set(put_body["content"]) == {"application/json", "application/yaml"}
    import_body = paths["/api/v1/bots/{bot}/import"]["post"]["requestBody"]
    assert import_body["content"]["multipart/form-data"]["schema"]["required"] == ["file"]
    train_body = paths["/api/v1/bots/{bot}/train"]["post"]["requestBody"]
    assert train_body["required"] is False


async def test_training_needs_no_body(client: Client, admin: dict[str, str]) -> None:
    assert (await client.post(f"{BOT}/train", headers=admin)).status_code == 202


async def test_a_parse_may_say_whose_today_it_is(
    client: Client, admin: dict[str, str], nlu: InMemoryNlu
) -> None:
    body = {"text": "tomorrow", "timezone": "Australia/Perth"}
    assert (await client.post(f"{BOT}/parse", headers=admin, json=body)).status_code == 200
    assert nlu.requests[-1].timezone == "Australia/Perth"
    response = await client.post(f"{BOT}/parse", headers=admin, json=body | {"timezone": "Perth"})
    assert (response.status_code, response.json()["error"]["details"]) == (400, {"field": "timezone"})
    assert len(nlu.requests) == 1


def _upload(*parts: tuple[str, bytes]) -> bytes:
    fields = b"".join(
        b'--xx\r\nContent-Disposition: form-data; name="' + name.encode() + b'"; filename="bot.json"\r\n'
        b"Content-Type: application/json\r\n\r\n" + content + b"\r\n"
        for name, content in parts
    )
    return fields + b"--xx--\r\n"


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "MULTIPART/FORM-DATA", "Multipart/Form-Data"]
)
async def test_an_upload_is_read_whatever_the_case_of_its_content_type(
    client: Client, admin: dict[str, str], dialogue: Any, content_type: str
) -> None:
    headers = admin | {"content-type": f"{content_type}; boundary=xx"}
    response = await client.post(
        "/api/v1/bots/shop/import", content=_upload(("file", b'{"description": "up"}')), headers=headers
    )
    assert response.status_code == 200, response.text
    assert dialogue.bots["shop"]["description"] == "up"


@pytest.mark.parametrize(
    ("parts", "given"),
    [
        ((("file", b'{"description": "a"}'), ("file", b'{"description": "b"}')), 2),
        ((("document", b"{}"),), 0),
    ],
    ids=["two files", "no file"],
)
async def test_an_upload_without_exactly_one_file_is_refused_and_imports_nothing(
    client: Client, admin: dict[str, str], dialogue: Any, parts: tuple[tuple[str, bytes], ...], given: int
) -> None:
    headers = admin | {"content-type": "multipart/form-data; boundary=xx"}
    response = await client.post("/api/v1/bots/shop/import", content=_upload(*parts), headers=headers)
    error = response.json()["error"]
    assert (response.status_code, error["details"]) == (400, {"field": "file", "given": given})
    assert "shop" not in dialogue.bots


async def test_a_malformed_job_id_is_named_as_a_job_id(client: Client, admin: dict[str, str]) -> None:
    response = await client.get(f"{BOT}/train/abc%0A", headers=admin)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("invalid job_id: ")
