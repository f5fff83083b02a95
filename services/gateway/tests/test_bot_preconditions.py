"""Optimistic concurrency on a bot definition: the export and a save say the bot's version as
`ETag`, and a save with `If-Match` or `If-None-Match: *` is refused with 412 when the bot is not as
the editor loaded it (the dialogue double refuses as the real service does; tests/test_dialogue_port.py
holds the service to the messages)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.bootstrap import app_for

from .conftest import sent_over_asgi

Client = AsyncTestClient[Litestar]
BOT = "/api/v1/bots/pizzeria"
DEFINITION = {"intents": []}


async def test_the_export_and_a_save_say_the_version_as_etag(client: Client, admin: dict[str, str]) -> None:
    assert (await client.get(BOT, headers=admin)).headers["etag"] == '"1"'
    saved = await client.put(BOT, headers=admin, json=DEFINITION)
    assert (saved.headers["etag"], saved.json()["version"]) == ('"2"', 2)
    assert (await client.get(f"{BOT}?format=native", headers=admin)).headers["etag"] == '"2"'


async def test_the_acf_export_has_its_own_tag_naming_the_format(
    client: Client, admin: dict[str, str]
) -> None:
    """Two representations of one version may not share a strong tag (RFC 9110 8.8.3)."""
    native = await client.get(BOT, headers=admin)
    acf = await client.get(f"{BOT}?format=acf", headers=admin)
    assert (native.headers["etag"], acf.headers["etag"]) == ('"1"', '"1-acf"')


@pytest.mark.parametrize("tag", ['"1-acf"', 'W/"1-acf"'], ids=["strong", "weak"])
async def test_a_save_over_the_acf_export_loaded_is_made(
    client: Client, admin: dict[str, str], tag: str
) -> None:
    saved = await client.put(BOT, headers=admin | {"If-Match": tag}, json=DEFINITION)
    assert (saved.status_code, saved.headers["etag"]) == (200, '"2"')


async def test_a_stale_acf_tag_is_412(client: Client, admin: dict[str, str], dialogue: Any) -> None:
    await client.put(BOT, headers=admin, json={"description": "theirs"})
    stale = await client.put(BOT, headers=admin | {"If-Match": '"1-acf"'}, json={"description": "mine"})
    assert (stale.status_code, stale.json()["error"]["details"]) == (412, {"current_version": 2})
    assert dialogue.bots["pizzeria"]["description"] == "theirs"


@pytest.mark.parametrize("tag", ['"1"', 'W/"1"', "1", ' "1" '], ids=["strong", "weak", "bare", "spaced"])
async def test_a_save_over_the_version_loaded_is_made(
    client: Client, admin: dict[str, str], tag: str
) -> None:
    saved = await client.put(BOT, headers=admin | {"If-Match": tag}, json=DEFINITION)
    assert (saved.status_code, saved.headers["etag"]) == (200, '"2"')


async def test_a_stale_save_is_412_with_the_current_version(
    client: Client, admin: dict[str, str], dialogue: Any
) -> None:
    await client.put(BOT, headers=admin, json={"description": "theirs"})
    stale = await client.put(BOT, headers=admin | {"If-Match": '"1"'}, json={"description": "mine"})
    error = stale.json()["error"]
    assert (stale.status_code, error["code"], error["details"]) == (
        412,
        "precondition_failed",
        {"current_version": 2},
    )
    assert dialogue.bots["pizzeria"]["description"] == "theirs"


async def test_a_save_over_a_deleted_bot_is_412_and_does_not_create_it(
    client: Client, admin: dict[str, str], dialogue: Any
) -> None:
    assert (await client.delete(BOT, headers=admin)).status_code == 204
    stale = await client.put(BOT, headers=admin | {"If-Match": '"1"'}, json=DEFINITION)
    assert (stale.status_code, stale.json()["error"]["details"]) == (412, {"current_version": None})
    assert "pizzeria" not in dialogue.bots


async def test_create_only_is_412_for_a_bot_that_exists_and_creates_one_that_does_not(
    client: Client, admin: dict[str, str]
) -> None:
    exists = await client.put(BOT, headers=admin | {"If-None-Match": "*"}, json=DEFINITION)
    assert (exists.status_code, exists.json()["error"]["code"]) == (412, "precondition_failed")
    created = await client.put(
        "/api/v1/bots/new-bot", headers=admin | {"If-None-Match": "*"}, json=DEFINITION
    )
    assert (created.status_code, created.headers["etag"]) == (200, '"1"')


async def test_a_save_without_a_precondition_still_wins(client: Client, admin: dict[str, str]) -> None:
    for version in (2, 3):
        assert (await client.put(BOT, headers=admin, json=DEFINITION)).json()["version"] == version


@pytest.mark.parametrize(
    "headers",
    [
        {"If-Match": "*"},
        {"If-Match": '"1", "2"'},
        {"If-Match": '"one"'},
        {"If-Match": '"1'},
        {"If-Match": ""},
        {"If-Match": '"1-native"'},
        {"If-Match": '"1-yaml"'},
        {"If-Match": "1-acf"},
        {"If-Match": '"1-acf", "1"'},
        {"If-None-Match": '"1"'},
        {"If-Match": '"1"', "If-None-Match": "*"},
    ],
    ids=[
        "star",
        "list",
        "word",
        "unclosed",
        "empty",
        "native-named",
        "unknown-format",
        "bare-acf",
        "acf-in-list",
        "none-match-tag",
        "both",
    ],
)
async def test_a_precondition_that_is_not_a_version_is_400_and_saves_nothing(
    client: Client, admin: dict[str, str], dialogue: Any, headers: dict[str, str]
) -> None:
    answer = await client.put(BOT, headers=admin | headers, json={"description": "mine"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_input")
    assert "description" not in dialogue.bots["pizzeria"]


async def test_openapi_documents_the_etag_and_the_preconditions(client: Client) -> None:
    bot = (await client.get("/docs/openapi.json")).json()["paths"]["/api/v1/bots/{bot}"]
    assert "ETag" in bot["get"]["responses"]["200"]["headers"]
    assert "ETag" in bot["put"]["responses"]["200"]["headers"]
    headers = {p["name"]: p for p in bot["put"]["parameters"] if p["in"] == "header"}
    assert set(headers) == {"If-Match", "If-None-Match"}
    assert not headers["If-Match"]["required"]
    assert "412" in bot["put"]["responses"]


async def test_a_console_on_another_origin_may_send_the_preconditions_and_read_the_etag(
    make_gateway: Any, infra: Any, admin: dict[str, str]
) -> None:
    origin = "https://console.example"
    app = app_for(await make_gateway(cors_origins=[origin]), infra)
    async with AsyncTestClient(app) as client:
        asks = {"Origin": origin, "Access-Control-Request-Method": "PUT"}
        asks["Access-Control-Request-Headers"] = "authorization, content-type, if-match, if-none-match"
        preflight = await client.options(BOT, headers=asks)
        assert preflight.status_code in (200, 204)
        exported = await client.get(BOT, headers=admin | {"Origin": origin})
        assert "etag" in exported.headers["access-control-expose-headers"].lower()


async def _put_sent_as(app: Litestar, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, Any]:
    """A PUT of the bot with `headers` exactly as listed: its status and JSON answer."""
    sent = await sent_over_asgi(app, "PUT", BOT, [(b"content-type", b"application/json"), *headers], body)
    return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


@pytest.mark.parametrize(
    "repeated",
    [
        [("If-Match", '"1"'), ("If-Match", '"2"')],
        [("If-Match", '"1"'), ("If-Match", '"1"')],
        [("If-None-Match", "*")] * 2,
    ],
    ids=["two versions", "one version twice", "create only twice"],
)
async def test_a_precondition_given_twice_is_a_list_and_400(
    app: Litestar, client: Client, admin: dict[str, str], dialogue: Any, repeated: list[tuple[str, str]]
) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in [*admin.items(), *repeated]]
    status, answer = await _put_sent_as(app, headers, b'{"description": "mine"}')
    error = answer["error"]
    assert (status, error["code"], error["details"]) == (400, "invalid_input", {"header": repeated[0][0]})
    assert ", ".join(value for _, value in repeated) in error["message"]
    assert "description" not in dialogue.bots["pizzeria"]


async def test_a_precondition_given_once_is_read_from_the_same_request(
    app: Litestar, client: Client, admin: dict[str, str], dialogue: Any
) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in [*admin.items(), ("If-Match", '"1"')]]
    status, answer = await _put_sent_as(app, headers, b'{"description": "mine"}')
    assert (status, answer["version"]) == (200, 2)
    assert dialogue.bots["pizzeria"]["description"] == "mine"
