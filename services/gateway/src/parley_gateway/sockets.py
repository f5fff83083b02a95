"""A chat websocket's plumbing: whole frames sent one at a time, frames read within the idle
deadline and user messages within the connection's rate, and the queue of user messages waiting
for replies."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import msgspec
import structlog
from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from parley_gateway.frames import (
    ClientFrame,
    ErrorFrame,
    FrameError,
    UserMessage,
    parse_frame,
    without_unknown_zone,
)
from parley_gateway.limits import MessageBucket
from parley_gateway.metrics import GatewayMetrics
from parley_gateway.settings import GatewaySettings

CLOSE_NOT_READING = 1008
CLOSE_IDLE = 4408

log = structlog.get_logger(__name__)

_encoder = msgspec.json.Encoder()


class Closed(Exception):
    """End the connection with `code`, and `reason` in the close frame (cut to what one holds)."""

    def __init__(self, code: int, reason: str = "") -> None:
        self.code = code
        self.reason = reason.encode()[:_MAX_REASON_BYTES].decode(errors="ignore")


_MAX_REASON_BYTES = 123
"""A close frame's payload is at most 125 bytes, two of which are the code."""


class ChatSocket:
    """One accepted connection. Sends whole frames one at a time (a reader's pongs and refusals and
    the replies share the socket); a client that takes none within the send timeout is not reading.
    Reads frames within the idle deadline, and user messages within the connection's rate."""

    def __init__(
        self, socket: WebSocket[Any, Any, Any], settings: GatewaySettings, metrics: GatewayMetrics
    ) -> None:
        self._socket = socket
        self._settings = settings
        self._errors = metrics.errors
        self._lock = asyncio.Lock()
        self._bucket = MessageBucket(
            settings.ws_messages_per_second, settings.ws_message_burst, time.monotonic()
        )
        self._unknown_zone_logged = False

    async def send(self, frame: msgspec.Struct | str) -> None:
        """Send a frame, or one already encoded as JSON text."""
        text = frame if isinstance(frame, str) else _encoder.encode(frame).decode()
        async with self._lock:
            try:
                async with asyncio.timeout(self._settings.ws_send_timeout_seconds):
                    await self._socket.send_text(text)
            except TimeoutError:
                raise Closed(CLOSE_NOT_READING) from None

    def refusal(self, code: str, message: str) -> ErrorFrame:
        """An `error` frame, counted."""
        self._errors.labels(code).inc()
        return ErrorFrame(code=code, message=message)

    async def receive(self) -> str | bytes:
        """The next frame's payload; `Closed(CLOSE_IDLE)` when none comes within the idle deadline."""
        try:
            async with asyncio.timeout(self._settings.ws_idle_seconds):
                event = await self._socket.receive()
        except TimeoutError:
            raise Closed(CLOSE_IDLE) from None
        if event["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(detail="client closed", code=event.get("code", 1000))
        return event.get("text") or event.get("bytes") or b""

    def decode(self, raw: str | bytes) -> ClientFrame:
        """One frame decoded, an unknown time zone read as none (logged once a connection: the widget
        repeats it on every message); `FrameError` otherwise, and for a user message beyond the
        connection's rate, naming its id. Only user messages are counted: a reconnecting client sends
        `start`, its queued messages and a ping at once, and the ping must not refuse the last of
        them. (Parsing first costs little: a frame is bounded by `GATEWAY_MAX_FRAME_BYTES`.)"""
        frame = parse_frame(raw, max_bytes=self._settings.max_frame_bytes)
        if isinstance(frame, UserMessage) and not self._bucket.take(time.monotonic()):
            raise FrameError(
                "rate_limited", "slow down: too many messages on this connection", reply_to=frame.id
            )
        frame, unknown = without_unknown_zone(frame)
        if unknown is not None and not self._unknown_zone_logged:
            self._unknown_zone_logged = True
            log.warning("websocket.timezone_unknown", timezone=unknown[:64], read_as="UTC")
        return frame

    async def close(self, closed: Closed) -> None:
        """Close, unless the client is gone or too stuck to take even that."""
        with contextlib.suppress(WebSocketDisconnect, OSError, RuntimeError, TimeoutError):
            async with asyncio.timeout(1):
                await self._socket.close(code=closed.code, reason=closed.reason or None)


class Backlog:
    """A connection's unanswered user messages, in order: at most `size`, the one being answered
    included. `close` drops those still waiting and ends the replies after the turn in progress."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._queue: asyncio.Queue[tuple[UserMessage, float] | None] = asyncio.Queue()
        self._unanswered = 0

    def full(self) -> bool:
        return self._unanswered >= self.size

    def add(self, message: UserMessage, received: float) -> None:
        self._unanswered += 1
        self._queue.put_nowait((message, received))

    async def next(self) -> tuple[UserMessage, float] | None:
        """The oldest message waiting and when it was received; None once closed."""
        return await self._queue.get()

    def answered(self) -> None:
        self._unanswered -= 1

    def close(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)
