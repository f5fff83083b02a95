"""The dialogue service's errors, on top of the runtime's tree."""

from __future__ import annotations

from parley_runtime.errors import PermanentError, TransientError


class TemplateError(PermanentError):
    """A bot author's template is unsafe, failed, or exceeded its render budget."""

    code = "template_error"


class WebhookError(TransientError):
    """An intent's webhook could not be called or did not answer usable JSON."""

    code = "webhook_failed"
