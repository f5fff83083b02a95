"""The synchronous turn path: gateway -> dialogue -> nlu and back."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

import msgspec

MAX_TEXT_CHARS = 2_000
"""The longest user utterance accepted anywhere on the turn path."""

MAX_CONTEXT_BYTES = 16_384
"""The largest context, JSON-encoded, that a turn may carry or a conversation keep: the dialogue
holds conversations to it, and the gateway refuses a larger one before it waits in a queue."""


CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""What user text may not hold: C0 and C1 controls but tab, line feed and carriage return; DEL;
lone surrogates. The NLU refuses an utterance holding one, and the dialogue a bot whose text does
(its examples could never be said, its replies would send clients what they refuse from users)."""


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: whitespace and invisible format characters (category Cf:
    zero-width space U+200B, byte-order mark U+FEFF, word joiner U+2060, soft hyphen U+00AD, ...)
    only. Such text is empty everywhere on the turn path: parsed, it got a confident intent drawn
    from nothing."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


TimeoutMs = Annotated[int, msgspec.Meta(ge=1)]
"""How long the caller waits for the answer, in milliseconds from sending the request. The
dialogue gives up before then: a turn its caller stopped waiting for changes nothing it can undo."""
TimeZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
"""An IANA time zone ("Europe/Paris"); whether it exists is checked where it is used."""


class Button(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A quick reply: shown as `title`, sends `payload` (text or `/intent_id`) when chosen."""

    # Bot authors write buttons too, but the chat reply carries them, so unknown fields are accepted
    # (an older gateway reads a newer dialogue's); the dialogue refuses an author's misspelt field.
    title: str
    payload: str


class OutMessage(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One bubble of a bot reply."""

    text: str
    buttons: list[Button] = []


class IntentScore(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    confidence: float


class EntityValue(msgspec.Struct, frozen=True, kw_only=True):
    """One entity found in an utterance, with its character span and normalised value."""

    entity: str
    value: Any
    start: int
    end: int
    confidence: float = 1.0
    extractor: str = "dictionary"


class ParseRequest(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    text: str
    correlation_id: str | None = None
    """Identifies the turn (or admin request) across services' logs."""
    timezone: TimeZoneName | None = None
    """The user's time zone: "today" and "tomorrow" are theirs; none: UTC."""


class ParseResult(msgspec.Struct, frozen=True, kw_only=True):
    intent: IntentScore
    ranking: list[IntentScore]
    entities: list[EntityValue]
    model_version: str = ""


class ChatRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One user turn as the dialogue service receives it."""

    bot: str
    text: str
    conversation_id: str | None = None
    context: dict[str, Any] = {}
    channel: str = "rest"
    correlation_id: str | None = None
    """Identifies the turn across services' logs and its `TurnCompleted` event."""
    timeout_ms: TimeoutMs | None = None
    """The caller's patience (`TimeoutMs`); none: the dialogue's own limits only."""
    timezone: TimeZoneName | None = None
    """The user's time zone, as `ParseRequest.timezone`."""


class ChatReply(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="bot_message"):
    """The bot's answer to one turn; the websocket `bot_message` frame and the REST chat body."""

    conversation_id: str
    messages: list[OutMessage]
    intent: IntentScore | None = None
    entities: list[EntityValue] = []
    slots: dict[str, Any] = {}
    missing_slots: list[str] = []
    complete: bool = True
    """The turn ended its intent: false while a form asks for a parameter (`missing_slots`), and
    when the intent's webhook failed: its values (`slots`) are kept, and "try again" or naming
    the intent again runs it with them."""
    fallback: bool = False
    """The bot did not understand the turn and answered with its fallback (its own fallback
    intent, whatever that is named, or the default reply)."""
    intent_source: str = "nlu"
    """Who chose `intent`: `nlu` (its confidence is the NLU's for the intent it read), `form` (the
    open form took the reply as an answer, a correction or a retry: the intent is the form's, and
    its confidence the NLU's for that intent, which the NLU did not choose) or `trigger` (named
    by `/intent` or a greeting: confidence 1). Other values may be added."""
