"""Litestar's HTTP errors keep the headers they were raised with when the runtime maps them to the
error body: the internal NLU and dialogue APIs answer a 405 with `Allow` (RFC 9110 15.5.6)."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.exceptions import NotAuthorizedException
from litestar.testing import AsyncTestClient

from parley_runtime.web import exception_handlers


@get("/models", sync_to_thread=False)
def models() -> list[str]:
    return []


@get("/secret", sync_to_thread=False)
def secret() -> None:
    raise NotAuthorizedException("a key is needed", headers={"WWW-Authenticate": "Bearer"})


def app() -> Litestar:
    return Litestar([models, secret], exception_handlers=exception_handlers())


async def test_a_405_names_the_methods_the_address_answers_in_allow() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.delete("/models")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert {method.strip() for method in response.headers["allow"].split(",")} == {"GET", "OPTIONS"}


async def test_an_http_error_keeps_the_headers_it_was_raised_with() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.get("/secret")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "unauthorized", "message": "a key is needed", "details": None}
    assert response.headers["www-authenticate"] == "Bearer"
