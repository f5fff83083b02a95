"""What the gateway needs from the services behind it. Dialogue and NLU satisfy these in-process
(embedded mode) or through the HTTP adapters in `clients.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from parley_gateway.keys import ApiKey
from parley_messages import (
    BotSummary,
    ChatReply,
    ChatRequest,
    ModelPublication,
    ModelSummary,
    NluDataset,
    ParseRequest,
    ParseResult,
    WelcomeRequest,
)


class Conversations(Protocol):
    async def turn(self, request: ChatRequest) -> ChatReply: ...

    async def welcome(self, request: WelcomeRequest) -> ChatReply | None: ...

    async def forget_conversation(self, bot: str, conversation_id: str) -> None:
        """Delete the conversation's state (slots, context, open form), after a turn it is running:
        an erasure. Nothing happens for a conversation without state."""
        ...


class BotExport(Protocol):
    """A bot's exported document and the version it is (its `ETag`)."""

    @property
    def version(self) -> int: ...

    @property
    def document(self) -> dict[str, Any]: ...


class BotCatalog(Protocol):
    async def put_bot(
        self,
        bot: str,
        raw: bytes,
        content_type: str | None = None,
        *,
        expected_version: int | None = None,
        create_only: bool = False,
    ) -> BotSummary:
        """Create or replace; with `expected_version` only over that version of a live bot, with
        `create_only` only where none lives, else `PreconditionFailedError` (details:
        `{"current_version": int | None}`)."""
        ...

    async def get_bot(self, bot: str, export_format: str = "native") -> dict[str, Any]: ...

    async def export_bot(self, bot: str, export_format: str = "native") -> BotExport:
        """`get_bot`'s document together with its version."""
        ...

    async def list_bots(self) -> list[BotSummary]: ...

    async def delete_bot(self, bot: str) -> None: ...

    async def training_dataset(self, bot: str) -> NluDataset: ...


class Parser(Protocol):
    """The NLU: what an utterance means to a bot, the bot's models (listed, an earlier one served
    again), and retiring a deleted bot's models."""

    async def parse(self, request: ParseRequest) -> ParseResult: ...

    async def models(self, bot: str, *, limit: int, before_version: str | None = None) -> list[ModelSummary]:
        """Up to `limit` of the bot's registered models, newest request first, after the model
        `before_version` (the last of the previous page); an unknown one is `InvalidInputError`."""
        ...

    async def publish_model(self, bot: str, version: str) -> ModelPublication:
        """Serve the bot's model `version` again (a rollback), on every replica within seconds; the
        model served, and the `ModelPublished` event for the caller to send. `NotFoundError` for an
        unknown version, `ConflictError` for a retired model or one that cannot be served."""
        ...

    async def retire_models(self, bot: str) -> None:
        """Stop serving every model of `bot` (its registry and every replica's cache), so that a bot
        created again under the name starts untrained; idempotent."""
        ...


class KeyStore(Protocol):
    """API keys, stored by the digest of their secret (the secret itself is never stored)."""

    async def add(self, key: ApiKey, digest: str) -> None: ...

    async def find(self, digest: str) -> ApiKey | None:
        """The key whose secret has this digest, revoked or not; None if there is none."""
        ...

    async def all(self) -> list[ApiKey]:
        """Every key, newest first."""
        ...

    async def revoke(self, key_id: str) -> ApiKey:
        """Mark the key revoked (idempotent); `NotFoundError` if there is none."""
        ...


class RateCounter(Protocol):
    async def count(self, subjects: Sequence[str], window_seconds: int) -> tuple[list[int], float]:
        """Count one request for each subject in the current fixed window, atomically.

        Returns each subject's count so far in the window and the seconds until it ends.
        """
        ...
