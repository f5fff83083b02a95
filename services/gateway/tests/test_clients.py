"""The HTTP adapters against a stand-in of the NLU service's API, served by uvicorn on a free port."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import uvicorn
from litestar import Litestar, Request, delete, get, post
from litestar.params import FromPath, JSONBody

from parley_gateway.clients import HttpParser
from parley_messages import (
    IntentScore,
    ModelPublication,
    ModelPublished,
    ModelSummary,
    ParseRequest,
    ParseResult,
    utc_now,
)
from parley_runtime.errors import ConflictError, InvalidInputError, NotFoundError, ParleyError, TransientError
from parley_runtime.http import JsonClient
from parley_runtime.web import exception_handlers

AnyRequest = Request[Any, Any, Any]

FAILURES: dict[str, ParleyError] = {
    "ghost": NotFoundError("no bot named 'ghost'"),
    "down": TransientError("the registry does not answer"),
    "deleted": ConflictError("model v1 was retired when bot 'deleted' was deleted"),
    "paged": InvalidInputError("bot 'paged' has no model 'v9' to list the models before"),
}
"""What the stand-in answers for these bots, to every call alike."""
MODEL = ModelSummary(
    bot="pizzeria", version="v3", status="published", served=True, created_at=utc_now(), republished_from="v1"
)


def _answer_for(bot: str, request: AnyRequest, calls: list[str]) -> None:
    calls.append(f"{request.method} {request.url.path}")
    if bot in FAILURES:
        raise FAILURES[bot]


def _stand_in(calls: list[str]) -> Litestar:
    @post("/v1/parse", status_code=200)
    async def parse(data: JSONBody[ParseRequest], request: AnyRequest) -> ParseResult:
        _answer_for(data.bot, request, calls)
        intent = IntentScore(name="greet", confidence=0.9)
        return ParseResult(intent=intent, ranking=[intent], entities=[])

    @delete("/v1/bots/{bot:str}/models", status_code=204)
    async def retire(bot: FromPath[str], request: AnyRequest) -> None:
        _answer_for(bot, request, calls)

    @get("/v1/bots/{bot:str}/models")
    async def models(bot: FromPath[str], request: AnyRequest) -> list[ModelSummary]:
        _answer_for(bot, request, calls)
        calls.append(f"query {request.url.query}")
        return [MODEL]

    @post("/v1/bots/{bot:str}/models/{version:str}/publish", status_code=200)
    async def publish(bot: FromPath[str], version: FromPath[str], request: AnyRequest) -> ModelPublication:
        _answer_for(bot, request, calls)
        event = ModelPublished(bot=bot, version="v3", artifact_key=f"models/{bot}/{version}/model.npz")
        return ModelPublication(model=MODEL, event=event)

    return Litestar([parse, retire, models, publish], exception_handlers=exception_handlers())


@pytest.fixture
def calls() -> list[str]:
    """The stand-in's requests, as `METHOD path`."""
    return []


@pytest.fixture
async def parser(calls: list[str]) -> AsyncIterator[HttpParser]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(_stand_in(calls), port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    client = JsonClient(f"http://127.0.0.1:{port}", timeout=5)
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn tells it is listening by this flag only
                await asyncio.sleep(0.01)
        yield HttpParser(client)
    finally:
        await client.aclose()
        server.should_exit = True
        await serving


def _parse(parser: HttpParser, bot: str) -> Awaitable[object]:
    return parser.parse(ParseRequest(bot=bot, text="hello"))


def _retire(parser: HttpParser, bot: str) -> Awaitable[object]:
    return parser.retire_models(bot)


async def test_a_bots_models_are_listed_over_the_nlu_services_http_api(
    parser: HttpParser, calls: list[str]
) -> None:
    assert await parser.models("pizzeria", limit=20) == [MODEL]
    assert await parser.models("pizzeria", limit=5, before_version="v2") == [MODEL]
    assert calls == [
        "GET /v1/bots/pizzeria/models",
        "query limit=20",
        "GET /v1/bots/pizzeria/models",
        "query limit=5&before_version=v2",
    ]


async def test_an_earlier_model_is_published_again_over_the_nlu_services_http_api(
    parser: HttpParser, calls: list[str]
) -> None:
    publication = await parser.publish_model("pizzeria", "v1")
    assert publication.model == MODEL and publication.event.artifact_key == "models/pizzeria/v1/model.npz"
    assert calls == ["POST /v1/bots/pizzeria/models/v1/publish"]


async def test_publishing_is_not_retried_and_its_conflict_comes_back(
    parser: HttpParser, calls: list[str]
) -> None:
    with pytest.raises(ConflictError, match="retired") as raised:
        await parser.publish_model("deleted", "v1")
    assert raised.value.code == "conflict"
    with pytest.raises(TransientError):
        await parser.publish_model("down", "v1")
    assert len(calls) == 2  # a rollback is not idempotent: a failure is not sent again


async def test_a_listing_after_an_unknown_model_comes_back_as_invalid_input(parser: HttpParser) -> None:
    with pytest.raises(InvalidInputError, match="no model 'v9'"):
        await parser.models("paged", limit=50, before_version="v9")


async def test_a_version_that_no_model_can_have_is_refused_before_any_request(
    parser: HttpParser, calls: list[str]
) -> None:
    with pytest.raises(InvalidInputError, match="invalid model version"):
        await parser.publish_model("pizzeria", "../../v1")
    assert calls == []


async def test_models_are_retired_over_the_nlu_services_http_api(
    parser: HttpParser, calls: list[str]
) -> None:
    await parser.retire_models("pizzeria")
    assert calls == ["DELETE /v1/bots/pizzeria/models"]


@pytest.mark.parametrize("call", [_parse, _retire], ids=["parse", "retire_models"])
@pytest.mark.parametrize(
    ("bot", "error", "attempts"),
    [("ghost", NotFoundError, 1), ("down", TransientError, 2)],
    ids=["404", "503"],
)
async def test_an_nlu_failure_comes_back_as_the_error_it_reported(
    parser: HttpParser,
    calls: list[str],
    call: Callable[[HttpParser, str], Awaitable[object]],
    bot: str,
    error: type[ParleyError],
    attempts: int,
) -> None:
    with pytest.raises(error, match=re.escape(str(FAILURES[bot]))) as raised:
        await call(parser, bot)
    assert raised.value.code == FAILURES[bot].code
    assert len(calls) == attempts  # both idempotent: a transient failure is tried once more
