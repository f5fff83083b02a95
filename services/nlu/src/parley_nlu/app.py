"""The NLU HTTP API: parse, reload, a bot's models (listed, one published again, all retired), health.

Bodies are msgspec structs; errors are `{"error": {...}}`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Sequence
from typing import Annotated

import msgspec
from litestar import Litestar, Router, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from parley_messages import ModelPublication, ModelSummary, ParseRequest, ParseResult
from parley_nlu.history import MAX_PAGE
from parley_nlu.service import NluService
from parley_runtime.web import CheckedRequest, ReadinessCheck, exception_handlers, health_routes

MAX_BODY_BYTES = 64 * 1024


class ReloadResult(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    version: str | None


@post("/parse", status_code=200, summary="Intent, ranking and entities of one utterance")
async def parse(data: JSONBody[ParseRequest], service: NamedDependency[NluService]) -> ParseResult:
    return await service.parse(data)


@post("/bots/{bot:str}/reload", status_code=200, summary="Load the bot's newest published model now")
async def reload(bot: FromPath[str], service: NamedDependency[NluService]) -> ReloadResult:
    return ReloadResult(bot=bot, version=await service.reload(bot))


@get("/bots/{bot:str}/models", summary="The bot's models, newest request first")
async def models(
    bot: FromPath[str],
    service: NamedDependency[NluService],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
    before_version: FromQuery[str | None] = None,
) -> list[ModelSummary]:
    return await service.models(bot, limit=limit, before_version=before_version)


@post(
    "/bots/{bot:str}/models/{version:str}/publish",
    status_code=200,
    summary="Serve an earlier model of the bot again",
)
async def publish_model(
    bot: FromPath[str], version: FromPath[str], service: NamedDependency[NluService]
) -> ModelPublication:
    return await service.publish_model(bot, version)


@delete("/bots/{bot:str}/models", status_code=204, summary="Stop serving the bot's models (it was deleted)")
async def retire_models(bot: FromPath[str], service: NamedDependency[NluService]) -> None:
    await service.retire_models(bot)


def create_app(
    service: NluService, *, ready_checks: Sequence[ReadinessCheck] = (), watch_models: bool = True
) -> Litestar:
    """The ASGI app; while it runs, `service.watch` follows model announcements (if `watch_models`)."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncGenerator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(service.watch(stop)) if watch_models else None
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                watcher.cancel()  # rather than wait for its poll to notice `stop`
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            await service.close()

    return Litestar(
        route_handlers=[
            Router("/v1", route_handlers=[parse, reload, models, publish_model, retire_models]),
            *health_routes(list(ready_checks)),
        ],
        dependencies={"service": Provide(lambda: service, sync_to_thread=False)},
        state=State({"service": service}),
        exception_handlers=exception_handlers(),
        request_max_body_size=MAX_BODY_BYTES,
        request_class=CheckedRequest,  # a body that is not UTF-8 or nests too deep is a 400, not a 500
        lifespan=[lifespan],
    )
