"""The dialogue service's HTTP API (the gateway's `HttpDialogue` client speaks to it)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request, Response, delete, get, post, put
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from parley_dialogue.service import BotExport, DialogueService
from parley_messages import BotSummary, ChatReply, ChatRequest, NluDataset, WelcomeRequest
from parley_runtime.errors import InvalidInputError
from parley_runtime.preconditions import create_only, expected_version
from parley_runtime.web import ReadinessCheck, exception_handlers, health_routes

MAX_BODY_BYTES = 5_000_000
_chat_request = msgspec.json.Decoder(ChatRequest)
_welcome_request = msgspec.json.Decoder(WelcomeRequest)


def _decode(decoder: msgspec.json.Decoder[Any], body: bytes) -> Any:
    try:
        return decoder.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"invalid request body: {exc}", details=[str(exc)]) from exc


def _routes(service: DialogueService) -> list[HTTPRouteHandler]:
    """The API's handlers, closed over the service (no per-request dependency resolution)."""

    @post("/v1/turn", status_code=200)
    async def turn(request: Request[Any, Any, Any]) -> ChatReply:
        return await service.turn(_decode(_chat_request, await request.body()))

    @post("/v1/welcome", status_code=200)
    async def welcome(request: Request[Any, Any, Any]) -> Response[bytes]:
        reply = await service.welcome(_decode(_welcome_request, await request.body()))
        return Response(msgspec.json.encode(reply), media_type="application/json")

    @put("/v1/bots/{bot:str}", status_code=200)
    async def put_bot(bot: FromPath[str], request: Request[Any, Any, Any]) -> BotSummary:
        """`If-Match: "<version>"` or `If-None-Match: *` make the save conditional; a refusal is
        412 `precondition_failed`, with the bot's current version in its details."""
        headers = request.headers
        return await service.put_bot(
            bot,
            await request.body(),
            headers.get("content-type"),
            expected_version=expected_version(headers.get("if-match"), exact=True),
            create_only=create_only(headers.get("if-none-match")),
        )

    @get("/v1/bots/{bot:str}")
    async def get_bot(bot: FromPath[str], request: Request[Any, Any, Any]) -> dict[str, Any]:
        return await service.get_bot(bot, request.query_params.get("format", "native"))

    @get("/v1/bots/{bot:str}/export")
    async def export_bot(bot: FromPath[str], request: Request[Any, Any, Any]) -> BotExport:
        return await service.export_bot(bot, request.query_params.get("format", "native"))

    @get("/v1/bots")
    async def list_bots() -> list[BotSummary]:
        return await service.list_bots()

    @delete("/v1/bots/{bot:str}", status_code=204)
    async def delete_bot(bot: FromPath[str]) -> None:
        await service.delete_bot(bot)

    @delete("/v1/bots/{bot:str}/conversations/{conversation_id:str}", status_code=204)
    async def forget_conversation(bot: FromPath[str], conversation_id: FromPath[str]) -> None:
        await service.forget_conversation(bot, conversation_id)

    @get("/v1/bots/{bot:str}/dataset")
    async def training_dataset(bot: FromPath[str]) -> NluDataset:
        return await service.training_dataset(bot)

    return [
        turn,
        welcome,
        put_bot,
        get_bot,
        export_bot,
        list_bots,
        delete_bot,
        forget_conversation,
        training_dataset,
    ]


def create_app(
    service: DialogueService,
    *,
    ready_checks: list[ReadinessCheck] | None = None,
    debug: bool = False,
) -> Litestar:
    """The HTTP API over `service`; `ready_checks` back `/health/ready`."""
    return Litestar(
        route_handlers=[*_routes(service), *health_routes(ready_checks or [])],
        exception_handlers=exception_handlers(),
        request_max_body_size=MAX_BODY_BYTES,
        debug=debug,
    )
