"""The notification worker's handler: deliver `SendWebhook` commands (`mode: notify` webhooks).

The worker decides from the exception class alone: `WebhookError` (timeouts, refused
connections, 5xx, 429) comes back after a backoff until the queue's redrive dead-letters it;
`WebhookRefused` (an SSRF-refused destination, a header HTTP cannot carry, a 4xx answer) is
dead-lettered at once.
"""

from __future__ import annotations

import httpx
import structlog

from parley_dialogue.actions import IDEMPOTENCY_HEADER
from parley_dialogue.ports import SentNotifications, WebhookCaller, WebhookRequest
from parley_messages import AnyMessage, SendWebhook

log = structlog.get_logger(__name__)


async def deliver(message: AnyMessage, *, webhooks: WebhookCaller, sent: SentNotifications) -> None:
    """Send one notification, once per message id; ignore other messages on the queue."""
    if not isinstance(message, SendWebhook):
        log.warning("notifier.unexpected_message", type=type(message).__name__)
        return
    if not await sent.claim(message.message_id):
        log.info("notification.duplicate", bot=message.bot, intent=message.intent)
        return
    try:
        await webhooks.send(webhook_request(message))
    except BaseException:
        await sent.release(message.message_id)
        raise
    await sent.mark_sent(message.message_id)
    log.info("notification.sent", bot=message.bot, intent=message.intent, host=_host(message.url))


def webhook_request(message: SendWebhook) -> WebhookRequest:
    """The request to make. The turn sent its idempotency key (`actions.stamped`); a message queued
    before that carries none, and its message id lets the receiver drop a rare duplicate."""
    headers = dict(message.headers)
    if not any(name.lower() == IDEMPOTENCY_HEADER for name in headers):
        headers[IDEMPOTENCY_HEADER] = message.message_id
    return WebhookRequest(
        method=message.method,
        url=message.url,
        headers=headers,
        params=message.params,
        form=message.form,
        body=None if message.body is None else message.body.encode(),
        timeout=message.timeout,
    )


def _host(url: str) -> str:
    """Only the host is logged: paths and queries may carry the user's slot values."""
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return "?"
