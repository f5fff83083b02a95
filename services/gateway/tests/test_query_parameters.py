"""A query parameter a REST route reads is given once: twice is a 400 naming it as the client sent it,
as the websocket refuses it, where Litestar would read the last value without a word. A parameter a
route reads as a list may repeat; one it does not read is ignored, once or more. An integer
parameter is written as one: Litestar's lenient reading took `2.0` and `2e0` as 2."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest
from litestar import Litestar, get
from litestar.params import FromQuery, QueryParameter
from litestar.testing import AsyncTestClient

from parley_gateway.queries import QueryChecks
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


def _not_an_integer(name: str, value: str) -> dict[str, Any]:
    message = f"`{name}` is an integer written in plain decimal digits, such as 50, not {value!r}"
    details = [{"message": message, "key": name, "source": "query"}]
    return {"code": "invalid_input", "message": message, "details": details}


@pytest.mark.parametrize("path", [f"{BOT}/conversations", f"{BOT}/models"])
@pytest.mark.parametrize(
    "value", ["2.0", "2e0", "1e1", " 2", "2 ", "+2", "0x2", "02", "-0", "1_0", "\uff12", ""]
)
async def test_an_integer_not_written_as_one_is_refused_naming_it(
    client: Client, admin: dict[str, str], path: str, value: str
) -> None:
    response = await client.get(path, params={"limit": value}, headers=admin)
    assert response.status_code == 400
    assert response.json()["error"] == _not_an_integer("limit", value)


@pytest.mark.parametrize(("value", "status"), [("2", 200), ("0", 400), ("-3", 400), ("201", 400)])
async def test_an_integer_written_as_one_is_read_and_held_to_its_range(
    client: Client, admin: dict[str, str], value: str, status: int
) -> None:
    response = await client.get(f"{BOT}/conversations", params={"limit": value}, headers=admin)
    assert response.status_code == status, response.text
    if status == 400:
        assert response.json()["error"]["details"][0]["message"].startswith("Expected `int`")


@get("/tagged", sync_to_thread=False)
def tagged(
    tags: Annotated[list[str], QueryParameter(name="tag")],
    per_page: Annotated[int, QueryParameter(name="limit")] = 10,
    pages: Annotated[list[int] | None, QueryParameter(name="page")] = None,
    skip: FromQuery[int | None] = None,
    verbose: FromQuery[bool] = False,
) -> dict[str, Any]:
    return {"tags": tags, "limit": per_page, "pages": pages, "skip": skip, "verbose": verbose}


@pytest.fixture
async def list_client() -> AsyncIterator[Client]:
    """An app with a route that reads a list, checked as the gateway's routes are."""
    query_checks = QueryChecks()
    app = Litestar(
        [tagged],
        plugins=[query_checks],
        before_request=query_checks.check,
        exception_handlers=exception_handlers(),
    )
    async with AsyncTestClient(app) as client:
        yield client


async def test_a_parameter_read_as_a_list_may_repeat(list_client: Client) -> None:
    response = await list_client.get("/tagged?tag=a&tag=b&limit=3")
    assert response.status_code == 200, response.text
    assert response.json() == {"tags": ["a", "b"], "limit": 3, "pages": None, "skip": None, "verbose": False}


async def test_beside_a_list_a_single_value_is_still_given_once(list_client: Client) -> None:
    response = await list_client.get("/tagged?tag=a&limit=3&limit=4")
    assert response.json()["error"] == _refusal("limit")


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("tag=a&page=1&page=2.0", "page", "2.0"),
        ("tag=a&skip=1e1", "skip", "1e1"),
        ("tag=a&skip=4.&page=x", "skip", "4."),
    ],
)
async def test_an_optional_or_listed_integer_is_written_as_one_too(
    list_client: Client, query: str, name: str, value: str
) -> None:
    response = await list_client.get(f"/tagged?{query}")
    assert response.json()["error"] == _not_an_integer(name, value)


async def test_neither_text_nor_a_boolean_is_held_to_digits(list_client: Client) -> None:
    response = await list_client.get("/tagged?tag=2.0&verbose=true&page=1&page=-2&skip=0")
    assert response.status_code == 200, response.text
    assert response.json() == {"tags": ["2.0"], "limit": 10, "pages": [1, -2], "skip": 0, "verbose": True}
