"""What the gateway needs from the services behind it. Dialogue and NLU satisfy these in-process
(embedded mode) or through the HTTP adapters in `clients.py`."""

from __future__ import annotations

from typing import Any, Protocol

from parley_messages import (
    BotSummary,
    ChatReply,
    ChatRequest,
    NluDataset,
    ParseRequest,
    ParseResult,
    WelcomeRequest,
)


class Conversations(Protocol):
    async def turn(self, request: ChatRequest) -> ChatReply: ...

    async def welcome(self, request: WelcomeRequest) -> ChatReply | None: ...


class BotCatalog(Protocol):
    async def put_bot(self, bot: str, raw: bytes, content_type: str | None = None) -> BotSummary: ...

    async def get_bot(self, bot: str, export_format: str = "native") -> dict[str, Any]: ...

    async def list_bots(self) -> list[BotSummary]: ...

    async def delete_bot(self, bot: str) -> None: ...

    async def training_dataset(self, bot: str) -> NluDataset: ...


class Parser(Protocol):
    async def parse(self, request: ParseRequest) -> ParseResult: ...
