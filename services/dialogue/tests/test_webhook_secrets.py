"""Webhook secrets are the operator's: a bot names one (`{{ secrets.SHOP_TOKEN }}` in a header's
value) and the webhook adapter puts the value in as the request goes out, so no bot document,
export, API answer, reply, queued message or log line ever holds it."""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from structlog.testing import capture_logs

from parley_dialogue.actions import stamped
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.adapters.redis_notifications import RedisSentNotifications
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.notifications import deliver
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.rewrites import UrlRewrites
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import ScriptedNlu, parsed
from parley_dialogue.webhook_secrets import Secret, WebhookSecrets
from parley_messages import NOTIFICATIONS_QUEUE, ChatRequest, SendWebhook, decode
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import InvalidInputError

TOKEN = "sk_live_9f8e7d6c5b4a"
SECRETS = WebhookSecrets({"SHOP_TOKEN": Secret(TOKEN, frozenset({"shop.example.com"}))})


def shop_bot(
    headers: dict[str, str],
    *,
    mode: str = "call",
    reply: str = "Booked.",
    url: str = "https://shop.example.com/bookings",
) -> bytes:
    action = {
        "url": url,
        "body": '{"bike": "{{ slots.bike }}"}',
        "headers": headers,
        "mode": mode,
    }
    intent = {
        "id": "book",
        "examples": ["book a repair"],
        "parameters": [{"name": "bike", "prompt": "Which bike?"}],
        "action": action,
        "replies": [reply],
    }
    return json.dumps({"intents": [{"id": "fallback", "replies": ["Sorry?"]}, intent]}).encode()


