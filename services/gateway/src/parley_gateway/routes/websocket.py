"""`GET /ws/chat?bot=…&conversation_id=…`: the chat websocket (DESIGN.md §5)."""

from __future__ import annotations

import msgspec
import structlog
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromQuery

from parley_gateway.deps import Gateway, GatewayDep
from parley_gateway.frames import ErrorFrame, FrameError, Ping, PongFrame, parse_frame
from parley_gateway.names import check_bot_name, check_conversation_id
from parley_messages import ChatRequest, new_id
from parley_runtime.errors import NotFoundError, ParleyError

log = structlog.get_logger(__name__)
_encoder = msgspec.json.Encoder()

CLOSE_UNKNOWN_BOT = 4404
CLOSE_BAD_REQUEST = 4400


@websocket("/ws/chat")
async def chat_socket(
    socket: WebSocket, gateway: GatewayDep, bot: FromQuery[str], conversation_id: FromQuery[str | None] = None
) -> None:
    await socket.accept()
    gateway.metrics.websockets.inc()
    try:
        await _converse(socket, gateway, bot, conversation_id)
    except WebSocketDisconnect:
        pass
    finally:
        gateway.metrics.websockets.dec()


async def _converse(socket: WebSocket, gateway: Gateway, bot: str, conversation_id: str | None) -> None:
    try:
        check_bot_name(bot)
        cid = check_conversation_id(conversation_id) if conversation_id else new_id()
        if conversation_id is None:
            welcome = await gateway.chat.welcome(bot, cid, {})
            if welcome is not None:
                await _send(socket, welcome)
    except ParleyError as exc:
        await _send(socket, ErrorFrame(code=exc.code, message=str(exc)))
        await socket.close(code=CLOSE_UNKNOWN_BOT if isinstance(exc, NotFoundError) else CLOSE_BAD_REQUEST)
        return
    while True:
        raw = await _receive(socket)
        await _send(socket, await _answer(gateway, bot, cid, raw))


async def _receive(socket: WebSocket) -> str | bytes:
    event = await socket.receive()
    if event["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(detail="client closed", code=event.get("code", 1000))
    return event.get("text") or event.get("bytes") or b""


async def _answer(gateway: Gateway, bot: str, cid: str, raw: str | bytes) -> msgspec.Struct:
    try:
        frame = parse_frame(raw, max_bytes=gateway.settings.max_frame_bytes)
        if isinstance(frame, Ping):
            return PongFrame()
        request = ChatRequest(
            bot=bot, text=frame.text, conversation_id=cid, context=frame.context, channel="websocket"
        )
        return await gateway.chat.turn(request)
    except FrameError as exc:
        gateway.metrics.errors.labels(exc.code).inc()
        return ErrorFrame(code=exc.code, message=exc.message)
    except ParleyError as exc:
        gateway.metrics.errors.labels(exc.code).inc()
        return ErrorFrame(code=exc.code, message=str(exc))
    except Exception:  # the public edge: log it, answer plainly, keep the socket usable
        log.exception("websocket.turn_failed", bot=bot, conversation_id=cid)
        gateway.metrics.errors.labels("internal_error").inc()
        return ErrorFrame(code="internal_error", message="something went wrong; please try again")


async def _send(socket: WebSocket, frame: msgspec.Struct) -> None:
    await socket.send_text(_encoder.encode(frame).decode())
