"""The shared name rule (`parley_messages.names`) as a check every service and client applies alike."""

from __future__ import annotations

from parley_messages import BOT_NAME_RULE, is_bot_name
from parley_runtime.errors import InvalidInputError


def check_bot_name(bot: str) -> str:
    """`bot` if it follows the bot name rule, else `InvalidInputError`: a name no bot can have is
    bad input wherever it arrives, whether to save, read, delete, train or parse."""
    if not is_bot_name(bot):
        raise InvalidInputError(
            f"invalid bot name {bot[:80]!r}: use {BOT_NAME_RULE}", details={"field": "bot"}
        )
    return bot
