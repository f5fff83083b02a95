"""Who may use which route: admin keys, chat keys, bot-limited keys, revocation, public and
key-protected bots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
NewKey = Callable[..., Awaitable[str]]


def _auth(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}"}


async def test_an_admin_route_without_a_key_answers_401(client: Client) -> None:
    response = await client.get("/api/v1/bots")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_an_admin_route_with_an_unknown_key_answers_401_saying_so(client: Client) -> None:
    response = await client.get("/api/v1/bots", headers=_auth("pk_nope"))
    assert (response.status_code, response.json()["error"]["message"]) == (401, "unknown or revoked API key")


async def test_the_bootstrap_admin_key_opens_the_admin_api(client: Client, admin: dict[str, str]) -> None:
    assert (await client.get("/api/v1/bots", headers=admin)).status_code == 200


async def test_an_admin_route_with_a_chat_key_answers_403(client: Client, new_key: NewKey) -> None:
    chat_key = await new_key(scopes=["chat"])
    response = await client.get("/api/v1/bots", headers=_auth(chat_key))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_a_created_admin_key_opens_the_admin_api(client: Client, new_key: NewKey) -> None:
    assert (
        await client.get("/api/v1/bots", headers=_auth(await new_key(scopes=["admin"])))
    ).status_code == 200


async def test_a_key_limited_to_a_bot_is_refused_on_another(client: Client, new_key: NewKey) -> None:
    key = await new_key(scopes=["admin"], bots=["vault"])
    assert (await client.get("/api/v1/bots/vault", headers=_auth(key))).status_code == 200
    assert (await client.get("/api/v1/bots/pizzeria", headers=_auth(key))).status_code == 403


async def test_a_revoked_key_stops_working_at_once(
    client: Client, new_key: NewKey, admin: dict[str, str]
) -> None:
    key = await new_key(scopes=["admin"])
    assert (await client.get("/api/v1/bots", headers=_auth(key))).status_code == 200
    key_id = next(k["key_id"] for k in (await client.get("/api/v1/keys", headers=admin)).json())
    revoked = await client.delete(f"/api/v1/keys/{key_id}", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert (await client.get("/api/v1/bots", headers=_auth(key))).status_code == 401


async def test_the_secret_is_shown_once_and_never_listed(
    client: Client, new_key: NewKey, admin: dict[str, str]
) -> None:
    secret = await new_key(scopes=["chat"])
    listing = (await client.get("/api/v1/keys", headers=admin)).text
    assert secret not in listing
    assert secret[:10] in listing
    assert "digest" not in listing


async def test_a_public_bot_chats_without_a_key(client: Client) -> None:
    response = await client.post("/api/v1/bots/pizzeria/chat", json={"text": "hi"})
    assert response.status_code == 200
    assert response.json()["messages"] == [{"text": "you said hi"}]


async def test_a_key_protected_bot_needs_a_key_to_chat(client: Client) -> None:
    response = await client.post("/api/v1/bots/vault/chat", json={"text": "hi"})
    assert response.status_code == 401


async def test_a_chat_key_chats_with_a_key_protected_bot(client: Client, new_key: NewKey) -> None:
    key = await new_key(scopes=["chat"])
    response = await client.post("/api/v1/bots/vault/chat", json={"text": "hi"}, headers=_auth(key))
    assert response.status_code == 200


async def test_a_chat_key_for_another_bot_is_refused(client: Client, new_key: NewKey) -> None:
    key = await new_key(scopes=["chat"], bots=["pizzeria"])
    response = await client.post("/api/v1/bots/vault/chat", json={"text": "hi"}, headers=_auth(key))
    assert response.status_code == 403


async def test_saving_a_bot_as_key_protected_applies_at_once(client: Client, admin: dict[str, str]) -> None:
    assert (await client.post("/api/v1/bots/pizzeria/chat", json={"text": "hi"})).status_code == 200
    saved = await client.put(
        "/api/v1/bots/pizzeria", headers=admin, json={"settings": {"chat_access": "key"}}
    )
    assert saved.json()["chat_access"] == "key"
    assert (await client.post("/api/v1/bots/pizzeria/chat", json={"text": "hi"})).status_code == 401


async def test_chatting_with_an_unknown_bot_answers_404(client: Client) -> None:
    assert (await client.post("/api/v1/bots/nobody/chat", json={"text": "hi"})).status_code == 404


async def test_a_key_for_a_bot_that_does_not_exist_is_refused(client: Client, admin: dict[str, str]) -> None:
    body = {"name": "x", "scopes": ["chat"], "bots": ["vault", "nosuchbot"]}
    response = await client.post("/api/v1/keys", headers=admin, json=body)
    error = response.json()["error"]
    assert (response.status_code, error["details"]) == (400, {"field": "bots", "unknown": ["nosuchbot"]})
    assert "nosuchbot" not in (await client.get("/api/v1/keys", headers=admin)).text


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"scopes": ["chat", "chat"]}, {"field": "scopes", "repeated": ["chat"]}),
        ({"scopes": ["chat"], "bots": ["vault", "vault"]}, {"field": "bots", "repeated": ["vault"]}),
    ],
)
async def test_a_key_that_lists_a_scope_or_bot_twice_is_refused(
    client: Client, admin: dict[str, str], body: dict[str, Any], details: dict[str, Any]
) -> None:
    """`["chat", "chat"]` was taken as `["chat"]` while three scopes were refused as too many."""
    response = await client.post("/api/v1/keys", headers=admin, json={"name": "x", **body})
    assert (response.status_code, response.json()["error"]["details"]) == (400, details)
    assert (await client.get("/api/v1/keys", headers=admin)).json() == []


async def test_a_key_with_an_unknown_scope_is_refused(client: Client, admin: dict[str, str]) -> None:
    response = await client.post("/api/v1/keys", headers=admin, json={"name": "x", "scopes": ["root"]})
    assert response.status_code == 400


async def test_a_key_named_with_control_characters_is_refused_and_not_created(
    client: Client, admin: dict[str, str]
) -> None:
    body = {"name": "ops\u0000\n<script>", "scopes": ["chat"]}
    response = await client.post("/api/v1/keys", headers=admin, json=body)
    error = response.json()["error"]
    assert (response.status_code, error["details"]) == (
        400,
        {"field": "name", "position": 3, "character": "U+0000"},
    )
    assert (await client.get("/api/v1/keys", headers=admin)).json() == []


async def test_a_key_name_may_hold_any_other_text(client: Client, admin: dict[str, str]) -> None:
    body = {"name": "Café bot — staging ☕", "scopes": ["chat"]}
    response = await client.post("/api/v1/keys", headers=admin, json=body)
    assert response.status_code == 201
    assert response.json()["api_key"]["name"] == "Café bot — staging ☕"
