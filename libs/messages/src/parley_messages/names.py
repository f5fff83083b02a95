"""The one rule for bot names, which the gateway, the dialogue and NLU services, their HTTP clients
and the console all apply, and the one rule for the ids clients choose or quote (conversations,
training jobs, API keys).

A name is a URL path segment (`/api/v1/bots/{bot}`), a blob key segment (`models/{bot}/…`) and
part of Redis keys and MongoDB ids joined with `:`, so it holds no `/`, `:`, `.`, space or other
character that has a meaning in one of them (decision 58). An id is a path segment and part of
keys too, and has no first-character rule, since a uuid4 hex may begin with any of its digits.
"""

from __future__ import annotations

import re
from typing import Annotated

import msgspec

BOT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
"""The rule as a regular expression, as OpenAPI documents it and web/src/console/names.ts copies it."""
BOT_NAME_RULE = "1-64 letters, digits, '-' or '_', starting with a letter or digit"
"""The rule in words, for error messages."""
_BOT_NAME = re.compile(BOT_NAME_PATTERN)

BotName = Annotated[str, msgspec.Meta(pattern=BOT_NAME_PATTERN[:-1] + r"(?!\n)$")]
"""A bot name in a msgspec struct. msgspec searches its pattern, and Python's `$` also matches
before a final newline, which the lookahead refuses."""


def is_bot_name(name: str) -> bool:
    """Whether `name` follows the rule (the whole of it: a trailing newline is not allowed)."""
    return _BOT_NAME.fullmatch(name) is not None


ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""The rule for ids, as OpenAPI documents it."""
ID_RULE = "1-64 letters, digits, '-' or '_'"
"""The id rule in words, for error messages."""
_ID = re.compile(ID_PATTERN)


def is_id(value: str) -> bool:
    """Whether `value` follows the id rule (the whole of it: a trailing newline is not allowed)."""
    return _ID.fullmatch(value) is not None
