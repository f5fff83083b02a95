"""What templates may decide in a webhook's URL: path segments and query values, never where the
request goes (its scheme, host or port) nor, with `.` or `..`, which path it reaches."""

from __future__ import annotations

import random

import pytest

from parley_dialogue.actions import build_request
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.conversation import PendingAction
from parley_dialogue.definition import ActionDef, Messages
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu
from parley_dialogue.validation import problems_of
from parley_messages import ChatRequest

TEMPLATED_ORIGIN = (
    "a template may not print the scheme, host or port of a webhook URL: write them out"
    " (https://api.example.com/...) and let templates fill path segments and query values"
)


def with_url(url: str) -> dict:
    action = {"url": url, "headers": {"Authorization": "Bearer secret"}}
    return {"name": "b", "intents": [{"id": "go", "examples": ["go"], "replies": ["done"], "action": action}]}


def pending(context: dict | None = None, **slots: object) -> PendingAction:
    return PendingAction(intent="go", slots=slots, context=context or {})


@pytest.mark.parametrize(
    "url",
    [
        "https://{{ context.host }}/x",
        "{{ context.api }}/orders",
        "https://api.{{ context.env }}.example.com/orders",
        "https://api.example.com:{{ context.port }}/orders",
        "https://{{ slots.user }}@api.example.com/orders",
        "https://api.example.com{{ slots.path }}",
        "https://api.example.com{% if slots.x %}/a{% endif %}",
        "http{% if context.tls %}s{% endif %}://api.example.com/x",
        "https://api.example.com{# where #}/x",
    ],
)
def test_a_url_whose_scheme_host_or_port_a_template_prints_is_refused_at_save(url):
    assert problems_of(with_url(url)) == [{"path": "intents[0].action.url", "message": TEMPLATED_ORIGIN}]


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/orders/{{ slots.id }}",
        "https://api.example.com:8443/orders/{{ slots.id }}/items",
        "https://api.example.com?q={{ slots.q }}",
        "https://api.example.com/#{{ slots.q }}",
        "https://user@api.example.com/{{ slots.q }}",
    ],
)
def test_templates_may_fill_the_path_and_the_query(url):
    assert problems_of(with_url(url)) == []


def test_a_templated_origin_stored_before_the_rule_refuses_the_webhook():
    action = ActionDef(url="https://{{ context.host }}/x", headers={"Authorization": "Bearer secret"})
    with pytest.raises(WebhookRefused, match="scheme, host or port"):
        build_request(action, pending({"host": "attacker.example"}))


@pytest.mark.parametrize(
    ("url", "slots"),
    [
        ("https://h.example.com/api/items/{{ slots.pid }}/detail", {"pid": ".."}),
        ("https://h.example.com/api/items/{{ slots.pid }}", {"pid": "."}),
        ("https://h.example.com/api/items/{{ slots.pid | urlencode }}", {"pid": "../../admin"}),
        ("https://h.example.com/api/items/{{ slots.pid }}", {"pid": "a/../../admin"}),
        ("https://h.example.com/api/items/{{ slots.a }}{{ slots.b }}/x", {"a": ".", "b": "."}),
        ("https://h.example.com/api/items/.{{ slots.a }}/x", {"a": "."}),
        ("https://h.example.com/api/items/{{ slots.pid }}", {"pid": "..\\..\\admin"}),
    ],
)
def test_a_dot_segment_printed_into_the_path_refuses_the_webhook(url, slots):
    with pytest.raises(WebhookRefused, match=r"'\.' or '\.\.' path segment"):
        build_request(ActionDef(url=url), pending(**slots))


@pytest.mark.parametrize(
    ("url", "slots", "sent"),
    [
        ("https://h.example.com/items/{{ s }}/d", {"s": "..."}, "https://h.example.com/items/.../d"),
        ("https://h.example.com/items/{{ s }}/d", {"s": ".x"}, "https://h.example.com/items/.x/d"),
        ("https://h.example.com/items?q={{ s }}", {"s": ".."}, "https://h.example.com/items?q=.."),
        ("https://h.example.com/items#{{ s }}", {"s": ".."}, "https://h.example.com/items#.."),
    ],
)
def test_dots_that_are_no_path_segment_are_sent(url, slots, sent):
    action = ActionDef(url=url.replace("{{ s }}", "{{ slots.s }}"))
    assert build_request(action, pending(**slots)).url == sent


@pytest.mark.parametrize("url", ["https://h.example.com/a/../b", "https://h.example.com/./b/{{ slots.x }}"])
def test_a_literal_dot_segment_is_refused_at_save(url):
    message = "has a '.' or '..' path segment, which would be resolved away: write the path it means"
    assert problems_of(with_url(url)) == [{"path": "intents[0].action.url", "message": message}]


SHOP = b"""
intents:
  - id: item
    examples: [show an item]
    parameters: [{name: pid, prompt: "Which item?"}]
    replies: ["Found {{ result.name }}."]
    action: {url: "https://shop.example.com/api/items/{{ slots.pid }}/detail", method: GET}
"""


async def test_a_user_answering_dot_dot_gets_the_failure_reply_and_no_call_is_made(mongo, redis):
    webhooks = RecordingWebhooks({"name": "admin"})
    service = DialogueService(
        bots=MongoBotStore(mongo),
        conversations=RedisConversationState(redis, ttl_seconds=60),
        nlu=ScriptedNlu(),
        webhooks=webhooks,
        rng=random.Random(1),
    )
    await service.put_bot("shop", SHOP)
    reply = await service.turn(ChatRequest(bot="shop", text='/item{"pid": ".."}', correlation_id="r1"))
    assert [m.text for m in reply.messages] == [Messages().action_failed]
    assert webhooks.requests == []
