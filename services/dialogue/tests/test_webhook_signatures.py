"""Signed webhooks: `X-Parley-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.key.body">`, made
with an operator's secret as the request goes out, and verified here by the receiver's code the
dialogue README gives (run as written), so the documentation and the signing cannot drift apart.
An action's `sign: NAME` asks for it: the turn keeps the name, a notification is queued with it,
and the bot's exports (native and ACF) carry the name only and import to the same bot."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.adapters.redis_notifications import RedisSentNotifications
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.notifications import deliver
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import ScriptedNlu
from parley_dialogue.webhook_secrets import Secret, WebhookSecrets, reference
from parley_messages import NOTIFICATIONS_QUEUE, ChatRequest, SendWebhook, decode
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import InvalidInputError

README = Path(__file__).parents[1] / "README.md"
SIGNING = "whsec-3b1f0c9a7e"
NOW = 1_764_453_600
BODY = b'{"bike": "road", "day": "2026-11-30"}'


def readme_verifier() -> Callable[..., bool]:
    """The README's `verified` function, executed as a receiver would copy it."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    [source] = [block for block in blocks if "def verified(" in block]
    scope: dict[str, Any] = {}
    exec(source, scope)  # our own README's code
    return scope["verified"]


verified = readme_verifier()


def signed_request(**fields: Any) -> WebhookRequest:
    headers = {"idempotency-key": "a" * 32, "x-parley-signature": reference("SHOP_SIGNING")}
    defaults: dict[str, Any] = {"method": "POST", "url": "https://shop.example.com/bookings", "body": BODY}
    return WebhookRequest(**{**defaults, "headers": headers, **fields})


async def sent(request: WebhookRequest, secrets: WebhookSecrets | None = None) -> httpx.Request:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    secrets = secrets or WebhookSecrets({"SHOP_SIGNING": Secret(SIGNING, frozenset({"shop.example.com"}))})
    webhooks = HttpxWebhookCaller(client=client, resolve=resolve, secrets=secrets, clock=lambda: NOW + 0.7)
    try:
        await webhooks.call(request)
    finally:
        await webhooks.aclose()
    [request_sent] = seen
    return request_sent


async def test_a_signed_request_carries_the_time_and_an_hmac_of_key_and_body():
    request = await sent(signed_request())
    signature = request.headers["x-parley-signature"]
    assert re.fullmatch(rf"t={NOW},v1=[0-9a-f]{{64}}", signature)
    assert SIGNING not in str(request.headers)
    assert verified(SIGNING, signature, "a" * 32, request.content, now=NOW)


@pytest.mark.parametrize(
    ("secret", "key", "body", "now"),
    [
        ("another-secret", "a" * 32, BODY, NOW),
        (SIGNING, "b" * 32, BODY, NOW),
        (SIGNING, "a" * 32, BODY.replace(b"road", b"race"), NOW),
        (SIGNING, "a" * 32, BODY, NOW + 301),
        (SIGNING, "a" * 32, BODY, NOW - 301),
    ],
)
async def test_the_readmes_receiver_refuses_another_secret_key_body_or_an_old_time(secret, key, body, now):
    request = await sent(signed_request())
    assert verified(SIGNING, request.headers["x-parley-signature"], "a" * 32, BODY, now=NOW + 300)
    assert not verified(secret, request.headers["x-parley-signature"], key, body, now=now)


@pytest.mark.parametrize("signature", ["", "v1=00", "t=abc,v1=00", f"t={NOW},t={NOW},v1=00", f"t={NOW}"])
def test_the_readmes_receiver_refuses_a_malformed_signature(signature):
    assert not verified(SIGNING, signature, "", b"", now=NOW)


async def test_a_form_is_signed_as_the_bytes_sent():
    request = await sent(signed_request(body=None, form={"bike": "road bike", "day": "2026-11-30"}))
    assert request.content == b"bike=road+bike&day=2026-11-30"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert verified(SIGNING, request.headers["x-parley-signature"], "a" * 32, request.content, now=NOW)


async def test_a_request_without_a_body_signs_the_time_and_key():
    request = await sent(signed_request(method="GET", body=None, params={"bike": "road"}))
    assert verified(SIGNING, request.headers["x-parley-signature"], "a" * 32, b"", now=NOW)


async def test_signing_with_a_secret_the_process_lacks_refuses_the_request():
    with pytest.raises(WebhookRefused, match="'SHOP_SIGNING' is not configured"):
        await sent(signed_request(), WebhookSecrets())


async def test_a_signature_header_that_names_no_secret_is_refused():
    headers = {"x-parley-signature": "t=1,v1=forged"}
    with pytest.raises(WebhookRefused, match="is Parley's"):
        await sent(signed_request(headers=headers))


