"""The OpenAPI document at /docs/openapi.json shows each error response with an example of what the
server answers with that status, not strings Litestar makes up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_runtime.http import ErrorBody

Client = AsyncTestClient[Litestar]
BOTS = "/api/v1/bots"


async def error_examples(client: Client) -> dict[int, list[ErrorBody]]:
    """Every error response's examples in the document, by status."""
    spec = (await client.get("/docs/openapi.json")).json()
    found: dict[int, list[ErrorBody]] = {}
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if int(status) < 400:
                    continue
                examples = response["content"]["application/json"]["examples"].values()
                found.setdefault(int(status), []).extend(
                    msgspec.convert(example["value"], ErrorBody) for example in examples
                )
    return found


async def test_no_error_schema_carries_made_up_examples(client: Client) -> None:
    schemas = (await client.get("/docs/openapi.json")).json()["components"]["schemas"]
    for name in ("ErrorBody", "ErrorDetail"):
        assert "examples" not in schemas[name]
        assert all("examples" not in field for field in schemas[name]["properties"].values())


async def test_every_error_response_has_one_example_of_its_status(client: Client) -> None:
    examples = await error_examples(client)
    assert set(examples) >= {400, 401, 403, 404, 409, 412, 413, 429, 503, 504}
    for bodies in examples.values():
        assert len({msgspec.json.encode(body) for body in bodies}) == 1


async def test_the_examples_are_what_the_server_answers(
    client: Client, admin: dict[str, str], new_key: Callable[..., Awaitable[str]]
) -> None:
    examples = {status: bodies[0].error for status, bodies in (await error_examples(client)).items()}
    chat_key = await new_key(scopes=["chat"])
    answers: dict[int, Any] = {
        400: await client.post(f"{BOTS}/pizzeria/chat", json={"text": "hi", "timezone": "Perth"}),
        401: await client.get(BOTS),
        403: await client.get(BOTS, headers={"authorization": f"Bearer {chat_key}"}),
        404: await client.get(f"{BOTS}/pizzeria-2", headers=admin),
        412: await client.put(f"{BOTS}/pizzeria", headers=admin | {"If-Match": '"2"'}, json={"intents": []}),
        413: await client.post(
            f"{BOTS}/pizzeria/chat",
            content=b'{"text": "' + b"a" * 200_000 + b'"}',
            headers={"content-type": "application/json"},
        ),
    }
    for status, response in answers.items():
        assert response.status_code == status
        answered = msgspec.json.decode(response.content, type=ErrorBody).error
        assert answered.code == examples[status].code, status
        assert type(answered.details) is type(examples[status].details), status
        if isinstance(answered.details, dict):
            assert set(answered.details) == set(examples[status].details), status
    assert answers[400].json()["error"] == msgspec.to_builtins(examples[400])
    assert answers[401].json()["error"] == msgspec.to_builtins(examples[401])


async def test_every_query_parameter_says_what_it_does(client: Client) -> None:
    spec = (await client.get("/docs/openapi.json")).json()
    undescribed = [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and not parameter.get("description")
    ]
    assert undescribed == []
