"""The greeting a new conversation opens with, got as the web widget gets it.

The widget opens the chat websocket with `start=true` and sends a `start` frame; the gateway answers
with the bot's welcome, recorded as the conversation's greeting rather than as a turn the user took
(REST has no such call: `/init_conversation` sent as text is a turn). A bot without a welcome
intent greets with nothing; a ping sent after the `start` frame is answered after the welcome would
have been, so its `pong` says there is none to wait for.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import quote, urlsplit, urlunsplit

import msgspec

from parley.api import START_HINT, TIMEOUT_SECONDS, Api, CommandError

NO_CLIENT = "parley chat: the bot's welcome is not shown: the websockets package is not installed"

_STATUS = {"unauthorized": 401, "forbidden": 403, "not_found": 404}
"""The REST status of a refusal the websocket says with an error frame, so it is said as REST's."""


def welcome(api: Api, bot: str) -> dict[str, Any] | None:
    """The welcome's `bot_message`, whose `conversation_id` is the new conversation's; None when the
    bot greets with nothing (the first message then starts the conversation)."""
    # Imported on use: `parley --help` and the jobs' commands run without it (the cli image).
    try:
        from websockets.exceptions import ConnectionClosed, WebSocketException  # noqa: PLC0415
        from websockets.sync.client import connect  # noqa: PLC0415
    except ImportError:  # the cli image's packages: the chat goes on over REST, ungreeted
        print(NO_CLIENT, file=sys.stderr)
        return None
    try:
        with connect(
            socket_url(api.url, bot), additional_headers=api.headers, open_timeout=TIMEOUT_SECONDS
        ) as socket:
            with contextlib.suppress(ConnectionClosed):  # refused at opening: its error frame is read below
                socket.send(msgspec.json.encode({"type": "start"}).decode())
                socket.send(msgspec.json.encode({"type": "ping"}).decode())
            return _greeting(api, socket.recv)
    except TimeoutError:
        raise CommandError(f"Parley at {api.url} did not answer in {TIMEOUT_SECONDS:g} s") from None
    except ConnectionClosed as exc:  # closed without saying why in a frame: the close says it
        closed = exc.rcvd
        if closed is not None and 4400 <= closed.code < 4500:
            raise api.refusal(closed.code - 4000, {"error": {"message": closed.reason}}) from None
        raise CommandError(f"cannot talk to Parley at {api.url}: {exc}") from None
    except (OSError, WebSocketException) as exc:
        if isinstance(exc, ConnectionRefusedError):
            raise CommandError(f"cannot reach Parley at {api.url}: {START_HINT}") from None
        raise CommandError(f"cannot talk to Parley at {api.url}: {exc}") from None


def _greeting(api: Api, receive: Callable[..., str | bytes]) -> dict[str, Any] | None:
    """Read up to the welcome (its frame), a refusal (raised) or the ping's pong (no welcome)."""
    while True:
        frame = _frame(receive(timeout=TIMEOUT_SECONDS))
        if frame.get("type") == "bot_message":
            return frame
        if frame.get("type") == "error":
            raise api.refusal(_STATUS.get(str(frame.get("code")), 0), {"error": frame})
        if frame.get("type") == "pong":
            return None


def socket_url(url: str, bot: str) -> str:
    """The chat websocket of the gateway at `url` (http: ws, https: wss), opened as the widget opens it."""
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    path = f"{parts.path.rstrip('/')}/ws/chat"
    return urlunsplit((scheme, parts.netloc, path, f"bot={quote(bot, safe='')}&start=true", ""))


def _frame(data: str | bytes) -> dict[str, Any]:
    try:
        frame = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return {}
    return cast(dict[str, Any], frame) if isinstance(frame, dict) else {}
