"""Fire-and-forget webhooks (`action.mode: notify`): queued by the turn, delivered by the
notification worker on the in-process bus, retried when transient, dead-lettered when permanent."""

from __future__ import annotations

from functools import partial

import pytest

from parley_dialogue.adapters.redis_notifications import RedisSentNotifications
from parley_dialogue.bootstrap import build_notification_worker
from parley_dialogue.definition import Messages
from parley_dialogue.errors import WebhookError, WebhookRefused
from parley_dialogue.notifications import deliver
from parley_dialogue.service import DialogueService
from parley_dialogue.settings import DialogueSettings
from parley_dialogue.testing import RecordingWebhooks
from parley_messages import NOTIFICATIONS_QUEUE, ChatRequest, Message, SendWebhook, decode
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import TransientError
from parley_runtime.infra import InfraSettings, connect_infra
from parley_runtime.worker import Worker

DEAD_LETTERS = f"{NOTIFICATIONS_QUEUE}-dlq"
NOTIFYING = b"""
intents:
  - id: order
    examples: [a pizza please]
    parameters: [{name: size, prompt: "Which size?"}]
    replies: ["Your {{ slots.size }} pizza is on its way."]
    action:
      url: https://kitchen.example.com/orders?size={{ slots.size }}
      body: '{"size": "{{ slots.size }}"}'
      headers: {Authorization: Bearer kitchen-secret}
      mode: notify
"""


class BrokenQueue:
    """A publisher whose queue is unreachable."""

    async def publish(self, message: Message) -> None:
        raise TransientError("sqs: EndpointConnectionError")


@pytest.fixture
def bus() -> MemoryBus:
    return MemoryBus(max_receives=3)


def notifier(bus: MemoryBus, webhooks: RecordingWebhooks, redis) -> Worker:
    handler = partial(deliver, webhooks=webhooks, sent=RedisSentNotifications(redis))
    return Worker(bus, NOTIFICATIONS_QUEUE, handler, wait_seconds=0, retry_delay_seconds=0)


def command(**fields) -> SendWebhook:
    defaults = {"bot": "b", "intent": "order", "conversation_id": "c1", "method": "POST"}
    return SendWebhook(**{**defaults, "url": "https://kitchen.example.com/orders", **fields})


async def order(service: DialogueService) -> list[str]:
    await service.put_bot("pizzeria", NOTIFYING)
    reply = await service.turn(
        ChatRequest(bot="pizzeria", text='/order{"size": "large"}', correlation_id="r1")
    )
    return [m.text for m in reply.messages]


async def test_a_notify_action_replies_at_once_and_queues_the_rendered_request(notifying, bus):
    webhooks = RecordingWebhooks({"never": "read"})
    assert await order(notifying(webhooks, bus)) == ["Your large pizza is on its way."]
    assert webhooks.requests == []
    [delivery] = await bus.receive(NOTIFICATIONS_QUEUE, wait_seconds=0)
    message = decode(delivery.body)
    assert isinstance(message, SendWebhook)
    assert (message.bot, message.intent, message.correlation_id) == ("pizzeria", "order", "r1")
    assert message.url == "https://kitchen.example.com/orders?size=large"
    assert message.body == '{"size": "large"}'
    assert message.headers["Authorization"] == "Bearer kitchen-secret"


async def test_a_notification_that_cannot_be_queued_gets_the_failure_reply(notifying):
    assert await order(notifying(RecordingWebhooks(), BrokenQueue())) == [Messages().action_failed]


async def test_the_worker_delivers_a_queued_notification_with_an_idempotency_key(notifying, redis, bus):
    webhooks = RecordingWebhooks()
    await order(notifying(webhooks, bus))
    assert await notifier(bus, webhooks, redis).run_once() == 1
    [request] = webhooks.requests
    assert (request.method, request.url, request.body) == (
        "POST",
        "https://kitchen.example.com/orders?size=large",
        b'{"size": "large"}',
    )
    assert len(request.headers["idempotency-key"]) == 32
    assert bus.depth(NOTIFICATIONS_QUEUE) == 0


async def test_a_transient_failure_is_retried_until_delivered(redis, bus):
    webhooks = RecordingWebhooks(errors=[WebhookError("webhook answered HTTP 503")])
    await bus.publish(command())
    worker = notifier(bus, webhooks, redis)
    await worker.run_once()
    assert bus.depth(NOTIFICATIONS_QUEUE) == 1
    await worker.run_once()
    assert len(webhooks.requests) == 2
    assert bus.depth(NOTIFICATIONS_QUEUE) == 0
    assert bus.depth(DEAD_LETTERS) == 0


async def test_a_notification_that_keeps_failing_ends_in_the_dead_letter_queue(redis, bus):
    webhooks = RecordingWebhooks(error=WebhookError("webhook call failed: ConnectTimeout"))
    await bus.publish(command())
    worker = notifier(bus, webhooks, redis)
    for _ in range(4):
        await worker.run_once()
    assert len(webhooks.requests) == 3
    assert bus.depth(DEAD_LETTERS) == 1


async def test_a_permanent_failure_is_dead_lettered_at_once(redis, bus):
    webhooks = RecordingWebhooks(error=WebhookRefused("webhook answered HTTP 404"))
    await bus.publish(command())
    await notifier(bus, webhooks, redis).run_once()
    assert len(webhooks.requests) == 1
    assert bus.depth(NOTIFICATIONS_QUEUE) == 0
    assert bus.depth(DEAD_LETTERS) == 1


async def test_a_redelivered_notification_is_not_sent_twice(redis, bus):
    webhooks = RecordingWebhooks()
    once = command()
    await bus.publish(once)
    await bus.publish(once)
    await notifier(bus, webhooks, redis).run_once()
    assert len(webhooks.requests) == 1
    assert bus.depth(NOTIFICATIONS_QUEUE) == 0


async def test_an_idempotency_key_chosen_by_the_bot_author_is_kept(redis, bus):
    webhooks = RecordingWebhooks()
    await bus.publish(command(headers={"Idempotency-Key": "order-7"}))
    await notifier(bus, webhooks, redis).run_once()
    assert webhooks.requests[0].headers == {"Idempotency-Key": "order-7"}


async def test_the_notification_worker_refuses_private_destinations_like_the_turn_does(tmp_path):
    infra = await connect_infra(InfraSettings(data_dir=str(tmp_path)))
    try:
        worker = await build_notification_worker(infra, DialogueSettings())
        await infra.bus.publish(command(url="http://127.0.0.1:9/hook"))
        await worker.run_once()
        assert isinstance(infra.bus, MemoryBus)
        assert infra.bus.depth(DEAD_LETTERS) == 1
    finally:
        await infra.aclose()


async def test_a_sent_notification_cannot_be_claimed_again_but_a_released_one_can(redis):
    sent = RedisSentNotifications(redis)
    assert await sent.claim("m1")
    assert not await sent.claim("m1")
    await sent.release("m1")
    assert await sent.claim("m1")
    await sent.mark_sent("m1")
    assert not await sent.claim("m1")
