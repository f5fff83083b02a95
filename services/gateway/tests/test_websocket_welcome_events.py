"""A websocket's welcome is recorded as REST's `/init_conversation` turn is: published as a
`TurnCompleted` (flagged `welcome`, without user text), so the transcript shows the greeting and a
visitor who leaves after it is a conversation in the analytics."""

from __future__ import annotations

from functools import partial
from typing import Any

from parley_gateway.chat import welcome_completed
from parley_gateway.deps import Gateway
from parley_messages import (
    LOGGER_QUEUE,
    AnyMessage,
    ChatReply,
    IntentScore,
    OutMessage,
    TurnCompleted,
    WelcomeRequest,
    decode,
)
from parley_runtime.infra import Infra

from .conftest import InMemoryDialogue


def _published(client: Any, gateway: Gateway, infra: Infra) -> list[AnyMessage]:
    """What the gateway has published to the logger's queue, read on the app's own loop."""
    portal = client.blocking_portal
    portal.call(gateway.publisher.drain)
    deliveries = portal.call(partial(infra.bus.receive, LOGGER_QUEUE, wait_seconds=0))
    return [decode(delivery.body) for delivery in deliveries]


def test_a_websocket_welcome_is_published_as_a_turn_without_user_text(
    sync_client: Any, gateway: Gateway, infra: Infra
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria") as ws:
        welcome = ws.receive_json()
    [event] = _published(sync_client, gateway, infra)
    assert isinstance(event, TurnCompleted)
    assert (event.bot, event.conversation_id, event.channel) == (
        "pizzeria",
        welcome["conversation_id"],
        "websocket",
    )
    assert (event.welcome, event.user_text, event.replies, event.fallback) == (True, "", ["welcome"], False)


def test_the_welcome_comes_before_the_users_turns_in_what_is_published(
    sync_client: Any, gateway: Gateway, infra: Infra
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&start=true") as ws:
        ws.send_json({"type": "start", "context": {"username": "Ann"}})
        ws.receive_json()
        for text in ("one", "two", "three"):
            ws.send_json({"type": "user_message", "text": text})
            ws.receive_json()
    events = [e for e in _published(sync_client, gateway, infra) if isinstance(e, TurnCompleted)]
    assert [(e.welcome, e.user_text) for e in events] == [
        (True, ""),
        (False, "one"),
        (False, "two"),
        (False, "three"),
    ]
    assert events[0].replies == ["welcome, Ann"]
    assert events[0].occurred_at < events[1].occurred_at


def test_a_resumed_conversation_publishes_no_welcome(
    sync_client: Any, gateway: Gateway, infra: Infra, dialogue: InMemoryDialogue
) -> None:
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij") as ws:
        ws.send_json({"type": "user_message", "text": "back again"})
        ws.receive_json()
    events = _published(sync_client, gateway, infra)
    assert [(e.welcome, e.user_text) for e in events if isinstance(e, TurnCompleted)] == [
        (False, "back again")
    ]


def test_a_welcome_event_carries_the_greeting_and_its_intent_but_no_user_text() -> None:
    request = WelcomeRequest(bot="b", conversation_id="c", context={"username": "Ann"})
    intent = IntentScore(name="init_conversation", confidence=1.0)
    reply = ChatReply(conversation_id="c", messages=[OutMessage(text="Hi Ann")], intent=intent)
    event = welcome_completed(request, reply, 4.0, channel="websocket", correlation_id="req-7")
    assert event == TurnCompleted(
        bot="b",
        conversation_id="c",
        channel="websocket",
        user_text="",
        replies=["Hi Ann"],
        intent="init_conversation",
        confidence=1.0,
        latency_ms=4.0,
        correlation_id="req-7",
        welcome=True,
        message_id=event.message_id,
        occurred_at=event.occurred_at,
    )


def test_a_bot_without_a_welcome_publishes_nothing_on_opening(
    sync_client: Any, gateway: Gateway, infra: Infra, dialogue: InMemoryDialogue, monkeypatch: Any
) -> None:
    async def no_welcome(request: WelcomeRequest) -> None:
        return None

    monkeypatch.setattr(dialogue, "welcome", no_welcome)
    with sync_client.websocket_connect("/ws/chat?bot=pizzeria") as ws:
        ws.send_json({"type": "ping"})
        ws.receive_json()
    assert _published(sync_client, gateway, infra) == []
