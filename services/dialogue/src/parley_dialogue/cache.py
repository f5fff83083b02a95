"""A per-process cache of parsed bot definitions keyed by (bot, version).

A turn asks the store for the version only (a cheap projection) and re-reads the definition
only after a save changed it.
"""

from __future__ import annotations

from collections import OrderedDict

from parley_dialogue.definition import BotDefinition
from parley_dialogue.ports import BotStore


class DefinitionCache:
    def __init__(self, store: BotStore, *, size: int = 256) -> None:
        self._store = store
        self._size = size
        self._entries: OrderedDict[str, tuple[int, BotDefinition]] = OrderedDict()

    async def current(self, bot: str) -> tuple[BotDefinition, int]:
        """The bot's current definition and version; `NotFoundError` for an unknown bot."""
        version = await self._store.version(bot)
        entry = self._entries.get(bot)
        if entry is None or entry[0] != version:
            stored = await self._store.get(bot)
            entry = (stored.version, stored.definition)
            self._remember(bot, entry)
        self._entries.move_to_end(bot)
        return entry[1], entry[0]

    def remember(self, bot: str, version: int, definition: BotDefinition) -> None:
        self._remember(bot, (version, definition))

    def forget(self, bot: str) -> None:
        self._entries.pop(bot, None)

    def _remember(self, bot: str, entry: tuple[int, BotDefinition]) -> None:
        self._entries[bot] = entry
        self._entries.move_to_end(bot)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
