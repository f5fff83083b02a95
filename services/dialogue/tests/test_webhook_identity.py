"""Every webhook says where it comes from: the bot, the conversation, the turn's correlation id,
Parley as its user agent, and an idempotency key that trying the same values again keeps, since a
call that timed out may still have been carried out."""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from parley_dialogue.actions import stamped
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.errors import WebhookError
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu, parsed
from parley_messages import (
    NOTIFICATIONS_QUEUE,
    ChatRequest,
    EntityValue,
    IntentScore,
    ParseResult,
    SendWebhook,
    WelcomeRequest,
    decode,
)
from parley_runtime.bus.memory import MemoryBus

MONDAY, TUESDAY = "2026-11-30", "2026-12-01"


def bikeshop(mode: str = "call", headers: dict[str, str] | None = None) -> bytes:
    action = {"url": "https://shop.example.com/bookings", "body": '{"day": "{{ slots.day }}"}', "mode": mode}
    return json.dumps(
        {
            "intents": [
                {"id": "fallback", "replies": ["Sorry?"]},
                {
                    "id": "book",
                    "examples": ["book a repair"],
                    "parameters": [{"name": "day", "entity": "date", "prompt": ["Which day?"]}],
                    "action": {**action, "headers": headers or {}},
                    "replies": ["Booked for {{ slots.day }}."],
                },
            ]
        }
    ).encode()


def _day(value: str, intent: str = "fallback", confidence: float = 0.2) -> ParseResult:
    entity = EntityValue(entity="date", value=value, start=0, end=6)
    return ParseResult(intent=IntentScore(name=intent, confidence=confidence), ranking=[], entities=[entity])


@pytest.fixture
def shop(mongo: Any, redis: Redis) -> Any:
    def make(webhooks: RecordingWebhooks, publisher: MemoryBus | None = None) -> DialogueService:
        nlu = ScriptedNlu()
        nlu.says("book a repair", parsed("book"))
        nlu.says("Monday", _day(MONDAY))
        nlu.says("for Tuesday instead", _day(TUESDAY, "book", 0.9))
        return DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(redis, ttl_seconds=60),
            nlu=nlu,
            webhooks=webhooks,
            publisher=publisher,
            rng=random.Random(1),
        )

    return make


async def _chat(service: DialogueService, *texts: str, conversation_id: str = "conv-1") -> None:
    for text in texts:
        await service.turn(
            ChatRequest(
                bot="bikeshop", text=text, conversation_id=conversation_id, correlation_id=f"r-{text[:3]}"
            )
        )


async def test_a_call_names_the_bot_the_conversation_and_the_turn(shop):
    webhooks = RecordingWebhooks({})
    service = shop(webhooks)
    await service.put_bot("bikeshop", bikeshop())
    await _chat(service, "book a repair", "Monday")
    [request] = webhooks.requests
    assert request.headers["x-parley-bot"] == "bikeshop"
    assert request.headers["x-parley-conversation-id"] == "conv-1"
    assert request.headers["x-correlation-id"] == "r-Mon"
    assert len(request.headers["idempotency-key"]) == 32


async def test_trying_the_same_values_again_sends_the_same_idempotency_key(shop):
    webhooks = RecordingWebhooks({}, errors=[WebhookError("did not answer within 5 s")] * 2)
    service = shop(webhooks)
    await service.put_bot("bikeshop", bikeshop())
    await _chat(service, "book a repair", "Monday", "try again", "book a repair")
    keys = [r.headers["idempotency-key"] for r in webhooks.requests]
    assert len(keys) == 3 and len(set(keys)) == 1


async def test_a_new_form_or_a_corrected_value_gets_a_new_key(shop):
    webhooks = RecordingWebhooks({}, errors=[WebhookError("did not answer within 5 s")])
    service = shop(webhooks)
    await service.put_bot("bikeshop", bikeshop())
    await _chat(service, "book a repair", "Monday", "for Tuesday instead", "book a repair", "Monday")
    await _chat(service, "book a repair", "Monday", conversation_id="conv-2")
    keys = [r.headers["idempotency-key"] for r in webhooks.requests]
    assert [json.loads(r.body or b"")["day"] for r in webhooks.requests] == [MONDAY, TUESDAY, MONDAY, MONDAY]
    assert len(set(keys)) == 4


