"""Which bots need a key to chat with (the bot setting `chat_access`), cached briefly per bot."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from parley_gateway.ports import BotCatalog
from parley_runtime.errors import NotFoundError

_UNKNOWN = "unknown"


class ChatPolicies:
    def __init__(
        self,
        catalog: BotCatalog,
        *,
        ttl_seconds: float = 5.0,
        max_bots: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._catalog = catalog
        self._ttl = ttl_seconds
        self._max = max_bots
        self._clock = clock
        self._entries: dict[str, tuple[float, str]] = {}

    async def needs_key(self, bot: str) -> bool:
        """Whether chatting with `bot` needs a key; `NotFoundError` for a bot that does not exist."""
        access = await self._access(bot)
        if access == _UNKNOWN:
            raise NotFoundError(f"no bot named {bot!r}")
        return access == "key"

    def remember(self, bot: str, chat_access: str) -> None:
        """A bot was saved here: its new setting applies at once on this replica."""
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[bot] = (self._clock() + self._ttl, chat_access)

    def forget(self, bot: str) -> None:
        self._entries.pop(bot, None)

    async def _access(self, bot: str) -> str:
        entry = self._entries.get(bot)
        if entry is not None and entry[0] > self._clock():
            return entry[1]
        try:
            document = await self._catalog.get_bot(bot)
        except NotFoundError:
            access = _UNKNOWN
        else:
            settings: dict[str, Any] = document.get("settings") or {}
            access = str(settings.get("chat_access", "public"))
        self.remember(bot, access)
        return access
