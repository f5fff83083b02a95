"""Identifiers that reach storage keys are checked at the edge."""

from __future__ import annotations

import re

from parley_runtime.errors import InvalidInputError

_BOT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_CONVERSATION = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_bot_name(bot: str) -> str:
    if not _BOT.fullmatch(bot):
        raise InvalidInputError(
            f"invalid bot name {bot[:80]!r}: use 1-64 letters, digits, '-' or '_', not starting with - or _"
        )
    return bot


def check_conversation_id(conversation_id: str) -> str:
    if not _CONVERSATION.fullmatch(conversation_id):
        raise InvalidInputError("invalid conversation_id: use 1-64 letters, digits, '-' or '_'")
    return conversation_id


def check_key_id(key_id: str) -> str:
    if not _CONVERSATION.fullmatch(key_id):
        raise InvalidInputError("invalid key id: use 1-64 letters, digits, '-' or '_'")
    return key_id
