"""Bot administration contracts shared by the gateway (admin API) and the dialogue service."""

from __future__ import annotations

from datetime import datetime

import msgspec

from parley_messages.turn import TimeoutMs


class BotSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What listing or saving a bot answers."""

    name: str
    version: int
    intents: int
    entities: int
    updated_at: datetime
    description: str = ""
    chat_access: str = "public"
    """`public`: anyone may chat with the bot; `key`: chatting needs an API key (chat or admin scope)."""


class WelcomeRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A new conversation was opened; the bot may greet first."""

    bot: str
    conversation_id: str
    context: dict[str, object] = {}
    timeout_ms: TimeoutMs | None = None
    """The caller's patience, as `ChatRequest.timeout_ms`."""
