"""Access through the public interface: admin keys, chat keys, request limits."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _key(parley: EmbeddedParley, **body: object) -> dict[str, str]:
    created = httpx.post(f"{parley.base_url}/api/v1/keys", headers=parley.admin, json={"name": "e2e", **body})
    assert created.status_code == 201, created.text
    return {"authorization": f"Bearer {created.json()['key']}"}


def test_admin_routes_answer_401_without_a_key(parley: EmbeddedParley) -> None:
    for method, path in [("GET", "/bots"), ("GET", "/bots/pizzeria"), ("POST", "/bots/pizzeria/train")]:
        response = httpx.request(method, f"{parley.base_url}/api/v1{path}")
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"


def test_admin_routes_answer_403_to_a_chat_key(parley: EmbeddedParley) -> None:
    chat_key = _key(parley, scopes=["chat"])
    response = httpx.get(f"{parley.base_url}/api/v1/bots/pizzeria", headers=chat_key)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_chat_key_still_chats(parley: EmbeddedParley) -> None:
    response = httpx.post(
        f"{parley.base_url}/api/v1/bots/pizzeria/chat",
        json={"text": "hi"},
        headers=_key(parley, scopes=["chat"]),
    )
    assert response.status_code == 200


def test_an_over_limit_client_gets_429_with_retry_after(parley: EmbeddedParley) -> None:
    limited = _key(parley, scopes=["admin"], rate_limit=3)
    responses = [httpx.get(f"{parley.base_url}/api/v1/bots", headers=limited) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[-1].json()["error"]["code"] == "rate_limited"
    assert int(responses[-1].headers["retry-after"]) >= 1


def test_a_correlation_id_comes_back(parley: EmbeddedParley) -> None:
    response = httpx.post(
        f"{parley.base_url}/api/v1/bots/pizzeria/chat",
        json={"text": "hi"},
        headers={"x-correlation-id": "e2e-corr-1"},
    )
    assert response.headers["x-correlation-id"] == "e2e-corr-1"
