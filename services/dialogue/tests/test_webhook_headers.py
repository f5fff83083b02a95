"""Webhook headers HTTP cannot carry: a literal one is refused at save, a rendered one fails the
webhook for good (the failure reply; never queued, never retried)."""

from __future__ import annotations

from functools import partial

import httpx
import pytest

from parley_dialogue.actions import build_request
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.redis_notifications import RedisSentNotifications
from parley_dialogue.conversation import PendingAction
from parley_dialogue.definition import ActionDef, Messages
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.notifications import deliver
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks
from parley_dialogue.validation import problems_of
from parley_messages import NOTIFICATIONS_QUEUE, ChatRequest, SendWebhook
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.worker import Worker

ASCII_ONLY = (
    "holds a character HTTP headers cannot carry (only visible ASCII, spaces and tabs):"
    " URL-encode such text (`| urlencode`) or send it in the body"
)


def with_headers(headers: dict[str, str]) -> dict:
    action = {"url": "https://shop.example.com/hook", "headers": headers}
    return {"name": "b", "intents": [{"id": "go", "examples": ["go"], "replies": ["done"], "action": action}]}


def pending(**slots: object) -> PendingAction:
    return PendingAction(intent="go", slots=slots, context={})


@pytest.mark.parametrize(
    "value",
    ["Café Crème", "line\nbreak", "carriage\rreturn", "nul\x00", "bell\x07", "del\x7f", "Café {{ slots.x }}"],
)
def test_a_literal_header_value_http_cannot_carry_is_refused_at_save(value):
    assert problems_of(with_headers({"X-Shop": value})) == [
        {"path": "intents[0].action.headers.X-Shop", "message": ASCII_ONLY}
    ]


@pytest.mark.parametrize("name", ["X Shop", "X-Café", "X-Shop:", "", "X-Shop\n", "(X)"])
def test_a_header_name_that_is_no_http_token_is_refused_at_save(name):
    [problem] = problems_of(with_headers({name: "1"}))
    assert problem["path"] == f"intents[0].action.headers.{name}"
    assert problem["message"].startswith("is not a header name: HTTP allows letters, digits and")


@pytest.mark.parametrize("name", ["Content-Length", "transfer-encoding"])
def test_the_headers_that_frame_the_body_are_refused_at_save(name):
    assert problems_of(with_headers({name: "12"})) == [
        {
            "path": f"intents[0].action.headers.{name}",
            "message": "is set by the webhook client from the body; remove it",
        }
    ]


def test_usual_and_templated_headers_are_accepted():
    headers = {
        "Authorization": "Bearer {{ context.token }}",
        "X-Shop": "Cafe Creme\t(tab inside)",
        "X-Name": "{{ slots.name | urlencode }}",
        "X-Kind": "{% if slots.vip %}vip{% else %}plain{% endif %}",
    }
    assert problems_of(with_headers(headers)) == []


@pytest.mark.parametrize("value", ["café ☕", "tab\x0bvertical", "nul\x00"])
def test_a_rendered_header_value_http_cannot_carry_refuses_the_webhook(value):
    action = ActionDef(url="https://shop.example.com/hook", headers={"X-Test": "{{ slots.h }}"})
    with pytest.raises(WebhookRefused, match=r"header 'X-Test'"):
        build_request(action, pending(h=value))


def test_a_literal_header_stored_before_the_rule_refuses_the_webhook():
    action = ActionDef(url="https://shop.example.com/hook", headers={"X-Shop": "Café Crème"})
    with pytest.raises(WebhookRefused, match=r"header 'X-Shop'"):
        build_request(action, pending())


def test_urlencode_carries_any_text_in_a_header():
    action = ActionDef(url="https://shop.example.com/hook", headers={"X-Test": "{{ slots.h | urlencode }}"})
    assert build_request(action, pending(h="café ☕")).headers == {"X-Test": "caf%C3%A9%20%E2%98%95"}


def test_a_rendered_header_loses_line_breaks_and_outer_whitespace():
    action = ActionDef(
        url="https://shop.example.com/hook",
        headers={"Authorization": "Bearer {{ context.token }} ", "X-Note": "{{ slots.note }}"},
    )
    request = build_request(action, pending(note="two\r\nlines"))
    assert request.headers == {"Authorization": "Bearer", "X-Note": "twolines"}


SHOP = """
intents:
  - id: order
    examples: [order something]
    parameters: [{name: h, prompt: "Which?"}]
    replies: ["Ordered."]
    action:
      url: https://shop.example.com/orders
      headers: {X-Test: "{{ slots.h }}"}
      mode: MODE
"""


async def order(service: DialogueService, mode: str, answer: str) -> list[str]:
    await service.put_bot("shop", SHOP.replace("MODE", mode).encode())
    text = '/order{"h": "%s"}' % answer  # noqa: UP031 - JSON braces
    reply = await service.turn(ChatRequest(bot="shop", text=text, correlation_id="r1"))
    return [m.text for m in reply.messages]


async def test_a_called_webhook_whose_header_http_cannot_carry_gets_the_failure_reply(notifying):
    webhooks = RecordingWebhooks({"ok": True})
    assert await order(notifying(webhooks), "call", "café ☕") == [Messages().action_failed]
    assert webhooks.requests == []


async def test_a_notification_whose_header_http_cannot_carry_is_not_queued(notifying):
    bus = MemoryBus()
    replies = await order(notifying(RecordingWebhooks(), bus), "notify", "café ☕")
    assert replies == [Messages().action_failed]
    assert bus.depth(NOTIFICATIONS_QUEUE) == 0


def public_caller(seen: list[httpx.Request]) -> HttpxWebhookCaller:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return HttpxWebhookCaller(client=client, resolve=resolve)


@pytest.mark.parametrize(
    "headers", [{"X-Test": "café ☕"}, {"X-Test": "a\nb"}, {"X Test": "1"}, {"X-Test": " x"}]
)
async def test_the_adapter_refuses_a_header_http_cannot_carry_without_sending(headers):
    seen: list[httpx.Request] = []
    webhooks = public_caller(seen)
    with pytest.raises(WebhookRefused, match="header"):
        await webhooks.call(WebhookRequest(method="GET", url="https://shop.example.com/", headers=headers))
    assert seen == []
    await webhooks.aclose()


async def test_a_queued_notification_whose_header_http_cannot_carry_is_dead_lettered_at_once(redis):
    bus = MemoryBus(max_receives=3)
    seen: list[httpx.Request] = []
    webhooks = public_caller(seen)
    handler = partial(deliver, webhooks=webhooks, sent=RedisSentNotifications(redis))
    worker = Worker(bus, NOTIFICATIONS_QUEUE, handler, wait_seconds=0, retry_delay_seconds=0)
    await bus.publish(
        SendWebhook(
            bot="shop",
            intent="order",
            conversation_id="c1",
            method="POST",
            url="https://shop.example.com/orders",
            headers={"X-Test": "café ☕"},
        )
    )
    await worker.run_once()
    assert seen == []
    assert bus.depth(NOTIFICATIONS_QUEUE) == 0
    assert bus.depth(f"{NOTIFICATIONS_QUEUE}-dlq") == 1
    await webhooks.aclose()
