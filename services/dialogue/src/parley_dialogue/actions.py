"""Turning an intent's action into a webhook request (pure: no I/O).

What the templates print is escaped for where it lands (`escaping.py`): URL-encoded in the URL,
JSON-escaped in a JSON body, so a user's reply cannot add query parameters or JSON fields. The
templates' filters see the values as they are; `urlencode` in the URL and `tojson` in a JSON body
escape them themselves.
"""

from __future__ import annotations

from typing import Any

from parley_dialogue.definition import ActionDef
from parley_dialogue.engine import PendingAction
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.replies import template_variables
from parley_dialogue.templates import render


def build_request(action: ActionDef, pending: PendingAction) -> WebhookRequest:
    """The webhook request for a completed intent; `TemplateError` if a template fails."""
    variables = template_variables(pending.slots, pending.context)
    url = render(action.url, variables, landing="url").strip()
    if not url.startswith(("http://", "https://")):
        raise WebhookRefused("the webhook URL must start with http:// or https://")
    headers = {
        key: render(value, variables).replace("\r", "").replace("\n", "")
        for key, value in action.headers.items()
    }
    body: bytes | None = None
    if action.body is not None:
        body = render(action.body, variables, landing="json" if action.json else "text").encode()
        if not any(name.lower() == "content-type" for name in headers):  # authors write `Content-Type`
            headers["content-type"] = "application/json" if action.json else "text/plain"
    placement = _slot_placement(action) if body is None else None
    slots = {k: _flat(v) for k, v in pending.slots.items()} if placement else {}
    return WebhookRequest(
        method=action.method,
        url=url,
        headers=headers,
        params=slots if placement == "query" else {},
        form=slots if placement == "form" else {},
        body=body,
        timeout=action.timeout,
    )


def _slot_placement(action: ActionDef) -> str | None:
    if action.send_slots is True:
        return "query" if action.method == "GET" else "form"
    return action.send_slots or None


def _flat(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)  # pyright: ignore[reportUnknownArgumentType]
