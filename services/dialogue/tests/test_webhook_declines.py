"""A called webhook may decline the values it was sent: a 422 answer with JSON naming a required
parameter and a message ("10:00 is taken") makes the bot say the message and ask for that parameter
again, the other values kept; a message alone is said and the values dropped. Anything else
remains a failure, kept for "try again"."""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.errors import WebhookDeclined, WebhookRefused
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu, parsed
from parley_messages import ChatReply, ChatRequest, EntityValue, IntentScore, ParseResult

FAILED = "Service is not available. Please try again later."
BIKESHOP = json.dumps(
    {
        "intents": [
            {"id": "fallback", "replies": ["Sorry?"]},
            {
                "id": "book",
                "examples": ["book a repair"],
                "parameters": [
                    {"name": "bike", "prompt": ["Which bike?"]},
                    {"name": "at", "entity": "time", "prompt": ["What time?"]},
                    {"name": "note", "prompt": ["A note?"], "required": False},
                ],
                "action": {"url": "https://shop.example.com/bookings", "body": '{"at": "{{ slots.at }}"}'},
                "replies": ["Booked {{ slots.bike }} at {{ slots.at }}."],
            },
        ]
    }
).encode()


def declining(answer: Any) -> RecordingWebhooks:
    """A booking service that declines the first request with a 422 answering `answer`."""
    return RecordingWebhooks({}, errors=[WebhookDeclined("webhook answered HTTP 422", answer)])


@pytest.fixture
def shop(mongo: Any, redis: Redis) -> Any:
    def make(webhooks: RecordingWebhooks) -> DialogueService:
        nlu = ScriptedNlu()
        nlu.says("book a repair", parsed("book"))
        for time in ("10:00", "11:00"):
            found = EntityValue(entity="time", value=time, start=0, end=5)
            nlu.says(
                time,
                ParseResult(
                    intent=IntentScore(name="fallback", confidence=0.2), ranking=[], entities=[found]
                ),
            )
        return DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(redis, ttl_seconds=60),
            nlu=nlu,
            webhooks=webhooks,
            rng=random.Random(1),
        )

    return make


async def _chat(service: DialogueService, *texts: str) -> ChatReply:
    reply = None
    for text in texts:
        reply = await service.turn(ChatRequest(bot="bikeshop", text=text, conversation_id="c1"))
    assert reply is not None
    return reply


def _texts(reply: ChatReply) -> list[str]:
    return [m.text for m in reply.messages]


async def test_a_declined_value_is_said_and_asked_for_again(shop):
    webhooks = declining({"parameter": "at", "message": "10:00 is taken. ### Free: 11:00."})
    service = shop(webhooks)
    await service.put_bot("bikeshop", BIKESHOP)
    reply = await _chat(service, "book a repair", "road", "10:00")
    assert _texts(reply) == ["10:00 is taken. ### Free: 11:00.", "What time?"]
    assert (reply.complete, reply.slots, reply.missing_slots) == (False, {"bike": "road"}, ["at"])
    done = await _chat(service, "11:00")
    assert _texts(done) == ["Booked road at 11:00."]
    assert [r.body for r in webhooks.requests] == [b'{"at": "10:00"}', b'{"at": "11:00"}']
    keys = {r.headers["idempotency-key"] for r in webhooks.requests}
    assert len(keys) == 2


async def test_a_message_alone_is_said_and_the_values_are_dropped(shop):
    webhooks = declining({"message": "We are fully booked this week."})
    service = shop(webhooks)
    await service.put_bot("bikeshop", BIKESHOP)
    reply = await _chat(service, "book a repair", "road", "10:00")
    assert _texts(reply) == ["We are fully booked this week."]
    assert (reply.complete, reply.missing_slots) == (False, [])
    assert _texts(await _chat(service, "try again")) == ["Sorry?"]  # nothing was kept
    assert len(webhooks.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"parameter": "when", "message": "No."},  # not a parameter of the intent
        {"parameter": "note", "message": "No."},  # optional: the form would not ask for it
        {"parameter": 3, "message": "No."},
        {"message": 7},
        {"message": "  "},
        {"error": "taken"},
        ["at"],
    ],
)
async def test_any_other_422_is_a_failure_kept_for_a_retry(shop, answer):
    service = shop(declining(answer))
    await service.put_bot("bikeshop", BIKESHOP)
    reply = await _chat(service, "book a repair", "road", "10:00")
    assert _texts(reply) == [FAILED]
    assert _texts(await _chat(service, "try again")) == ["Booked road at 10:00."]


def _answering(status: int, body: bytes) -> HttpxWebhookCaller:
    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body)

    return HttpxWebhookCaller(
        client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), resolve=resolve
    )


async def test_the_webhook_client_reads_a_422s_json():
    webhooks = _answering(422, b'{"parameter": "at", "message": "taken"}')
    with pytest.raises(WebhookDeclined) as declined:
        await webhooks.call(WebhookRequest(method="POST", url="https://shop.example.com/bookings"))
    assert declined.value.answer == {"parameter": "at", "message": "taken"}
    await webhooks.aclose()


@pytest.mark.parametrize("send", [False, True])
async def test_a_422_without_json_or_to_a_notification_is_refused_as_before(send):
    webhooks = _answering(422, b'{"parameter": "at"}' if send else b"taken")
    request = WebhookRequest(method="POST", url="https://shop.example.com/bookings")
    with pytest.raises(WebhookRefused) as refused:
        await (webhooks.send(request) if send else webhooks.call(request))
    assert not isinstance(refused.value, WebhookDeclined)
    await webhooks.aclose()
