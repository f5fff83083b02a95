"""HTTP adapters for the gateway's ports (used when services run as separate processes)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from parley_messages import (
    BotSummary,
    ChatReply,
    ChatRequest,
    NluDataset,
    ParseRequest,
    ParseResult,
    WelcomeRequest,
)
from parley_runtime.http import JsonClient


class HttpDialogue:
    """`Conversations` and `BotCatalog` over the dialogue service's HTTP API."""

    def __init__(self, client: JsonClient) -> None:
        self._client = client

    async def turn(self, request: ChatRequest) -> ChatReply:
        return await self._client.call("POST", "/v1/turn", ChatReply, body=request)

    async def welcome(self, request: WelcomeRequest) -> ChatReply | None:
        return await self._client.call("POST", "/v1/welcome", ChatReply | None, body=request)  # type: ignore[arg-type]

    async def put_bot(self, bot: str, raw: bytes, content_type: str | None = None) -> BotSummary:
        headers = {"content-type": content_type or "application/json"}
        return await self._client.call("PUT", f"/v1/bots/{bot}", BotSummary, body=raw, headers=headers)

    async def get_bot(self, bot: str, export_format: str = "native") -> dict[str, Any]:
        path = f"/v1/bots/{bot}?format={export_format}"
        return await self._client.call("GET", path, dict[str, Any], idempotent=True)

    async def list_bots(self) -> list[BotSummary]:
        return await self._client.call("GET", "/v1/bots", list[BotSummary], idempotent=True)

    async def delete_bot(self, bot: str) -> None:
        await self._client.call("DELETE", f"/v1/bots/{bot}", type(None), idempotent=True)

    async def training_dataset(self, bot: str) -> NluDataset:
        return await self._client.call("GET", f"/v1/bots/{bot}/dataset", NluDataset, idempotent=True)

    async def ping(self) -> None:
        """Raise unless the dialogue service answers (a readiness check)."""
        await self._client.call("GET", "/health/live", dict[str, Any], idempotent=True)


class HttpParser:
    """`Parser` over the NLU service's HTTP API."""

    def __init__(self, client: JsonClient) -> None:
        self._client = client

    async def parse(self, request: ParseRequest) -> ParseResult:
        return await self._client.call("POST", "/v1/parse", ParseResult, body=request, idempotent=True)

    async def retire_models(self, bot: str) -> None:
        # Quoted whole: a name holding '?', '#' or a control character must name this bot's models,
        # not cut the URL short (another resource) or fail in httpx untranslated.
        path = f"/v1/bots/{quote(bot, safe='')}/models"
        await self._client.call("DELETE", path, type(None), idempotent=True)

    async def ping(self) -> None:
        """Raise unless the NLU service answers (a readiness check)."""
        await self._client.call("GET", "/health/live", dict[str, Any], idempotent=True)
