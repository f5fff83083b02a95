"""HTTP adapters for the gateway's ports (used when services run as separate processes).

A bot name goes into a URL path only once it follows the shared rule, which leaves nothing in it to
quote; a name breaking it is refused here as the services refuse it (`InvalidInputError`), where a
path would have carried it cut short, decoded into two segments or not at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec

from parley_messages import (
    ID_RULE,
    BotSummary,
    ChatReply,
    ChatRequest,
    ModelPublication,
    ModelSummary,
    NluDataset,
    ParseRequest,
    ParseResult,
    WelcomeRequest,
    is_id,
)
from parley_runtime.errors import InvalidInputError
from parley_runtime.http import JsonClient
from parley_runtime.names import check_bot_name


class ExportedBot(msgspec.Struct, frozen=True, kw_only=True):
    """`BotExport` as the dialogue service's `/v1/bots/{bot}/export` answers it."""

    version: int
    document: dict[str, Any]


class HttpDialogue:
    """`Conversations` and `BotCatalog` over the dialogue service's HTTP API."""

    def __init__(self, client: JsonClient) -> None:
        self._client = client

    async def turn(self, request: ChatRequest) -> ChatReply:
        return await self._client.call("POST", "/v1/turn", ChatReply, body=request)

    async def welcome(self, request: WelcomeRequest) -> ChatReply | None:
        return await self._client.call("POST", "/v1/welcome", ChatReply | None, body=request)  # type: ignore[arg-type]

    async def put_bot(
        self,
        bot: str,
        raw: bytes,
        content_type: str | None = None,
        *,
        expected_version: int | None = None,
        create_only: bool = False,
    ) -> BotSummary:
        # Without a type the service reads the document as it looks; octet-stream is HTTP's "unknown"
        # (the client's default, JSON, would have the service refuse a YAML document as bad JSON).
        headers = {"content-type": content_type or "application/octet-stream"}
        if expected_version is not None:
            headers["if-match"] = f'"{expected_version}"'
        if create_only:
            headers["if-none-match"] = "*"
        return await self._client.call(
            "PUT", f"/v1/bots/{check_bot_name(bot)}", BotSummary, body=raw, headers=headers
        )

    async def get_bot(self, bot: str, export_format: str = "native") -> dict[str, Any]:
        path = f"/v1/bots/{check_bot_name(bot)}?{urlencode({'format': export_format})}"
        return await self._client.call("GET", path, dict[str, Any], idempotent=True)

    async def export_bot(self, bot: str, export_format: str = "native") -> ExportedBot:
        path = f"/v1/bots/{check_bot_name(bot)}/export?{urlencode({'format': export_format})}"
        return await self._client.call("GET", path, ExportedBot, idempotent=True)

    async def list_bots(self) -> list[BotSummary]:
        return await self._client.call("GET", "/v1/bots", list[BotSummary], idempotent=True)

    async def delete_bot(self, bot: str) -> None:
        await self._client.call("DELETE", f"/v1/bots/{check_bot_name(bot)}", type(None), idempotent=True)

    async def forget_conversation(self, bot: str, conversation_id: str) -> None:
        path = f"/v1/bots/{check_bot_name(bot)}/conversations/{conversation_id}"
        await self._client.call("DELETE", path, type(None), idempotent=True)

    async def training_dataset(self, bot: str) -> NluDataset:
        return await self._client.call(
            "GET", f"/v1/bots/{check_bot_name(bot)}/dataset", NluDataset, idempotent=True
        )

    async def ping(self) -> None:
        """Raise unless the dialogue service answers (a readiness check)."""
        await self._client.call("GET", "/health/live", dict[str, Any], idempotent=True)


class HttpParser:
    """`Parser` over the NLU service's HTTP API."""

    def __init__(self, client: JsonClient) -> None:
        self._client = client

    async def parse(self, request: ParseRequest) -> ParseResult:
        return await self._client.call("POST", "/v1/parse", ParseResult, body=request, idempotent=True)

    async def models(self, bot: str, *, limit: int, before_version: str | None = None) -> list[ModelSummary]:
        query = {"limit": limit} | ({} if before_version is None else {"before_version": before_version})
        path = f"/v1/bots/{check_bot_name(bot)}/models?{urlencode(query)}"
        return await self._client.call("GET", path, list[ModelSummary], idempotent=True)

    async def publish_model(self, bot: str, version: str) -> ModelPublication:
        if not is_id(version):
            raise InvalidInputError(f"invalid model version {version[:80]!r}: use {ID_RULE}")
        path = f"/v1/bots/{check_bot_name(bot)}/models/{version}/publish"
        return await self._client.call("POST", path, ModelPublication)

    async def retire_models(self, bot: str) -> None:
        path = f"/v1/bots/{check_bot_name(bot)}/models"
        await self._client.call("DELETE", path, type(None), idempotent=True)

    async def ping(self) -> None:
        """Raise unless the NLU service answers (a readiness check)."""
        await self._client.call("GET", "/health/live", dict[str, Any], idempotent=True)
