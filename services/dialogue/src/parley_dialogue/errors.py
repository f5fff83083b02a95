"""The dialogue service's errors, on top of the runtime's tree."""

from __future__ import annotations

from typing import Any

from parley_runtime.errors import PermanentError, TransientError


class TemplateError(PermanentError):
    """A bot author's template is unsafe, failed, or exceeded its render budget."""

    code = "template_error"


class WebhookError(TransientError):
    """An intent's webhook could not be called or did not answer usable JSON; trying again later
    may succeed (a timeout, a refused connection, a 5xx or 429 answer)."""

    code = "webhook_failed"


class WebhookRefused(PermanentError):
    """An intent's webhook can never succeed as it stands: its destination is refused by the SSRF
    guard, its URL is not http(s), a template printed its origin or a `.`/`..` path segment, a
    header is one HTTP cannot carry, or it answered a client error (4xx other than 408 and 429)."""

    code = "webhook_refused"


class WebhookDeclined(WebhookRefused):
    """A `call` webhook answered 422 with JSON (`answer`): it refuses the request's values, and
    may say which one and why (`completion.declined`)."""

    code = "webhook_declined"

    def __init__(self, message: str, answer: Any) -> None:
        super().__init__(message)
        self.answer = answer


WEBHOOK_FAILURES = (WebhookError, WebhookRefused, TemplateError)
"""Everything calling or building a webhook may raise on purpose."""
