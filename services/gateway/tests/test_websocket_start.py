"""The chat websocket's `start` frame: a client that opens with `start=true` gives the context a new
conversation's welcome is rendered with (once: the conversation keeps it) and the time zone its user
messages start from."""

from __future__ import annotations

from typing import Any

import pytest
import structlog

from parley_runtime.errors import TransientError

from .conftest import InMemoryDialogue, refused_websocket


def _say(ws: Any, text: str, **fields: Any) -> dict[str, Any]:
    ws.send_json({"type": "user_message", "text": text, **fields})
    return dict(ws.receive_json())


def test_the_welcome_waits_for_the_start_frame_and_is_rendered_with_its_context(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}  # answered while waiting; no welcome yet
        ws.send_json({"type": "start", "context": {"username": "Ann"}, "timezone": "Europe/Paris"})
        welcome = ws.receive_json()
        reply = _say(ws, "hi")
    assert welcome["messages"] == [{"text": "welcome, Ann"}]
    assert reply["conversation_id"] == welcome["conversation_id"]
    assert [w.context for w in dialogue.welcomes] == [{"username": "Ann"}]


def test_the_start_frames_time_zone_holds_for_each_message_whose_own_wins(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    start = {"type": "start", "context": {"username": "Ann", "plan": "gold"}, "timezone": "Asia/Tokyo"}
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        ws.send_json(start)
        ws.receive_json()
        _say(ws, "plain")
        _say(ws, "own", context={"plan": "free"}, timezone="America/New_York")
    assert [r.timezone for r in dialogue.requests] == ["Asia/Tokyo", "America/New_York"]


def test_the_start_frames_context_goes_to_the_welcome_only_so_later_messages_can_change_it(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    """The welcome stores it in the conversation's context; sent again with each message it would
    undo what a message changed: "Hi Ann", then Ben in a message, "Hi Ben", then "Hi Ann" again."""
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        ws.send_json({"type": "start", "context": {"username": "Ann"}})
        ws.receive_json()
        _say(ws, "hello")
        _say(ws, "hello", context={"username": "Ben"})
        _say(ws, "hello")
    assert [w.context for w in dialogue.welcomes] == [{"username": "Ann"}]
    assert [r.context for r in dialogue.requests] == [{}, {"username": "Ben"}, {}]


def test_a_user_message_in_place_of_the_start_frame_is_welcomed_with_its_context_then_answered(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        frames = [_say(ws, "hi", context={"username": "Bo"}), ws.receive_json(), _say(ws, "again")]
    assert [f["messages"][0]["text"] for f in frames] == ["welcome, Bo", "you said hi", "you said again"]
    assert [r.context for r in dialogue.requests] == [{"username": "Bo"}, {}]


def test_a_resumed_conversation_takes_the_start_frames_context_with_its_first_message(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect(
        "/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij&start=true"
    ) as ws:
        ws.send_json(
            {"type": "start", "context": {"username": "Ann", "plan": "gold"}, "timezone": "Asia/Tokyo"}
        )
        reply = _say(ws, "hi", context={"plan": "free"})
        _say(ws, "again")
    assert reply["messages"] == [{"text": "you said hi"}]
    assert dialogue.welcomes == []
    assert [(r.context, r.timezone) for r in dialogue.requests] == [
        ({"username": "Ann", "plan": "free"}, "Asia/Tokyo"),
        ({}, "Asia/Tokyo"),
    ]


def test_on_a_resumed_conversation_the_start_frames_context_waits_for_a_turn_that_takes_it(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    """A turn that fails changes nothing in the conversation, so the next message carries it."""
    dialogue.fail_next_turn(TransientError("the dialogue is restarting"))
    with sync_client.websocket_connect(
        "/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij&start=true"
    ) as ws:
        ws.send_json({"type": "start", "context": {"username": "Ann"}})
        failed = _say(ws, "hi")
        _say(ws, "hi")
        _say(ws, "again")
    assert failed["code"] == "unavailable"
    assert [r.context for r in dialogue.requests] == [{"username": "Ann"}, {"username": "Ann"}, {}]


def test_a_bad_start_frame_is_refused_and_the_welcome_still_waits_for_a_good_one(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        ws.send_json({"type": "start", "timezone": 1})
        refused = ws.receive_json()
        ws.send_json({"type": "start", "context": {"username": "Ann"}, "colour": "red"})
        unknown = ws.receive_json()
        ws.send_json({"type": "start", "context": {"username": "Ann"}})
        welcome = ws.receive_json()
    assert (refused["type"], refused["code"]) == ("error", "invalid_frame")
    assert (unknown["code"], unknown["message"]) == (
        "invalid_frame",
        "Object contains unknown field `colour`",
    )
    assert welcome["messages"] == [{"text": "welcome, Ann"}]


def test_without_the_flag_the_welcome_comes_at_once_and_a_start_frame_is_refused(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria") as ws:
        welcome = ws.receive_json()
        ws.send_json({"type": "start", "context": {"username": "Ann"}})
        refused = ws.receive_json()
        reply = _say(ws, "hi")
    assert welcome["messages"] == [{"text": "welcome"}]
    assert refused["code"] == "unexpected_frame"
    assert "start=true" in refused["message"]
    assert reply["type"] == "bot_message"
    assert dialogue.requests[0].context == {}


def test_a_second_start_frame_is_refused_and_changes_nothing(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        ws.send_json({"type": "start", "context": {"username": "Ann"}})
        ws.receive_json()
        ws.send_json({"type": "start", "context": {"username": "Eve"}})
        refused = ws.receive_json()
        _say(ws, "hi")
    assert refused["code"] == "unexpected_frame"
    assert [w.context for w in dialogue.welcomes] == [{"username": "Ann"}]
    assert dialogue.requests[0].context == {}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=yes", "the query parameter `start` is `true` or `false`, not 'yes'"),
        ("start=true&start=false", "the query parameter `start` is given more than once"),
    ],
)
def test_a_bad_or_repeated_start_parameter_closes_with_4400(
    sync_client: Any, dialogue: InMemoryDialogue, query: str, message: str
) -> None:
    error, code = refused_websocket(sync_client, f"/ws/chat?bot=pizzeria&{query}")
    assert (error["code"], error["message"], code) == ("invalid_input", message, 4400)
    assert dialogue.welcomes == []


def test_start_false_is_no_announcement(sync_client: Any) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=false") as ws:
        assert ws.receive_json()["messages"] == [{"text": "welcome"}]


def test_a_time_zone_the_server_does_not_know_is_read_as_utc_and_logged_once(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    """Chromium says `Etc/Unknown` under TZ=UTC0; its user cannot change that, so the chat goes on."""
    with (
        structlog.testing.capture_logs() as logs,
        sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws,
    ):
        ws.send_json({"type": "start", "context": {"username": "Ann"}, "timezone": "Etc/Unknown"})
        welcome = ws.receive_json()
        first = _say(ws, "hi", timezone="Etc/Unknown")
        second = _say(ws, "tomorrow", timezone="Europe/Paris")
    assert welcome["messages"] == [{"text": "welcome, Ann"}]
    assert (first["messages"], second["messages"]) == (
        [{"text": "you said hi"}],
        [{"text": "you said tomorrow"}],
    )
    assert [r.timezone for r in dialogue.requests] == [None, "Europe/Paris"]
    unknown = [entry for entry in logs if entry["event"] == "websocket.timezone_unknown"]
    assert [(entry["log_level"], entry["timezone"]) for entry in unknown] == [("warning", "Etc/Unknown")]
