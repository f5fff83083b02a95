"""Turning an intent's action into a webhook request (pure: no I/O).

Values are escaped for where they land: URL-encoded in the URL, JSON-escaped in a JSON body, so
a user's reply cannot add query parameters or JSON fields.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from parley_dialogue.definition import ActionDef
from parley_dialogue.engine import PendingAction
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.replies import template_variables
from parley_dialogue.templates import render


def build_request(action: ActionDef, pending: PendingAction) -> WebhookRequest:
    """The webhook request for a completed intent; `TemplateError` if a template fails."""
    url = render(action.url, _escaped(pending, _url_escape)).strip()
    if not url.startswith(("http://", "https://")):
        raise WebhookRefused("the webhook URL must start with http:// or https://")
    headers = {
        key: render(value, _escaped(pending, _no_escape)).replace("\r", "").replace("\n", "")
        for key, value in action.headers.items()
    }
    body: bytes | None = None
    if action.body is not None:
        escape = _json_escape if action.json else _no_escape
        body = render(action.body, _escaped(pending, escape)).encode()
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


def _escaped(pending: PendingAction, escape: Any) -> dict[str, Any]:
    return template_variables(_map(pending.slots, escape), _map(pending.context, escape))


def _map(value: Any, escape: Any) -> Any:
    if isinstance(value, dict):
        return {k: _map(v, escape) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list):
        return [_map(v, escape) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return escape(value) if isinstance(value, str) else value


def _url_escape(value: str) -> str:
    return quote(value, safe="")


def _json_escape(value: str) -> str:
    return json.dumps(value)[1:-1]


def _no_escape(value: str) -> str:
    return value


def _flat(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)  # pyright: ignore[reportUnknownArgumentType]
