"""Every bad JSON body gets a 400 that says what is wrong with it, an empty one included."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient

from parley_runtime.web import CheckedRequest, exception_handlers


class Body(msgspec.Struct):
    text: str


@post("/chat", sync_to_thread=False)
def chat(data: JSONBody[Body]) -> dict[str, str]:
    return {"text": data.text}


@post("/ping", sync_to_thread=False)
def ping(data: JSONBody[Body | None] = None) -> dict[str, str]:
    return {"text": "pong" if data is None else data.text}


@post("/raw")
async def raw(request: CheckedRequest) -> dict[str, int]:
    return {"bytes": len(await request.body())}


def app() -> Litestar:
    return Litestar([chat, ping, raw], request_class=CheckedRequest, exception_handlers=exception_handlers())


async def refusal(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    async with AsyncTestClient(app()) as client:
        response = await client.post("/chat", content=body, headers=headers)
    assert response.status_code == 400
    return response.json()["error"]


@pytest.mark.parametrize("headers", [{"content-type": "application/json"}, {}], ids=["json", "no type"])
async def test_an_empty_body_is_refused_saying_it_is_empty(headers: dict[str, str]) -> None:
    error = await refusal(b"", headers)
    assert (error["code"], error["message"]) == ("invalid_input", "the body is empty: send a JSON value")
    assert error["details"] == [
        {"message": "the body is empty: send a JSON value", "key": "data", "source": "body"}
    ]


@pytest.mark.parametrize(("path", "answer"), [("/ping", {"text": "pong"}), ("/raw", {"bytes": 0})])
async def test_an_empty_body_is_fine_where_the_handler_needs_none(path: str, answer: dict[str, Any]) -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.post(path, content=b"", headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (201, answer)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"null", "Expected `object`, got `null`"),
        (b"{}", "Object missing required field `text`"),
        (b"{", "Input data was truncated"),
    ],
)
async def test_other_bad_bodies_keep_their_own_words(body: bytes, message: str) -> None:
    error = await refusal(body, {"content-type": "application/json"})
    assert error["details"][0]["message"] == message


async def test_a_body_that_gives_a_key_twice_is_refused_naming_it() -> None:
    error = await refusal(b'{"text": "yes", "text": "no"}', {"content-type": "application/json"})
    assert error["message"].startswith("repeated key in the JSON: `text` (")
    assert error["details"] == [
        {"message": "is given more than once: an object gives each key once", "key": "text", "source": "body"}
    ]
