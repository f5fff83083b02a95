"""The chat websocket: welcome and resume, frames, per-connection rate, access and close codes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from parley_gateway.bootstrap import app_for
from parley_gateway.settings import GatewaySettings
from parley_runtime.infra import Infra

from .conftest import InMemoryDialogue, refused_websocket

README = Path(__file__).resolve().parents[3] / "README.md"


def _say(ws: Any, text: str) -> dict[str, Any]:
    ws.send_json({"type": "user_message", "text": text})
    return dict(ws.receive_json())


def test_a_new_conversation_is_welcomed_with_its_id(sync_client: Any) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria") as ws:
        welcome = ws.receive_json()
        reply = _say(ws, "hi")
    assert welcome["messages"] == [{"text": "welcome"}]
    assert reply["conversation_id"] == welcome["conversation_id"]


def test_a_resumed_conversation_keeps_its_id_without_a_welcome(sync_client: Any) -> None:
    with sync_client.websocket_connect(
        "/ws/chat?bot=pizzeria&conversation_id=abc123-0123456789abcdefghij"
    ) as ws:
        reply = _say(ws, "hi again")
    assert reply["type"] == "bot_message"
    assert reply["conversation_id"] == "abc123-0123456789abcdefghij"


def test_a_ping_frame_gets_a_pong(sync_client: Any) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}


def test_a_bad_frame_gets_an_error_and_the_socket_stays_usable(sync_client: Any) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c2-0123456789abcdefghij") as ws:
        ws.send_text("not json")
        assert ws.receive_json()["code"] == "invalid_json"
        assert _say(ws, "hi")["type"] == "bot_message"


def test_an_unknown_bot_closes_with_4404(sync_client: Any) -> None:
    error, code = refused_websocket(sync_client, "/ws/chat?bot=nobody")
    assert (error["code"], code) == ("not_found", 4404)


def test_a_key_protected_bot_without_a_key_closes_with_4401(sync_client: Any) -> None:
    error, code = refused_websocket(sync_client, "/ws/chat?bot=vault")
    assert (error["code"], code) == ("unauthorized", 4401)


def test_a_bad_conversation_id_closes_with_4400(sync_client: Any) -> None:
    error, code = refused_websocket(sync_client, "/ws/chat?bot=pizzeria&conversation_id=a%20b")
    assert (error["code"], code) == ("invalid_input", 4400)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("bot=pizzeria&conversation_id=", "invalid conversation_id"),
        ("bot=vault&bot=pizzeria", "the query parameter `bot` is given more than once"),
        ("bot=pizzeria&conversation_id=a&conversation_id=b", "`conversation_id` is given more than once"),
        ("bot=pizzeria&key=k1&key=k2", "the query parameter `key` is given more than once"),
    ],
)
def test_an_empty_conversation_id_or_a_repeated_parameter_closes_with_4400(
    sync_client: Any, dialogue: InMemoryDialogue, query: str, message: str
) -> None:
    error, code = refused_websocket(sync_client, f"/ws/chat?{query}")
    assert (error["code"], code) == ("invalid_input", 4400)
    assert message in error["message"]
    assert dialogue.requests == []


@pytest.mark.parametrize(
    "frame",
    [{"type": "user_message", "text": "hi", "colour": "red"}, {"type": "ping", "colour": "red"}],
)
def test_a_frame_with_an_unknown_field_is_refused_naming_it(
    sync_client: Any, dialogue: InMemoryDialogue, frame: dict[str, Any]
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c9-0123456789abcdefghij") as ws:
        ws.send_json(frame)
        error = ws.receive_json()
        assert _say(ws, "hi")["type"] == "bot_message"
    assert (error["code"], error["message"]) == ("invalid_frame", "Object contains unknown field `colour`")
    assert [r.text for r in dialogue.requests] == ["hi"]


def test_a_key_in_the_query_opens_a_key_protected_bot(sync_client: Any) -> None:
    created = sync_client.post(
        "/api/v1/keys",
        headers={"authorization": "Bearer admin-secret"},
        json={"name": "w", "scopes": ["chat"]},
    ).json()
    with sync_client.websocket_connect(f"/ws/chat?bot=vault&key={created['key']}") as ws:
        assert ws.receive_json()["type"] == "bot_message"


async def _app(make_gateway: Callable[..., Awaitable[Any]], infra: Infra, **settings: Any) -> Litestar:
    return app_for(await make_gateway(**settings), infra)


async def test_messages_over_the_connection_rate_are_refused(
    make_gateway: Callable[..., Awaitable[Any]], infra: Infra
) -> None:
    app = await _app(make_gateway, infra, ws_messages_per_second=0.001, ws_message_burst=2)
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c3-0123456789abcdefghij") as ws,
    ):
        replies = [_say(ws, "hi") for _ in range(3)]
    assert [r["type"] for r in replies] == ["bot_message", "bot_message", "error"]
    assert replies[-1]["code"] == "rate_limited"


async def test_the_start_frame_and_pings_never_spend_the_connection_rate(
    make_gateway: Callable[..., Awaitable[Any]], infra: Infra
) -> None:
    # A widget reconnecting sends `start`, its queued messages and a ping at once: the messages
    # alone are counted, so a full queue of them is answered.
    app = await _app(make_gateway, infra, ws_messages_per_second=0.001, ws_message_burst=2)
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws,
    ):
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        ws.send_json({"type": "start"})
        assert ws.receive_json()["messages"] == [{"text": "welcome"}]
        pongs = []
        for _ in range(5):
            ws.send_json({"type": "ping"})
            pongs.append(ws.receive_json())
        replies = [_say(ws, "hi") for _ in range(3)]
    assert pongs == [{"type": "pong"}] * 5
    assert [r["type"] for r in replies] == ["bot_message", "bot_message", "error"]
    assert replies[-1]["code"] == "rate_limited"


async def test_a_user_message_over_the_connection_rate_is_refused_naming_its_id(
    make_gateway: Callable[..., Awaitable[Any]], infra: Infra
) -> None:
    app = await _app(make_gateway, infra, ws_messages_per_second=0.001, ws_message_burst=1)
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c3-0123456789abcdefghij") as ws,
    ):
        ws.send_json({"type": "user_message", "text": "hi", "id": "m1"})
        answered = ws.receive_json()
        ws.send_json({"type": "user_message", "text": "hi", "id": "m2"})
        refused = ws.receive_json()
        ws.send_json({"type": "ping"})
        pong = ws.receive_json()
    assert (answered["type"], answered["reply_to"]) == ("bot_message", "m1")
    assert refused == {
        "type": "error",
        "code": "rate_limited",
        "message": "slow down: too many messages on this connection",
        "reply_to": "m2",
    }
    assert pong == {"type": "pong"}


async def test_an_idle_connection_is_closed_with_4408(
    make_gateway: Callable[..., Awaitable[Any]], infra: Infra
) -> None:
    app = await _app(make_gateway, infra, ws_idle_seconds=0.05)
    with (
        TestClient(app) as client,
        client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c4-0123456789abcdefghij") as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json()
    assert closed.value.code == 4408


def test_the_active_websocket_gauge_returns_to_zero(sync_client: Any) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c5-0123456789abcdefghij") as ws:
        _say(ws, "hi")
    deadline = time.monotonic() + 2  # the handler ends on the server's loop, after the client has left
    while "parley_active_websockets 0.0" not in (metrics := sync_client.get("/metrics").text):
        assert time.monotonic() < deadline, metrics
        time.sleep(0.01)


def _slow_turns(dialogue: InMemoryDialogue, seconds: float) -> list[str]:
    """Make each turn take `seconds`; the texts of the turns that ran to their end."""
    finished: list[str] = []

    async def hold() -> None:
        await asyncio.sleep(seconds)
        finished.append(dialogue.requests[len(finished)].text)

    dialogue.hold = hold
    return finished


def test_a_ping_is_answered_while_a_turn_runs(sync_client: Any, dialogue: InMemoryDialogue) -> None:
    _slow_turns(dialogue, 0.5)
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c6-0123456789abcdefghij") as ws:
        ws.send_json({"type": "user_message", "text": "slow one"})
        ws.send_json({"type": "ping"})
        ws.send_json({"type": "user_message", "text": "next one"})
        frames = [ws.receive_json() for _ in range(3)]
    assert frames[0] == {"type": "pong"}
    assert [f["messages"][0]["text"] for f in frames[1:]] == ["you said slow one", "you said next one"]


def _burst(client: Any, dialogue: InMemoryDialogue, count: int, answers: int) -> list[dict[str, Any]]:
    """Send `count` user messages at once while turns are held: `count - answers` refusals come at
    once (returned), then, once the turns go on, the answers to the first `answers` messages."""
    go_on = threading.Event()  # set from this thread; the app runs in the test client's own

    async def hold() -> None:
        await asyncio.to_thread(go_on.wait, 10)

    dialogue.hold = hold
    with client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c7-0123456789abcdefghij") as ws:
        for index in range(count):
            ws.send_json({"type": "user_message", "text": f"m{index}"})
        refused = [ws.receive_json(timeout=5) for _ in range(count - answers)]
        go_on.set()
        answered = [ws.receive_json(timeout=5)["messages"][0]["text"] for _ in range(answers)]
    assert answered == [f"you said m{index}" for index in range(answers)]
    return refused


def test_a_burst_of_the_documented_size_is_answered_and_more_are_refused(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    burst = GatewaySettings().ws_message_burst
    assert f"| `GATEWAY_WS_MESSAGE_BURST` | gateway | `{burst}` |" in README.read_text()
    refused = _burst(sync_client, dialogue, burst + 10, answers=burst)
    assert [(r["type"], r["code"]) for r in refused] == [("error", "rate_limited")] * 10


async def test_messages_beyond_the_burst_unanswered_are_refused_however_slowly_sent(
    make_gateway: Callable[..., Awaitable[Any]], infra: Infra, dialogue: InMemoryDialogue
) -> None:
    app = await _app(make_gateway, infra, ws_message_burst=3, ws_messages_per_second=1e9)
    with TestClient(app) as client:
        refused = _burst(client, dialogue, 5, answers=3)
    assert [r["message"] for r in refused] == ["slow down: 3 messages are waiting for replies"] * 2


def test_a_client_that_leaves_mid_turn_does_not_cancel_it(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    finished = _slow_turns(dialogue, 0.2)
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c8-0123456789abcdefghij") as ws:
        ws.send_json({"type": "user_message", "text": "left behind"})
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}  # the turn has started
    deadline = time.monotonic() + 2
    while finished != ["left behind"]:
        assert time.monotonic() < deadline, finished
        time.sleep(0.01)