async def test_a_secret_signs_only_requests_to_its_hosts():
    with pytest.raises(
        WebhookRefused, match=re.escape("'SHOP_SIGNING' is not for host 'collector.example.net'")
    ):
        await sent(signed_request(url="https://collector.example.net/replay-me"))


SECRETS = WebhookSecrets({"SHOP_SIGNING": Secret(SIGNING, frozenset({"shop.example.com"}))})


def signed_bot(mode: str = "call", sign: str = "SHOP_SIGNING", **action: Any) -> bytes:
    webhook = {
        "url": "https://shop.example.com/bookings",
        "body": '{"bike": "{{ slots.bike }}"}',
        "mode": mode,
        "sign": sign,
        **action,
    }
    intent = {
        "id": "book",
        "examples": ["book a repair"],
        "parameters": [{"name": "bike", "prompt": "Which bike?"}],
        "action": webhook,
        "replies": ["Booked."],
    }
    return json.dumps({"intents": [{"id": "fallback", "replies": ["Sorry?"]}, intent]}).encode()


class Receiver:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def caller(self) -> HttpxWebhookCaller:
        async def resolve(host: str, port: int) -> list[str]:
            return ["93.184.216.34"]

        client = httpx.AsyncClient(transport=httpx.MockTransport(self._answer))
        return HttpxWebhookCaller(client=client, resolve=resolve, secrets=SECRETS)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})

    def verifies(self) -> bool:
        return all(
            verified(
                SIGNING,
                request.headers["x-parley-signature"],
                request.headers["idempotency-key"],
                request.content,
            )
            for request in self.requests
        )


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def service(mongo: Any, redis: Redis, receiver: Receiver) -> Any:
    def make(publisher: MemoryBus | None = None) -> DialogueService:
        return DialogueService(
            bots=MongoBotStore(mongo),
            conversations=RedisConversationState(redis, ttl_seconds=60),
            nlu=ScriptedNlu(),
            webhooks=receiver.caller(),
            publisher=publisher,
            rng=random.Random(1),
        )

    return make


async def _book(service: DialogueService) -> list[str]:
    reply = await service.turn(ChatRequest(bot="shop", text='/book{"bike": "road"}', conversation_id="c-1"))
    return [m.text for m in reply.messages]


async def test_a_signed_actions_call_verifies_with_the_secret(service, receiver):
    dialogue = service()
    await dialogue.put_bot("shop", signed_bot())
    assert await _book(dialogue) == ["Booked."]
    [request] = receiver.requests
    assert request.content == b'{"bike": "road"}'
    assert receiver.verifies()


async def test_a_signed_notification_is_queued_with_the_name_and_signed_when_sent(service, receiver, redis):
    bus = MemoryBus()
    dialogue = service(bus)
    await dialogue.put_bot("shop", signed_bot(mode="notify"))
    await _book(dialogue)
    [delivery] = await bus.receive(NOTIFICATIONS_QUEUE, wait_seconds=0)
    message = decode(delivery.body)
    assert isinstance(message, SendWebhook)
    assert message.headers["x-parley-signature"] == "{{ secrets.SHOP_SIGNING }}"
    await deliver(message, webhooks=receiver.caller(), sent=RedisSentNotifications(redis))
    assert receiver.verifies()


async def test_a_signed_form_verifies_as_sent(service, receiver):
    dialogue = service()
    await dialogue.put_bot("shop", signed_bot(body=None, send_slots="form"))
    await _book(dialogue)
    assert receiver.requests[0].content == b"bike=road"
    assert receiver.verifies()


@pytest.mark.parametrize("export_format", ["native", "acf"])
async def test_the_exports_carry_the_name_and_import_to_the_same_bot(service, export_format):
    dialogue = service()
    await dialogue.put_bot("shop", signed_bot())
    exported = await dialogue.get_bot("shop", export_format)
    assert SIGNING not in json.dumps(exported)
    await dialogue.put_bot("copy", json.dumps(exported).encode())
    original, copy = await dialogue.get_bot("shop"), await dialogue.get_bot("copy")
    assert copy["intents"] == original["intents"]
    assert original["intents"][1]["action"]["sign"] == "SHOP_SIGNING"


async def test_a_sign_that_is_no_secret_name_is_refused(service):
    with pytest.raises(InvalidInputError) as refused:
        await service().put_bot("shop", signed_bot(sign="shop-signing"))
    [detail] = refused.value.details
    assert detail["path"] == "intents[1].action.sign"
    assert "names the secret 'shop-signing'" in detail["message"]
