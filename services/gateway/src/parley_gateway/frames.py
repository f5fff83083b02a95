"""The websocket protocol (DESIGN.md §5): decoding client frames, building server frames. Pure."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from parley_messages import MAX_TEXT_CHARS, TimeZoneName, is_blank
from parley_messages.turn import MAX_CONTEXT_BYTES
from parley_runtime.client_json import decode_json
from parley_runtime.errors import InvalidInputError
from parley_runtime.timezones import check_timezone

_encoder = msgspec.json.Encoder()


class FrameError(Exception):
    """A client frame the server refuses; answered with an `error` frame, the socket stays open.
    `reply_to`: the refused user message's id, when it could be read."""

    def __init__(self, code: str, message: str, *, reply_to: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reply_to = reply_to


MessageId = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+(?!\n)$")]
"""A client's id for one of its user messages."""


class UserMessage(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Strict, as a REST chat body is: a misspelt field is named instead of ignored."""

    text: str
    context: dict[str, Any] = {}
    timezone: TimeZoneName | None = None
    id: MessageId | None = None
    """The client's id for this message. Its answer (reply or refusal) says it as `reply_to`, and the
    same id sent again with the same text in the same conversation (after a reconnect, by a client
    that got no answer) is answered with the reply kept for it instead of a second turn; with other
    text it is a new message (routes/websocket.py)."""


class Start(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The first frame of a connection opened with `start=true`: the context a new conversation's
    welcome is rendered with, and the time zone every user message of the connection starts from (a
    message's own wins). The context is given to the conversation once, by the welcome or, on a
    resumed conversation, by the first message answered; the conversation keeps it from then on."""

    context: dict[str, Any] = {}
    timezone: TimeZoneName | None = None


class Ping(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


ClientFrame = UserMessage | Start | Ping

_FRAME_TYPES: dict[str, type[ClientFrame]] = {"user_message": UserMessage, "start": Start, "ping": Ping}


class ErrorFrame(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="error"):
    code: str
    message: str


class PongFrame(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="pong"):
    pass


def parse_frame(raw: str | bytes, *, max_bytes: int) -> ClientFrame:
    """Decode one client frame; raise `FrameError` saying exactly what is wrong."""
    # Bytes, not characters: the limit means the same as for a REST body of the same JSON.
    payload = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(payload) > max_bytes:
        raise FrameError(
            "frame_too_large", f"this frame is {len(payload)} bytes; frames are {limited_to(max_bytes)}"
        )
    try:
        data = decode_json(payload)
    except InvalidInputError as exc:
        raise FrameError("invalid_json", str(exc)) from None
    if not isinstance(data, dict):
        raise FrameError("invalid_frame", "a frame is a JSON object with a `type`")
    frame_type: object = data.pop("type", None)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    kind = _FRAME_TYPES.get(frame_type) if isinstance(frame_type, str) else None
    if kind is None:
        expected = ", ".join(repr(name) for name in _FRAME_TYPES)
        raise FrameError("unknown_type", f"unknown frame type {frame_type!r}; expected one of {expected}")
    try:
        frame = msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise FrameError("invalid_frame", str(exc)) from None
    try:
        if isinstance(frame, UserMessage):
            check_text(frame.text)
        if not isinstance(frame, Ping):
            check_context(frame.context)
    except FrameError as exc:
        exc.reply_to = frame.id if isinstance(frame, UserMessage) else None
        raise
    return frame


def encode_answer(frame: msgspec.Struct, reply_to: str | None) -> str:
    """A server frame as JSON text, saying which user message it answers (`reply_to`) if that had an
    id."""
    if reply_to is None:
        return _encoder.encode(frame).decode()
    fields: dict[str, Any] = msgspec.to_builtins(frame)
    return _encoder.encode({**fields, "reply_to": reply_to}).decode()


def without_unknown_zone(frame: ClientFrame) -> tuple[ClientFrame, str | None]:
    """`frame` without a time zone the tz database does not list, and that zone (None if it had no
    such zone). A browser says what its system says, which its user cannot change: Chromium reports
    `Etc/Unknown` for a POSIX `TZ` it cannot map, and a browser may know a zone newer than our
    `tzdata`. Dates are then read in UTC, as for a frame without a zone, rather than every message of
    the chat refused. (A REST body's unknown zone is still a 400: its sender is a developer.)"""
    if isinstance(frame, Ping) or frame.timezone is None:
        return frame, None
    try:
        check_timezone(frame.timezone)
    except InvalidInputError:
        return msgspec.structs.replace(frame, timezone=None), frame.timezone
    return frame, None


def with_defaults(message: UserMessage, start: Start | None) -> UserMessage:
    """`message` over what the connection's `start` still gives: its own context keys and time zone
    win."""
    if start is None or (not start.context and start.timezone is None):
        return message
    return msgspec.structs.replace(
        message,
        context={**start.context, **message.context},
        timezone=message.timezone if message.timezone is not None else start.timezone,
    )


def context_given(start: Start | None) -> Start | None:
    """What `start` still gives once a turn has taken its context into the conversation's: its time
    zone, which a conversation does not keep. Its context given again would undo what later messages
    changed in the conversation's."""
    return None if start is None else msgspec.structs.replace(start, context={})


def limited_to(max_bytes: int) -> str:
    """The byte limit of a frame or REST chat body, and why a message within the text limit may pass
    it: JSON encoders that escape every non-ASCII character (Python's `json.dumps` by default) make
    2,000 emoji 24,000 bytes."""
    return (
        f"limited to {max_bytes} bytes of JSON as sent: an escaped character (\\u00e9) takes 6 bytes "
        "and one outside the BMP (an emoji) 12, so send characters unescaped, as UTF-8"
    )


def check_context(context: dict[str, Any]) -> None:
    """Refused as the dialogue would refuse it, before it waits in a connection's queue."""
    if len(_encoder.encode(context)) > MAX_CONTEXT_BYTES:
        raise FrameError("invalid_input", f"context is larger than {MAX_CONTEXT_BYTES} bytes encoded")


def check_text(text: str) -> None:
    if is_blank(text):
        raise FrameError("empty_text", "`text` must not be empty")
    if len(text) > MAX_TEXT_CHARS:
        raise FrameError("text_too_long", f"`text` is limited to {MAX_TEXT_CHARS} characters")
