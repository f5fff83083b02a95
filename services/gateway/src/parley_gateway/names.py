"""Identifiers that reach storage keys are checked at the edge."""

from __future__ import annotations

import re
from typing import Annotated

from litestar.params import PathParameter

from parley_messages import BOT_NAME_PATTERN, BOT_NAME_RULE, is_bot_name
from parley_runtime.errors import InvalidInputError

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_CONVERSATION = re.compile(ID_PATTERN[1:-1])

BotPath = Annotated[str, PathParameter(pattern=BOT_NAME_PATTERN, description="The bot's name")]
"""A bot name in a route's path, as OpenAPI documents it (the handler still checks it)."""
IdPath = Annotated[str, PathParameter(pattern=ID_PATTERN)]


def check_bot_name(bot: str) -> str:
    """`bot` if it follows the bot name rule every service shares (`parley_messages.names`)."""
    if not is_bot_name(bot):
        raise InvalidInputError(f"invalid bot name {bot[:80]!r}: use {BOT_NAME_RULE}")
    return bot


def check_conversation_id(conversation_id: str) -> str:
    if not _CONVERSATION.fullmatch(conversation_id):
        raise InvalidInputError("invalid conversation_id: use 1-64 letters, digits, '-' or '_'")
    return conversation_id


def check_key_id(key_id: str) -> str:
    if not _CONVERSATION.fullmatch(key_id):
        raise InvalidInputError("invalid key id: use 1-64 letters, digits, '-' or '_'")
    return key_id
