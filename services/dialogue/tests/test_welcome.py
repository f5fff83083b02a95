"""A conversation's greeting: the websocket's welcome and REST's `/init_conversation` (what ACF
clients send first) answer alike, webhook included."""

from __future__ import annotations

import json

from parley_dialogue.engine import finish, welcome
from parley_dialogue.errors import WebhookError
from parley_dialogue.replies import WEBHOOK_FAILED
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks
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


async def test_the_welcome_runs_the_welcome_intents_webhook_as_init_conversation_does(service, webhooks):
    await service.put_bot("shop", json.dumps(TRACKED).encode())
    welcomed, first = await greetings(service)
    assert texts(welcomed) == texts(first) == ["Welcome Ann, your order is shipped"]
    assert [r.url for r in webhooks.requests] == ["https://api.example.com/orders/last"] * 2


async def test_a_failing_welcome_webhook_gets_the_failure_reply_on_both_channels(notifying):
    service = notifying(RecordingWebhooks(error=WebhookError("refused")))
    await service.put_bot("shop", json.dumps(TRACKED).encode())
    welcomed, first = await greetings(service)
    assert texts(welcomed) == texts(first) == [WEBHOOK_FAILED]
