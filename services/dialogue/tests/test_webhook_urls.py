"""What templates may decide in a webhook's URL: path segments and query values, never where the
request goes (its scheme, host or port)."""

from __future__ import annotations

import pytest

from parley_dialogue.actions import build_request
from parley_dialogue.definition import ActionDef
from parley_dialogue.engine import PendingAction
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.validation import problems_of

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