async def test_headers_the_author_wrote_are_sent_instead(shop):
    webhooks = RecordingWebhooks({})
    service = shop(webhooks)
    await service.put_bot("bikeshop", bikeshop(headers={"Idempotency-Key": "booking-{{ slots.day }}"}))
    await _chat(service, "book a repair", "Monday")
    [request] = webhooks.requests
    assert request.headers["Idempotency-Key"] == f"booking-{MONDAY}"
    assert "idempotency-key" not in request.headers


async def test_a_notification_carries_the_turns_key_and_names(shop):
    bus = MemoryBus()
    service = shop(RecordingWebhooks(), bus)
    await service.put_bot("bikeshop", bikeshop(mode="notify"))
    await _chat(service, "book a repair", "Monday")
    [delivery] = await bus.receive(NOTIFICATIONS_QUEUE, wait_seconds=0)
    message = decode(delivery.body)
    assert isinstance(message, SendWebhook)
    assert message.headers["x-parley-conversation-id"] == "conv-1"
    assert message.headers["x-correlation-id"] == "r-Mon"
    assert len(message.headers["idempotency-key"]) == 32


def test_a_correlation_id_http_cannot_carry_is_left_out():
    request = WebhookRequest(method="GET", url="https://shop.example.com/x")
    headers = stamped(request, bot="b", conversation_id="c", key="k", correlation_id="é\n").headers
    assert headers == {"idempotency-key": "k", "x-parley-conversation-id": "c", "x-parley-bot": "b"}


async def test_the_webhook_client_names_parley_as_its_user_agent():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    webhooks = HttpxWebhookCaller(client=client, resolve=resolve)
    await webhooks.call(WebhookRequest(method="GET", url="https://shop.example.com/x"))
    await webhooks.call(
        WebhookRequest(method="GET", url="https://shop.example.com/x", headers={"User-Agent": "mine"})
    )
    await webhooks.aclose()
    assert seen[0].headers["user-agent"].startswith("Parley/")
    assert seen[1].headers["user-agent"] == "mine"


HANDOFF = b"""
intents:
  - id: human
    examples: [talk to a human]
    action:
      url: https://shop.example.com/handoff
      body: '{"conversation": "{{ conversation_id }}", "bot": "{{ bot }}"}'
    replies: ["Staff will read {{ bot }}/{{ conversation_id }}."]
  - id: init_conversation
    replies: ["Hi! This is {{ bot }}, conversation {{ conversation_id }}."]
"""


async def test_a_webhook_and_its_replies_see_the_conversation_id_and_the_bot(shop):
    webhooks = RecordingWebhooks({})
    service = shop(webhooks)
    await service.put_bot("handoff", HANDOFF)
    reply = await service.turn(ChatRequest(bot="handoff", text="/human", conversation_id="conv-7"))
    assert json.loads(webhooks.requests[0].body or b"") == {"conversation": "conv-7", "bot": "handoff"}
    assert [m.text for m in reply.messages] == ["Staff will read handoff/conv-7."]


async def test_a_greeting_sees_the_conversation_id_and_the_bot(shop):
    service = shop(RecordingWebhooks({}))
    await service.put_bot("handoff", HANDOFF)
    reply = await service.welcome(WelcomeRequest(bot="handoff", conversation_id="conv-8"))
    assert reply is not None
    assert [m.text for m in reply.messages] == ["Hi! This is handoff, conversation conv-8."]


async def test_the_failure_sentence_sees_the_conversation_id(shop):
    service = shop(RecordingWebhooks(error=WebhookError("connection refused")))
    failure = "Our diary is offline: call us and quote {{ conversation_id }}."
    document = json.loads(bikeshop())
    document["settings"] = {"messages": {"action_failed": failure}}
    await service.put_bot("bikeshop", json.dumps(document).encode())
    await service.turn(ChatRequest(bot="bikeshop", text="/book", conversation_id="conv-3"))
    reply = await service.turn(ChatRequest(bot="bikeshop", text="Monday", conversation_id="conv-3"))
    assert [m.text for m in reply.messages] == ["Our diary is offline: call us and quote conv-3."]