class Receiver:
    """The shop's backend behind httpx's mock transport: what reached the wire."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def caller(self, secrets: WebhookSecrets = SECRETS, **options: Any) -> HttpxWebhookCaller:
        async def resolve(host: str, port: int) -> list[str]:
            return ["93.184.216.34"]

        client = httpx.AsyncClient(transport=httpx.MockTransport(self._answer))
        return HttpxWebhookCaller(client=client, resolve=resolve, secrets=secrets, **options)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"echo": "ok"})


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def service(mongo: Any, redis: Redis, receiver: Receiver) -> Any:
    def make(secrets: WebhookSecrets = SECRETS, publisher: MemoryBus | None = None) -> DialogueService:
        nlu = ScriptedNlu()
        nlu.says("book a repair", parsed("book"))
        return DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(redis, ttl_seconds=60),
            nlu=nlu,
            webhooks=receiver.caller(secrets),
            publisher=publisher,
            rng=random.Random(1),
        )

    return make


async def _book(service: DialogueService, bot: str = "shop") -> list[str]:
    await service.turn(ChatRequest(bot=bot, text="book a repair", conversation_id="conv-1"))
    reply = await service.turn(ChatRequest(bot=bot, text="road", conversation_id="conv-1"))
    return [m.text for m in reply.messages]


async def test_a_named_secret_is_sent_as_its_value(service, receiver):
    dialogue = service()
    await dialogue.put_bot("shop", shop_bot({"Authorization": "Bearer {{ secrets.SHOP_TOKEN }}"}))
    assert await _book(dialogue) == ["Booked."]
    [request] = receiver.requests
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


async def test_no_answer_export_reply_or_log_holds_the_value(service):
    dialogue = service()
    headers = {"Authorization": "Bearer {{ secrets.SHOP_TOKEN }}"}
    with capture_logs() as logs:
        saved = await dialogue.put_bot("shop", shop_bot(headers, reply="{{ result }} {{ context }}"))
        replies = await _book(dialogue)
    answers = [
        saved,
        await dialogue.get_bot("shop"),
        await dialogue.get_bot("shop", "acf"),
        await dialogue.export_bot("shop"),
        await dialogue.export_bot("shop", "acf"),
    ]
    seen = json.dumps([repr(a) for a in answers] + replies + [repr(line) for line in logs])
    assert "secrets.SHOP_TOKEN" in seen
    assert TOKEN not in seen


async def test_a_notification_is_queued_with_the_reference_and_delivered_with_the_value(
    service, receiver, redis
):
    bus = MemoryBus()
    dialogue = service(publisher=bus)
    await dialogue.put_bot("shop", shop_bot({"X-Api-Key": "{{ secrets.SHOP_TOKEN }}"}, mode="notify"))
    await _book(dialogue)
    [delivery] = await bus.receive(NOTIFICATIONS_QUEUE, wait_seconds=0)
    assert TOKEN.encode() not in delivery.body
    message = decode(delivery.body)
    assert isinstance(message, SendWebhook)
    assert message.headers["X-Api-Key"] == "{{ secrets.SHOP_TOKEN }}"
    await deliver(message, webhooks=receiver.caller(), sent=RedisSentNotifications(redis))
    assert receiver.requests[0].headers["x-api-key"] == TOKEN


async def test_a_secret_the_dialogue_lacks_is_saved_and_fails_the_call_saying_which(service, receiver):
    dialogue = service(WebhookSecrets())
    await dialogue.put_bot("shop", shop_bot({"Authorization": "Bearer {{ secrets.SHOP_TOKEN }}"}))
    with capture_logs() as logs:
        replies = await _book(dialogue)
    assert replies == ["Service is not available. Please try again later."]
    assert receiver.requests == []
    [failed] = [line for line in logs if line["event"] == "webhook.failed"]
    assert "'SHOP_TOKEN' is not configured" in failed["error"]


async def test_a_notification_naming_a_secret_the_dialogue_lacks_is_not_queued(service, receiver):
    bus = MemoryBus()
    dialogue = service(WebhookSecrets(), publisher=bus)
    await dialogue.put_bot("shop", shop_bot({"X-Api-Key": "{{ secrets.SHOP_TOKEN }}"}, mode="notify"))
    with capture_logs() as logs:
        replies = await _book(dialogue)
    assert replies == ["Service is not available. Please try again later."]  # not "Booked."
    assert await bus.receive(NOTIFICATIONS_QUEUE, wait_seconds=0) == []
    [failed] = [line for line in logs if line["event"] == "webhook.failed"]
    assert "'SHOP_TOKEN' is not configured" in failed["error"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("replies", ["Your token is {{ secrets.SHOP_TOKEN }}"]),
        ("url", "https://shop.example.com/bookings?key={{ secrets.SHOP_TOKEN }}"),
        ("body", '{"key": "{{ secrets.SHOP_TOKEN }}"}'),
        ("header", "{{ secrets.SHOP_TOKEN | lower }}"),
        ("header", "{{ secrets['SHOP_TOKEN'] }}"),
    ],
)
async def test_secrets_are_named_nowhere_but_in_a_headers_value(service, field, value):
    document = json.loads(shop_bot({}))
    book = document["intents"][1]
    if field == "replies":
        book["replies"] = value
    elif field == "header":
        book["action"]["headers"] = {"Authorization": value}
    else:
        book["action"][field] = value
    with pytest.raises(InvalidInputError) as refused:
        await service().put_bot("shop", json.dumps(document).encode())
    assert "'secrets' is named only in a webhook header's value" in str(refused.value.details)


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"Authorization": "Bearer {{ secrets.TOKEN }} {{ slots.bike }}"}, "beside a template"),
        ({"Authorization": "{{ secrets.9TOKEN }}"}, "names the secret '9TOKEN'"),
        ({"X-Parley-Signature": "{{ secrets.TOKEN }}"}, "is Parley's signature header"),
    ],
)
async def test_a_secret_is_named_alone_beside_text_in_a_header_of_the_authors(service, headers, problem):
    with pytest.raises(InvalidInputError) as refused:
        await service().put_bot("shop", shop_bot(headers))
    [detail] = refused.value.details
    assert detail["path"] == f"intents[1].action.headers.{next(iter(headers))}"
    assert problem in detail["message"]


async def test_a_users_answer_cannot_have_a_secret_sent(service, receiver):
    dialogue = service()
    await dialogue.put_bot("shop", shop_bot({"X-Bike": "{{ slots.bike }}"}))
    await dialogue.turn(ChatRequest(bot="shop", text="book a repair", conversation_id="conv-1"))
    reply = await dialogue.turn(
        ChatRequest(bot="shop", text="{{ secrets.SHOP_TOKEN }}", conversation_id="conv-1")
    )
    assert [m.text for m in reply.messages] == ["Service is not available. Please try again later."]
    assert receiver.requests == []


def test_a_correlation_id_reading_as_a_reference_is_left_out():
    request = WebhookRequest(method="GET", url="https://shop.example.com/x")
    headers = stamped(request, bot="b", conversation_id="c", key="k", correlation_id="{{secrets.A}}").headers
    assert "x-correlation-id" not in headers


async def test_the_adapter_refuses_a_secret_it_does_not_have(receiver):
    caller = receiver.caller(WebhookSecrets())
    request = WebhookRequest(
        method="GET", url="https://shop.example.com/x", headers={"X-Key": "{{ secrets.MISSING }}"}
    )
    with pytest.raises(WebhookRefused, match="'MISSING' is not configured"):
        await caller.call(request)
    await caller.aclose()


async def test_a_secret_goes_only_to_the_hosts_it_is_bound_to(service, receiver):
    dialogue = service()
    headers = {"Authorization": "Bearer {{ secrets.SHOP_TOKEN }}"}
    await dialogue.put_bot("shop", shop_bot(headers, url="https://collector.example.net/x"))
    with capture_logs() as logs:
        replies = await _book(dialogue)
    assert replies == ["Service is not available. Please try again later."]
    assert receiver.requests == []
    [failed] = [line for line in logs if line["event"] == "webhook.failed"]
    assert "'SHOP_TOKEN' is not for host 'collector.example.net'" in failed["error"]


async def test_an_operators_rewrite_takes_a_bound_secret_to_its_destination(receiver):
    rewrites = UrlRewrites.parse("https://shop.example.com=https://staging.shop.example.com")
    caller = receiver.caller(rewrites=rewrites)
    headers = {"Authorization": "Bearer {{ secrets.SHOP_TOKEN }}"}
    await caller.call(WebhookRequest(method="GET", url="https://shop.example.com/x", headers=headers))
    await caller.aclose()
    [request] = receiver.requests
    assert request.headers["host"] == "staging.shop.example.com"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
