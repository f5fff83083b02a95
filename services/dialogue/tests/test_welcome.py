"""A conversation's greeting: the websocket's welcome and REST's `/init_conversation` (what ACF
clients send first) answer alike, webhook included; a bot without a welcome intent greets with
nothing on either."""

from __future__ import annotations

import json

import pytest

from parley_dialogue.completion import finish, welcome
from parley_dialogue.conversation import new_state
from parley_dialogue.definition import Messages
from parley_dialogue.engine import advance
from parley_dialogue.errors import WebhookError
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu, parsed
from parley_dialogue.validation import build_definition
from parley_messages import ChatReply, ChatRequest, WelcomeRequest

TRACKED = {
    "settings": {"welcome_intent": "greet"},
    "intents": [
        {
            "id": "greet",
            "examples": ["hi"],
            "action": {"url": "https://api.example.com/orders/last", "method": "GET"},
            "replies": ["Welcome {{ context.username }}, your order is {{ result.status }}"],
        },
        {"id": "fallback", "replies": ["Huh?"]},
    ],
}

SILENT = {
    "intents": [
        {
            "id": "order",
            "examples": ["order"],
            "parameters": [{"name": "item", "prompt": "What would you like?"}],
            "replies": ["Ordered {{ slots.item }}"],
        },
        {"id": "fallback", "replies": ["Huh?"]},
    ]
}


def texts(reply: ChatReply | None) -> list[str]:
    assert reply is not None
    return [m.text for m in reply.messages]


async def greetings(service: DialogueService) -> tuple[ChatReply | None, ChatReply]:
    """The websocket's welcome and REST's `/init_conversation` for Ann, in new conversations."""
    context = {"username": "Ann"}
    welcomed = await service.welcome(WelcomeRequest(bot="shop", conversation_id="ws", context=context))
    first = await service.turn(
        ChatRequest(bot="shop", text="/init_conversation", conversation_id="rest", context=context)
    )
    return welcomed, first


def test_a_welcome_intent_with_an_action_renders_its_replies_with_the_webhooks_answer():
    bot = build_definition({"name": "shop", **TRACKED})
    outcome = welcome(bot, {"username": "Ann"})
    assert outcome is not None and outcome.action is not None
    assert (outcome.messages, outcome.action.intent) == ([], "greet")
    rendered = finish(outcome, bot, {"status": "shipped"})
    assert [m.text for m in rendered.messages] == ["Welcome Ann, your order is shipped"]


def test_init_conversation_names_a_silent_welcome_when_the_bot_has_none():
    bot = build_definition({"name": "shop", **SILENT})
    state, outcome = advance(new_state(bot, "c1", 1, {}), parsed("order", 0.9), "/init_conversation", bot)
    assert (outcome.messages, outcome.fallback, outcome.complete) == ([], False, True)
    assert state.last_intent == "init_conversation"


async def test_the_welcome_runs_the_welcome_intents_webhook_as_init_conversation_does(service, webhooks):
    await service.put_bot("shop", json.dumps(TRACKED).encode())
    welcomed, first = await greetings(service)
    assert texts(welcomed) == texts(first) == ["Welcome Ann, your order is shipped"]
    assert [r.url for r in webhooks.requests] == ["https://api.example.com/orders/last"] * 2


async def test_a_failing_welcome_webhook_gets_the_failure_reply_on_both_channels(notifying):
    service = notifying(RecordingWebhooks(error=WebhookError("refused")))
    await service.put_bot("shop", json.dumps(TRACKED).encode())
    welcomed, first = await greetings(service)
    assert texts(welcomed) == texts(first) == [Messages().action_failed]


async def test_init_conversation_without_a_welcome_intent_greets_with_nothing(service, nlu: ScriptedNlu):
    await service.put_bot("shop", json.dumps(SILENT).encode())
    welcomed, first = await greetings(service)
    assert welcomed is None
    assert (texts(first), first.fallback) == ([], False)
    assert first.intent is not None and first.intent.name == "init_conversation"
    assert nlu.calls == []


@pytest.mark.parametrize(("interruption", "resumed"), [("resume", ["What would you like?"]), ("drop", [])])
async def test_init_conversation_without_a_welcome_intent_interrupts_a_form_as_a_greeting_would(
    service, interruption, resumed
):
    await service.put_bot("shop", json.dumps({**SILENT, "settings": {"interruption": interruption}}).encode())
    await service.turn(ChatRequest(bot="shop", text="/order", conversation_id="c1"))
    again = await service.turn(ChatRequest(bot="shop", text="/init_conversation", conversation_id="c1"))
    assert (texts(again), again.fallback) == (resumed, False)
