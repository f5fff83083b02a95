"""A per-process cache of parsed bot definitions keyed by (bot, version).

A turn asks the store for the bot's version (a cheap projection) at most once per
`refresh_seconds`, and re-reads the definition only after a save changed it. A save or delete through
this process takes effect at once; one through another replica within `refresh_seconds`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from parley_dialogue.ports import BotStore, StoredBot


class _Entry(NamedTuple):
    stored: StoredBot
    checked_at: float


class DefinitionCache:
    def __init__(
        self,
        store: BotStore,
        *,
        size: int = 256,
        refresh_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._size = size
        self._refresh = refresh_seconds
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    async def current(self, bot: str) -> StoredBot:
        """The bot's current definition and version; `NotFoundError` for an unknown bot."""
        entry = self._entries.get(bot)
        now = self._clock()
        if entry is None or now - entry.checked_at >= self._refresh:
            version = await self._store.version(bot)
            if entry is None or entry.stored.version != version:
                entry = _Entry(await self._store.get(bot), now)
            else:
                entry = entry._replace(checked_at=now)
            self._remember(bot, entry)
        else:
            self._entries.move_to_end(bot)
        return entry.stored

    def remember(self, bot: str, stored: StoredBot) -> None:
        self._remember(bot, _Entry(stored, self._clock()))

    def forget(self, bot: str) -> None:
        self._entries.pop(bot, None)

    def _remember(self, bot: str, entry: _Entry) -> None:
        self._entries[bot] = entry
        self._entries.move_to_end(bot)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
