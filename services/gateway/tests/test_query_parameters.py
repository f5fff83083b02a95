"""A query parameter a REST route reads is given once: twice is a 400 naming it as the client sent it,
as the websocket refuses it, where Litestar would read the last value without a word. A parameter a
route reads as a list may repeat; one it does not read is ignored, once or more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest
from litestar import Litestar, get
from litestar.params import QueryParameter
from litestar.testing import AsyncTestClient

from parley_gateway.queries import OneValueEach
from parley_runtime.web import exception_handlers

Client = AsyncTestClient[Litestar]
BOT = "/api/v1/bots/pizzeria"


def _refusal(name: str) -> dict[str, Any]:
    """The 400 a repeated parameter gets: shaped as the one a bad `from` gets."""
    message = f"the query parameter `{name}` is given more than once"
    details = [{"message": message, "key": name, "source": "query"}]
    return {"code": "invalid_input", "message": message, "details": details}


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        (f"{BOT}/conversations", "from=2026-01-01&from=2026-02-01", "from"),
        (f"{BOT}/conversations", "limit=5&limit=50", "limit"),
        (f"{BOT}/conversations", "limit=5&limit=5", "limit"),
        (f"{BOT}/conversations", "intent=greet&before=2026-01-01T00:00:00Z&intent=bye", "intent"),
        (f"{BOT}/analytics", "to=2026-01-31&from=2026-01-01&to=2026-02-28", "to"),
        (f"{BOT}/analytics", "from=2026-01-01&from=", "from"),
        (BOT, "format=acf&format=native", "format"),
    ],
)
async def test_a_parameter_a_route_reads_given_twice_is_refused_by_its_public_name(
    client: Client, admin: dict[str, str], path: str, query: str, name: str
) -> None:
    response = await client.get(f"{path}?{query}", headers=admin)
    assert response.status_code == 400
    assert response.json()["error"] == _refusal(name)


async def test_a_repeated_parameter_is_refused_before_its_values_are_read(
    client: Client, admin: dict[str, str]
) -> None:
    response = await client.get(f"{BOT}/conversations?limit=many&limit=5", headers=admin)
    assert response.json()["error"] == _refusal("limit")


async def test_the_first_repeated_parameter_as_sent_is_named(client: Client, admin: dict[str, str]) -> None:
    query = "to=2026-01-31&from=2026-01-01&from=2026-01-02&to=2026-02-01"
    response = await client.get(f"{BOT}/analytics?{query}", headers=admin)
    assert response.json()["error"] == _refusal("to")


async def test_a_client_without_a_key_hears_that_first(client: Client) -> None:
    response = await client.get(f"{BOT}/conversations?from=2026-01-01&from=2026-02-01")
    assert response.status_code == 401


async def test_parameters_given_once_are_read_as_before(client: Client, admin: dict[str, str]) -> None:
    response = await client.get(f"{BOT}/analytics?from=2026-01-01&to=2026-01-02", headers=admin)
    assert response.status_code == 200, response.text
    assert (response.json()["from"], response.json()["to"]) == ("2026-01-01", "2026-01-02")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", f"{BOT}/chat", {"text": "hi"}),
        ("GET", "/api/v1/bots", None),
        ("GET", "/api/v1/keys", None),
        ("GET", f"{BOT}/conversations", None),
    ],
)
async def test_a_parameter_a_route_does_not_read_is_ignored_even_twice(
    client: Client, admin: dict[str, str], method: str, path: str, body: dict[str, str] | None
) -> None:
    query = "conversation_id=c1&conversation_id=c2&colour=red&colour=blue"
    response = await client.request(method, f"{path}?{query}", headers=admin, json=body)
    assert response.status_code == 200, response.text


@get("/tagged", sync_to_thread=False)
def tagged(
    tags: Annotated[list[str], QueryParameter(name="tag")],
    per_page: Annotated[int, QueryParameter(name="limit")] = 10,
) -> dict[str, Any]:
    return {"tags": tags, "limit": per_page}


@pytest.fixture
async def list_client() -> AsyncIterator[Client]:
    """An app with a route that reads a list, checked as the gateway's routes are."""
    one_value_each = OneValueEach()
    app = Litestar(
        [tagged],
        plugins=[one_value_each],
        before_request=one_value_each.refuse_repeated,
        exception_handlers=exception_handlers(),
    )
    async with AsyncTestClient(app) as client:
        yield client


async def test_a_parameter_read_as_a_list_may_repeat(list_client: Client) -> None:
    response = await list_client.get("/tagged?tag=a&tag=b&limit=3")
    assert response.status_code == 200, response.text
    assert response.json() == {"tags": ["a", "b"], "limit": 3}


async def test_beside_a_list_a_single_value_is_still_given_once(list_client: Client) -> None:
    response = await list_client.get("/tagged?tag=a&limit=3&limit=4")
    assert response.json()["error"] == _refusal("limit")
