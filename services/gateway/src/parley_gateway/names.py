"""Identifiers that reach storage keys are checked at the edge, by the rules every service shares
(`parley_messages.names`)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

from parley_messages import BOT_NAME_PATTERN, ID_PATTERN, ID_RULE, is_id
from parley_runtime.errors import InvalidInputError
from parley_runtime.names import check_bot_name

BotPath = Annotated[str, PathParameter(pattern=BOT_NAME_PATTERN, description="The bot's name")]
"""A bot name in a route's path, as OpenAPI documents it (the handler still checks it)."""
IdPath = Annotated[str, PathParameter(pattern=ID_PATTERN)]

__all__ = [
    "BotPath",
    "IdPath",
    "check_bot_name",
    "check_chat_conversation_id",
    "check_conversation_id",
    "check_job_id",
    "check_key_id",
    "check_model_version",
]


def check_conversation_id(conversation_id: str) -> str:
    if not is_id(conversation_id):
        raise InvalidInputError(f"invalid conversation_id: use {ID_RULE}")
    return conversation_id


CHOSEN_ID_MIN_LENGTH = 22
"""The fewest characters of a conversation id a chat client gives: 128 random bits in base64url (a
uuid4 is 32 hex digits, 36 with dashes; the server's own ids are 32). An id is the only thing that
ties a message to a conversation, so whoever sends one continues that conversation and is answered
its slots: one a client makes up must be as hard to guess as the server's."""
SHORT_ID = (
    f"conversation_id must be at least {CHOSEN_ID_MIN_LENGTH} characters, as hard to guess as the "
    "server's: whoever sends it continues the conversation and is answered its slots. Leave it out "
    "to have one assigned, or make one of 16 random bytes"
)


def check_chat_conversation_id(conversation_id: str) -> str:
    """A conversation id a chat client sends (REST `conversation_id`, the websocket's query): the id
    rule, and long enough to be unguessable (`CHOSEN_ID_MIN_LENGTH`)."""
    check_conversation_id(conversation_id)
    if len(conversation_id) < CHOSEN_ID_MIN_LENGTH:
        raise InvalidInputError(
            SHORT_ID, details={"field": "conversation_id", "min_length": CHOSEN_ID_MIN_LENGTH}
        )
    return conversation_id


def check_job_id(job_id: str) -> str:
    if not is_id(job_id):
        raise InvalidInputError(f"invalid job_id: use {ID_RULE}")
    return job_id


def check_key_id(key_id: str) -> str:
    if not is_id(key_id):
        raise InvalidInputError(f"invalid key id: use {ID_RULE}")
    return key_id


def check_model_version(version: str) -> str:
    if not is_id(version):
        raise InvalidInputError(f"invalid model version: use {ID_RULE}")
    return version
